/*
 * SENDFILE: files sent through the server, in acknowledged base64 chunks.
 *
 * An upload is a transfer owned by its sender; its chunks go to a worker
 * thread that writes them to <data-dir>/files/tmp/<id>.part and hashes
 * them in order. When the last one is written the worker fsyncs the file,
 * checks the SHA-256 and renames it to <data-dir>/files/<sha256> (content
 * addressed); then the transfer is offered to its recipients. A download
 * is a stream of read jobs on the same worker, each turning one chunk into
 * a finished DATA line; the loop only appends those bytes to the send
 * queue. The loop therefore never reads, writes, hashes or fsyncs file
 * data itself: its work per chunk is one base64 decode (upload) or one
 * append (download).
 *
 * Jobs run on one serial worker queue (worker.c), so they complete in the
 * order they were given. A job holds its transfer (and its
 * download stream), which are freed only when no job refers to them.
 *
 * Flow control: an uploader may have FILE_WINDOW chunks unacknowledged;
 * the server acknowledges a chunk once it is written. A connection that
 * sends beyond that stops being read (its lines wait in its input) until
 * the worker catches up. Downloads send at most a window of chunks ahead
 * of the receiver's ACKs, and never more than half the send queue, so a
 * slow receiver is paced instead of hitting "Max SendQ exceeded".
 *
 * Streaming (chatd/sendfile-stream): a file to a nick has its recipient
 * from the start. Once the upload's head is written, a recipient whose
 * connection asked for the capability is offered it (file_stream) and
 * may download what is written so far: its window never passes
 * x->written, and every write that comes back wakes the downloads
 * waiting at that end. A download close behind the upload gets the
 * uploader's own base64 of the chunk (the last FILE_CACHE chunks are
 * kept), so it costs no read and no encoding; one further behind reads
 * the partial file on the worker like any download. The SHA-256 is still
 * checked at the end of the upload: COMPLETE comes only once the file is
 * stored, and a mismatch (or the upload failing or going away) sends the
 * streaming recipients the same FAIL as the sender (file_fail_rcpts).
 *
 * Who may do what is decided by file_key(): "~" and the folded account
 * for a logged-in client, else "!" and an id of the connection (never a
 * nick: the next holder of a nick must not get what was offered to it).
 * Offers to users who are offline wait for them in file_client_online(),
 * called when a client registers or logs in.
 *
 * Stored files outlive a restart: each stored transfer's metadata
 * (sender, recipients and their state, name, size, hash, type, time) is a
 * row in the store's key-value space, written whenever it changes;
 * file_load() reads them back at start-up and removes expired transfers
 * and files nothing refers to. An upload in progress has a row too: after
 * a restart its partial file is hashed again and the sender continues
 * after the bytes on disk, as after a dropped connection.
 */

#include "config.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <openssl/evp.h>

#include "chatd.h"
#include "store.h"

#define FILE_JOBS_MAX 256  /* write jobs queued, all uploads together */
#define FILE_UPLOADS_MAX 8 /* uploads in progress per user (open files) */
#define FILE_XFERS_MAX 100 /* transfers per user, even of empty files */
#define FILE_HEAD 512      /* first bytes kept for the MIME guess */
#define FILE_B64_MAX (CHAT_FILE_CHUNK / 3 * 4)
#define FILE_KEY_MAX (CHAT_NICK_MAX + 2) /* "~" account, or "!" connection */
#define FILE_MIME_MAX 100
#define FILE_CACHE 64 /* written chunks kept for downloads close behind */
#define FILE_SYNC_STEP (8u << 20) /* writeback started every 8 MiB */
/* The store's key-value namespace of stored transfers, keyed by id. */
#define FILE_STORE_NS "file"

enum file_state { FILE_UPLOADING, FILE_VERIFYING, FILE_STORED, FILE_DEAD };
enum file_rstate { RCPT_OFFERED, RCPT_ACCEPTED, RCPT_DECLINED, RCPT_COMPLETE };
static const char *file_rstate_names[] = { "OFFERED", "ACCEPTED", "DECLINED",
	"COMPLETE" };

struct file_xfer;

/* A download stream: one recipient's connection reading one file. */
struct file_dl {
	struct file_xfer *x;
	struct file_rcpt *r; /* NULL once closed */
	struct client *c;    /* NULL once closed */
	struct chat_file_window w;
	int fd;
	unsigned njobs;
	TAILQ_ENTRY(file_dl) entry;
};
TAILQ_HEAD(file_dls, file_dl);

/* A recipient of a stored file. */
struct file_rcpt {
	char key[FILE_KEY_MAX + 1];
	char nick[CHAT_NICK_MAX + 1];
	enum file_rstate state;
	uint64_t acked;
	struct file_dl *dl;
	bool early; /* offered while the upload went on (sendfile-stream) */
};

/* A written chunk as the uploader sent it (base64), for file_dl_pump. */
struct file_chunk {
	uint64_t off;
	size_t len;
	char *b64;
	size_t b64len;
};

/* A transfer: an upload, then a stored file offered to recipients. */
struct file_xfer {
	uint64_t id;
	enum file_state state;
	char owner[FILE_KEY_MAX + 1];    /* file_key() of the sender */
	char tokey[FILE_KEY_MAX + 1];    /* file_key() of a private target */
	char mimebuf[FILE_MIME_MAX + 1]; /* mime, when read from the store */
	char from[CHAT_NICK_MAX + 1];
	char target[CHAT_CHAN_MAX + 1];
	char name[CHAT_FILE_NAME_MAX + 1];
	char hash[CHAT_FILE_HASH_HEX + 1];
	const char *mime;
	uint64_t size;
	uint64_t received; /* next offset expected */
	uint64_t written;  /* bytes the worker has written */
	unsigned char head[FILE_HEAD];
	size_t headlen;
	struct client *uploader; /* the connection sending, if any */
	bool blocked;            /* its input waits for the worker */
	bool streaming;          /* its head is written: offered early */
	unsigned nwrites;
	unsigned njobs;
	time_t touched;
	char *tmppath;
	char *path;
	int fd;         /* partial file: the worker's while jobs run */
	EVP_MD_CTX *md; /* likewise */
	struct file_rcpt *rcpts;
	size_t nrcpts;
	struct file_chunk cache[FILE_CACHE]; /* while someone streams it */
	unsigned cache_next;
	TAILQ_ENTRY(file_xfer) entry;
};
TAILQ_HEAD(file_xfers, file_xfer);

enum file_job_type { FJOB_WRITE, FJOB_COMMIT, FJOB_UNLINK, FJOB_READ };

/* Work for the worker thread and, when done, its result. */
struct file_job {
	struct worker_job wj;
	enum file_job_type type;
	struct file_xfer *x;
	struct file_dl *dl;
	uint64_t off;
	size_t len;
	char *buf; /* write: the bytes; read: the line; commit: the hash */
	size_t buflen;
	char *b64; /* write: the chunk's base64, for a download to relay */
	size_t b64len;
	char *path; /* unlink */
	int err;
};

static struct file_xfers file_xfers = TAILQ_HEAD_INITIALIZER(file_xfers);
static struct file_dls file_dls = TAILQ_HEAD_INITIALIZER(file_dls);
static uint64_t file_next_id = 1;
static unsigned file_nwrites;
static unsigned file_nblocked;
static char *file_dir, *file_tmpdir;

static struct worker *file_worker;
static struct event *file_tick_ev;

static void file_dl_close(struct file_dl *);
static void file_dl_pump(struct file_dl *);
static void file_send(struct client *, const char *, ...) PRINTFLIKE(2, 3);

/* The key of an account: "~" (never in a nick) and the folded name. */
static void
file_account_key(char *buf, size_t len, const char *account)
{
	char fold[CHAT_NICK_MAX + 1];

	chat_casefold(fold, account, sizeof fold);
	snprintf(buf, len, "~%s", fold);
}

/*
 * The key of a connection without an account: "!" (never in a nick), a
 * random number for this run and its id, so no later connection has it,
 * nor one after a restart (ids start again at 1). A nick would not do: whoever
 * takes the nick next would get what was offered to it.
 */
static uint64_t file_run_id; /* random, per run of chatd (file_init) */

static void
file_conn_key(char *buf, size_t len, const struct user *u)
{
	snprintf(buf, len, "!%012llx.%llx", (unsigned long long)file_run_id,
	    (unsigned long long)u->id);
}

/*
 * Who a client is for file ownership: its account when logged in, else
 * this connection alone. The result is valid until the next call.
 */
static const char *
file_key(const struct user *u)
{
	static char key[FILE_KEY_MAX + 1];

	if (u->account == NULL)
		file_conn_key(key, sizeof key, u);
	else
		file_account_key(key, sizeof key, u->account);
	return key;
}

/*
 * The connection of the user with this key, if online (the first one).
 * Keys of an older kind (a bare nick) match nobody.
 */
static struct client *
file_key_client(const char *key)
{
	struct client *c;

	if (key[0] != '~' && key[0] != '!')
		return NULL;
	TAILQ_FOREACH(c, &all_clients, entry) {
		if ((c->flags & CLIENT_REGISTERED) &&
		    !(c->flags & CLIENT_DEAD) &&
		    (c->user.account != NULL) == (key[0] == '~') &&
		    strcmp(file_key(&c->user), key) == 0)
			return c;
	}
	return NULL;
}

/* Write all of buf at off (the worker). */
static int
file_pwrite(int fd, const char *buf, size_t len, uint64_t off)
{
	ssize_t n;

	while (len > 0) {
		n = pwrite(fd, buf, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? EIO : errno;
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* Flush a directory so a rename in it survives a crash (the worker). */
static void
file_sync_dir(const char *path)
{
	char dir[4096], *slash;
	int fd;

	strlcpy(dir, path, sizeof dir);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Finish an upload: fsync, check the hash, rename into place (worker). */
static void
file_job_commit(struct file_job *j)
{
	struct file_xfer *x = j->x;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0, i;
	static const char hex[] = "0123456789abcdef";

	j->buf = xmalloc(CHAT_FILE_HASH_HEX + 1);
	if (fsync(x->fd) != 0)
		j->err = errno;
	close(x->fd);
	x->fd = -1;
	EVP_DigestFinal_ex(x->md, md, &mdlen);
	for (i = 0; i < mdlen && i * 2 < CHAT_FILE_HASH_HEX; i++) {
		j->buf[i * 2] = hex[md[i] >> 4];
		j->buf[i * 2 + 1] = hex[md[i] & 15];
	}
	j->buf[i * 2] = '\0';
	if (j->err == 0 && strcmp(j->buf, x->hash) != 0)
		j->err = EBADMSG;
	if (j->err == 0 && rename(x->tmppath, x->path) != 0)
		j->err = errno;
	if (j->err != 0)
		unlink(x->tmppath);
	else
		file_sync_dir(x->path);
}

/* Read a chunk and finish its DATA line after the prefix (worker). */
static void
file_job_read(struct file_job *j)
{
	static unsigned char raw[CHAT_FILE_CHUNK]; /* the worker's alone */
	size_t got = 0;
	ssize_t n;

	while (got < j->len) {
		n = pread(
		    j->dl->fd, raw + got, j->len - got, (off_t)(j->off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			j->err = n == 0 ? EIO : errno;
			return;
		}
		got += (size_t)n;
	}
	j->buflen += chat_file_b64_encode(j->buf + j->buflen, raw, j->len);
	memcpy(j->buf + j->buflen, "\r\n", 2);
	j->buflen += 2;
}

/* Run one job (worker thread: touches only the job and its file). */
static void
file_job_run(struct worker_job *wj)
{
	struct file_job *j = WORKER_JOB(wj, struct file_job, wj);
	struct file_xfer *x = j->x;

	switch (j->type) {
	case FJOB_WRITE:
		j->err = file_pwrite(x->fd, j->buf, j->len, j->off);
		if (j->err == 0)
			EVP_DigestUpdate(x->md, j->buf, j->len);
		/*
		 * Start writing back each 8 MiB as it fills, so that the
		 * fsync at the end (and COMPLETE) waits for little.
		 */
		if (j->err == 0 &&
		    (j->off + j->len) / FILE_SYNC_STEP >
		        j->off / FILE_SYNC_STEP)
			sync_file_range(x->fd,
			    (off_t)((j->off + j->len) / FILE_SYNC_STEP *
			            FILE_SYNC_STEP -
			        FILE_SYNC_STEP),
			    FILE_SYNC_STEP, SYNC_FILE_RANGE_WRITE);
		break;
	case FJOB_COMMIT:
		file_job_commit(j);
		break;
	case FJOB_UNLINK:
		if (x != NULL && x->fd >= 0) {
			close(x->fd);
			x->fd = -1;
		}
		if (unlink(j->path) != 0 && errno != ENOENT)
			j->err = errno;
		break;
	case FJOB_READ:
		file_job_read(j);
		break;
	}
}

/* Give a job to the worker. */
static void
file_submit(struct file_job *j)
{
	if (j->x != NULL)
		j->x->njobs++;
	if (j->dl != NULL)
		j->dl->njobs++;
	worker_add(file_worker, &j->wj);
}

/* A new job of a type for a transfer. */
static void file_job_done(struct worker_job *);
static struct file_job *
file_job_new(enum file_job_type type, struct file_xfer *x)
{
	struct file_job *j = xcalloc(1, sizeof *j);

	j->wj.run = file_job_run;
	j->wj.done = file_job_done;

	j->type = type;
	j->x = x;
	return j;
}

/* Remove a file on the worker (unlinking a big file can take a while). */
static void
file_unlink(struct file_xfer *x, const char *path)
{
	struct file_job *j = file_job_new(FJOB_UNLINK, x);

	j->path = xstrdup(path);
	file_submit(j);
}

/* Free a transfer nothing refers to any more. */
static void
file_xfer_free(struct file_xfer *x)
{
	size_t i;

	TAILQ_REMOVE(&file_xfers, x, entry);
	for (i = 0; i < FILE_CACHE; i++)
		free(x->cache[i].b64);
	if (x->fd >= 0)
		close(x->fd);
	EVP_MD_CTX_free(x->md);
	free(x->tmppath);
	free(x->path);
	free(x->rcpts);
	free(x);
}

/* Free a download stream once it is closed and its jobs are back. */
static void
file_dl_release(struct file_dl *dl)
{
	if (dl->r != NULL || dl->njobs > 0)
		return;
	TAILQ_REMOVE(&file_dls, dl, entry);
	if (dl->fd >= 0)
		close(dl->fd);
	dl->x->njobs--;
	if (dl->x->state == FILE_DEAD && dl->x->njobs == 0)
		file_xfer_free(dl->x);
	free(dl);
}

/* Whether another live transfer keeps the stored file with this hash. */
static bool
file_blob_used(struct file_xfer *skip, const char *hash)
{
	struct file_xfer *x;

	TAILQ_FOREACH(x, &file_xfers, entry) {
		if (x != skip &&
		    (x->state == FILE_STORED || x->state == FILE_VERIFYING) &&
		    strcmp(x->hash, hash) == 0)
			return true;
	}
	return false;
}

/* A transfer's row could not be written: the log says so. */
static void
file_saved(int err, void *arg UNUSED)
{
	if (err != STORE_OK)
		log_warn("file: transfer not saved: %s", store_strerror(err));
}

/*
 * Write a transfer's metadata to the store (the whole row each time; it
 * is small): a first line of fields (S for stored, U for uploading), the
 * name, then one line per recipient.
 */
static void
file_save(struct file_xfer *x, store_done_cb done, void *arg)
{
	struct evbuffer *b = evbuffer_new();
	struct file_rcpt *r;
	char key[32];
	size_t i;

	if (b == NULL)
		fatalx("evbuffer_new failed");
	evbuffer_add_printf(b, "1 %c %s %s %s %s %llu %s %s %lld\n%s\n",
	    x->state == FILE_STORED ? 'S' : 'U', x->owner, x->from, x->target,
	    x->tokey[0] != '\0' ? x->tokey : "-", (unsigned long long)x->size,
	    x->hash, x->mime, (long long)x->touched, x->name);
	for (i = 0; i < x->nrcpts; i++) {
		r = &x->rcpts[i];
		evbuffer_add_printf(b, "%s %d %llu %s\n", r->key, (int)r->state,
		    (unsigned long long)r->acked, r->nick);
	}
	snprintf(key, sizeof key, "%llu", (unsigned long long)x->id);
	store_kv_put(FILE_STORE_NS, key, evbuffer_pullup(b, -1),
	    evbuffer_get_length(b), done != NULL ? done : file_saved, arg);
	evbuffer_free(b);
}

/* Remove a transfer's row from the store. */
static void
file_forget(uint64_t id)
{
	char key[32];

	snprintf(key, sizeof key, "%llu", (unsigned long long)id);
	store_kv_delete(FILE_STORE_NS, key, file_saved, NULL);
}

/* End a transfer: stop its streams, remove its file, free it when idle. */
static void
file_xfer_remove(struct file_xfer *x)
{
	enum file_state old = x->state;
	size_t i;

	if (old == FILE_DEAD)
		return;
	x->state = FILE_DEAD;
	x->njobs++; /* closing its streams must not free it under us */
	if (x->blocked) {
		x->blocked = false;
		file_nblocked--;
		if (x->uploader != NULL)
			conn_wake(x->uploader);
	}
	x->uploader = NULL;
	for (i = 0; i < x->nrcpts; i++) {
		if (x->rcpts[i].dl != NULL)
			file_dl_close(x->rcpts[i].dl);
	}
	file_forget(x->id);
	if (old == FILE_UPLOADING)
		file_unlink(x, x->tmppath);
	else if (old == FILE_STORED && !file_blob_used(x, x->hash))
		file_unlink(x, x->path);
	/* FILE_VERIFYING: the commit job's result removes the file. */
	if (--x->njobs == 0)
		file_xfer_free(x);
}

/* Find a live transfer by its id as the client typed it. */
static struct file_xfer *
file_find(const char *id)
{
	struct file_xfer *x;
	uint64_t n;

	if (chat_file_parse_u64(id, &n) != 0)
		return NULL;
	TAILQ_FOREACH(x, &file_xfers, entry) {
		if (x->id == n && x->state != FILE_DEAD)
			return x;
	}
	return NULL;
}

/* The recipient entry of a client in a transfer, or NULL. */
static struct file_rcpt *
file_rcpt_find(struct file_xfer *x, struct client *c)
{
	size_t i;

	for (i = 0; i < x->nrcpts; i++) {
		if (strcmp(x->rcpts[i].key, file_key(&c->user)) == 0)
			return &x->rcpts[i];
	}
	return NULL;
}

/* Send a server line about file transfers to one client. */
static void
file_send(struct client *c, const char *fmt, ...)
{
	struct rline rl;
	char text[CHAT_LINE_MAX];
	va_list ap;

	if (c == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	route_init(&rl, NULL, cfg->server_name, "SENDFILE %s", text);
	route_client(c, &rl);
}

/* The sender's connection: the one that uploaded, or its nick's. */
static struct client *
file_sender(struct file_xfer *x)
{
	return x->uploader != NULL ? x->uploader : file_key_client(x->owner);
}

/* Tell the sender (if online) and a recipient how that recipient fares. */
static void
file_status(struct file_xfer *x, struct file_rcpt *r)
{
	struct client *sender = file_sender(x);
	struct client *rc = file_key_client(r->key);
	const char *what = file_rstate_names[r->state];

	file_save(x, NULL, NULL);
	file_send(sender, "STATUS %llu %s %s", (unsigned long long)x->id,
	    r->nick, what);
	if (rc != sender)
		file_send(rc, "STATUS %llu %s %s", (unsigned long long)x->id,
		    r->nick, what);
}

/* The MIME type to offer: the stored one, or a guess from the head. */
static const char *
file_mime(const struct file_xfer *x)
{
	if (x->state == FILE_STORED)
		return x->mime;
	return chat_file_mime(x->head, x->headlen, x->name);
}

/* Offer a file (stored, or streaming) to one recipient's connection. */
static void
file_send_offer(struct file_xfer *x, struct client *c)
{
	file_send(c, "OFFER %llu %s %s %llu %s %s :%s",
	    (unsigned long long)x->id, x->from, x->target,
	    (unsigned long long)x->size, x->hash, file_mime(x), x->name);
}

/* Whether a recipient knows of the file: it is stored, or offered early. */
static bool
file_rcpt_told(const struct file_xfer *x, const struct file_rcpt *r)
{
	return x->state == FILE_STORED || r->early;
}

/*
 * Offer an upload in progress to a recipient whose connection asked for
 * chatd/sendfile-stream, once the upload's head is written (for the MIME
 * guess).
 */
static void
file_offer_early(struct file_xfer *x, struct file_rcpt *r, struct client *c)
{
	if (c == NULL || !(c->caps & CAP_SENDFILE_STREAM) || !x->streaming ||
	    (x->state != FILE_UPLOADING && x->state != FILE_VERIFYING) ||
	    (r->state != RCPT_OFFERED && r->state != RCPT_ACCEPTED))
		return;
	r->early = true;
	file_send_offer(x, c);
}

/*
 * Keep a written chunk's base64 (the uploader's own) for the downloads
 * that follow the upload closely: file_dl_pump sends it as it is, without
 * reading the file back and encoding it again.
 */
static void
file_cache_put(struct file_xfer *x, struct file_job *j)
{
	struct file_chunk *k;

	if (j->b64 == NULL)
		return;
	k = &x->cache[x->cache_next];
	x->cache_next = (x->cache_next + 1) % FILE_CACHE;
	free(k->b64);
	k->off = j->off;
	k->len = j->len;
	k->b64 = j->b64;
	k->b64len = j->b64len;
	j->b64 = NULL;
}

/* Forget the kept chunks once no download can use them. */
static void
file_cache_drop(struct file_xfer *x)
{
	size_t i;

	if (x->state == FILE_UPLOADING || x->state == FILE_VERIFYING)
		return;
	for (i = 0; i < x->nrcpts; i++) {
		if (x->rcpts[i].dl != NULL)
			return;
	}
	for (i = 0; i < FILE_CACHE; i++) {
		free(x->cache[i].b64);
		x->cache[i].b64 = NULL;
	}
}

/* The kept chunk at off of len bytes, or NULL. */
static struct file_chunk *
file_cache_find(struct file_xfer *x, uint64_t off, size_t len)
{
	size_t i;

	for (i = 0; i < FILE_CACHE; i++) {
		if (x->cache[i].b64 != NULL && x->cache[i].off == off &&
		    x->cache[i].len == len)
			return &x->cache[i];
	}
	return NULL;
}

/*
 * More of an upload is written: offer it early when its head is there,
 * and let the downloads that wait at the written end go on.
 */
static void
file_stream(struct file_xfer *x)
{
	uint64_t head = x->size < FILE_HEAD ? x->size : FILE_HEAD;
	size_t i;

	if (!x->streaming && x->written >= head) {
		x->streaming = true;
		for (i = 0; i < x->nrcpts; i++)
			file_offer_early(
			    x, &x->rcpts[i], file_key_client(x->rcpts[i].key));
	}
	for (i = 0; i < x->nrcpts; i++) {
		if (x->rcpts[i].dl != NULL)
			file_dl_pump(x->rcpts[i].dl);
	}
}

/*
 * Tell the recipients offered an upload in progress that it failed: what
 * they downloaded of it is to be thrown away.
 */
static void
file_fail_rcpts(struct file_xfer *x, const char *code, const char *text)
{
	struct file_rcpt *r;
	struct client *rc;
	char id[32];
	size_t i;

	if (x->state == FILE_STORED || x->state == FILE_DEAD)
		return;
	snprintf(id, sizeof id, "%llu", (unsigned long long)x->id);
	for (i = 0; i < x->nrcpts; i++) {
		r = &x->rcpts[i];
		if (!r->early || r->state == RCPT_DECLINED)
			continue;
		if ((rc = file_key_client(r->key)) != NULL)
			send_fail(rc, "SENDFILE", code, id, "%s", text);
	}
}

/* Tell the uploader, if connected, that its upload failed, and end it. */
static void
file_fail_upload(struct file_xfer *x, const char *code, const char *text)
{
	char id[32];
	struct client *c = file_sender(x);

	snprintf(id, sizeof id, "%llu", (unsigned long long)x->id);
	if (c != NULL)
		send_fail(c, "SENDFILE", code, id, "%s", text);
	file_fail_rcpts(x, code,
	    strcmp(code, "HASH_MISMATCH") == 0
	        ? "The file does not match its SHA-256; discard what you "
	          "received of it"
	        : "The upload failed; discard what you received of it");
	file_xfer_remove(x);
}

/* The failure code for an errno from writing. */
static const char *
file_errno_code(int err)
{
	if (err == ENOSPC || err == EDQUOT || err == EFBIG)
		return "DISK_FULL";
	return "IO_ERROR";
}

static void file_stored_saved(int, void *);

/* A stored file: choose the recipients, save, then offer it to them. */
static void
file_stored(struct file_xfer *x)
{
	struct channel *ch;
	struct member *m;
	struct file_rcpt *r;
	size_t n = 0;

	x->state = FILE_STORED;
	x->touched = time(NULL);
	x->mime = chat_file_mime(x->head, x->headlen, x->name);
	if (x->rcpts != NULL) {
		/* A nick's: chosen when the upload began (file_offer). */
		n = x->nrcpts;
	} else if (chat_is_channel(x->target)) {
		if ((ch = channel_find(x->target)) != NULL) {
			x->rcpts = xcalloc(ch->nmembers + 1, sizeof *x->rcpts);
			TAILQ_FOREACH(m, &ch->members, centry) {
				if (strcmp(file_key(m->user), x->owner) == 0)
					continue;
				r = &x->rcpts[n++];
				strlcpy(
				    r->key, file_key(m->user), sizeof r->key);
				strlcpy(r->nick, m->user->nick, sizeof r->nick);
			}
		}
	} else {
		x->rcpts = xcalloc(1, sizeof *x->rcpts);
		r = &x->rcpts[n++];
		strlcpy(r->key, x->tokey, sizeof r->key);
		strlcpy(r->nick, x->target, sizeof r->nick);
	}
	x->nrcpts = n;
	x->njobs++; /* held until the store has it */
	file_save(x, file_stored_saved, x);
}

/*
 * The stored transfer's row is on disk (or could not be written): now
 * tell the sender and offer it, so that what was announced survives a
 * crash.
 */
static void
file_stored_saved(int err, void *arg)
{
	struct file_xfer *x = arg;
	struct file_rcpt *r;
	size_t n;

	if (err != STORE_OK)
		log_warn("file %llu: not saved, lost at restart: %s",
		    (unsigned long long)x->id, store_strerror(err));
	if (--x->njobs == 0 && x->state == FILE_DEAD) {
		file_xfer_free(x);
		return;
	}
	if (x->state != FILE_STORED)
		return; /* cancelled meanwhile */
	file_send(file_sender(x), "STORED %llu %llu %s %zu",
	    (unsigned long long)x->id, (unsigned long long)x->size, x->hash,
	    x->nrcpts);
	for (n = 0; n < x->nrcpts; n++) {
		r = &x->rcpts[n];
		if (!r->early) {
			/* An offline user gets it when they come back. */
			file_send_offer(x, file_key_client(r->key));
		} else if (r->state == RCPT_ACCEPTED && r->dl == NULL &&
		    r->acked == x->size) {
			/* Downloaded while uploading: now it is checked. */
			r->state = RCPT_COMPLETE;
			file_status(x, r);
		} else if (r->dl == NULL &&
		    (r->state == RCPT_OFFERED || r->state == RCPT_ACCEPTED)) {
			/* Offered early but not downloading: again, stored. */
			file_send_offer(x, file_key_client(r->key));
		}
	}
	file_cache_drop(x);
	log_info("file %llu from %s stored: %s, %llu bytes, %zu recipients",
	    (unsigned long long)x->id, x->from, x->hash,
	    (unsigned long long)x->size, x->nrcpts);
}

/* Start verifying a complete upload. */
static void
file_commit(struct file_xfer *x)
{
	x->state = FILE_VERIFYING;
	file_submit(file_job_new(FJOB_COMMIT, x));
}

/* Let uploaders that waited for the worker read again. */
static void
file_unblock(void)
{
	struct file_xfer *x;

	if (file_nblocked == 0)
		return;
	TAILQ_FOREACH(x, &file_xfers, entry) {
		if (!x->blocked)
			continue;
		if (x->nwrites >= FILE_WINDOW || file_nwrites >= FILE_JOBS_MAX)
			continue;
		x->blocked = false;
		file_nblocked--;
		if (x->uploader != NULL)
			conn_wake(x->uploader);
	}
}

/* A write came back: acknowledge it, or fail the upload. */
static void
file_done_write(struct file_job *j)
{
	struct file_xfer *x = j->x;

	x->nwrites--;
	file_nwrites--;
	if (x->state != FILE_UPLOADING)
		return;
	if (j->err != 0) {
		log_warn("file %llu: write %s: %s", (unsigned long long)x->id,
		    x->tmppath, strerror(j->err));
		file_fail_upload(x, file_errno_code(j->err),
		    j->err == EIO
		        ? "Could not write the file"
		        : "The server's disk is full; the upload was removed");
		return;
	}
	x->written += j->len;
	x->touched = time(NULL);
	file_send(x->uploader, "ACK %llu %llu", (unsigned long long)x->id,
	    (unsigned long long)x->written);
	file_cache_put(x, j);
	file_stream(x);
	if (x->written == x->size && x->nwrites == 0)
		file_commit(x);
}

/* The commit came back: store and offer, or tell the sender why not. */
static void
file_done_commit(struct file_job *j)
{
	struct file_xfer *x = j->x;

	if (x->state == FILE_DEAD) {
		/* Cancelled while verifying. */
		if (j->err == 0 && !file_blob_used(x, x->hash))
			file_unlink(x, x->path);
		return;
	}
	if (j->err == EBADMSG) {
		log_info("file %llu: hash mismatch (got %s)",
		    (unsigned long long)x->id, j->buf);
		file_fail_upload(x, "HASH_MISMATCH",
		    "The data does not match the SHA-256 given; the file "
		    "was rejected");
		return;
	}
	if (j->err != 0) {
		log_warn("file %llu: commit: %s", (unsigned long long)x->id,
		    strerror(j->err));
		file_fail_upload(x, file_errno_code(j->err),
		    "Could not store the file; the upload was removed");
		return;
	}
	file_stored(x);
}

/* A chunk for a download came back: queue its line. */
static void
file_done_read(struct file_job *j)
{
	struct file_dl *dl = j->dl;
	char id[32];

	dl->njobs--;
	if (dl->r == NULL) {
		file_dl_release(dl);
		return;
	}
	if (j->err != 0) {
		snprintf(id, sizeof id, "%llu", (unsigned long long)dl->x->id);
		send_fail(dl->c, "SENDFILE", "IO_ERROR", id,
		    "Could not read the file: %s", strerror(j->err));
		file_dl_close(dl);
		return;
	}
	route_bytes(dl->c, j->buf, j->buflen);
	if (dl->njobs == 0)
		file_dl_pump(dl); /* what waited behind the reads (cache) */
}

/* Free a job the worker is done with. */
static void
file_job_free(struct worker_job *wj)
{
	struct file_job *j = WORKER_JOB(wj, struct file_job, wj);

	free(j->buf);
	free(j->b64);
	free(j->path);
	free(j);
}

/* A result from the worker: apply it in the loop. */
static void
file_job_done(struct worker_job *wj)
{
	struct file_job *j = WORKER_JOB(wj, struct file_job, wj);
	struct file_xfer *x = j->x;

	switch (j->type) {
	case FJOB_WRITE:
		file_done_write(j);
		break;
	case FJOB_COMMIT:
		file_done_commit(j);
		break;
	case FJOB_UNLINK:
		if (j->err != 0)
			log_warn("unlink %s: %s", j->path, strerror(j->err));
		break;
	case FJOB_READ:
		file_done_read(j);
		break;
	}
	if (x != NULL && --x->njobs == 0 && x->state == FILE_DEAD)
		file_xfer_free(x);
	file_job_free(wj);
	file_unblock();
}

/* Close a download stream; it is freed once its read jobs are back. */
static void
file_dl_close(struct file_dl *dl)
{
	if (dl->r == NULL)
		return;
	dl->r->dl = NULL;
	dl->r = NULL;
	dl->c = NULL;
	file_cache_drop(dl->x);
	file_dl_release(dl);
}

/* Queue reads while the receiver's window and send queue have room. */
static void
file_dl_pump(struct file_dl *dl)
{
	struct file_chunk *k;
	struct chat_file_window w;
	struct file_job *j;
	char prefix[CHAT_LINE_MAX];
	uint64_t off;
	size_t len;
	int n;

	/* An upload in progress: only what is written (file_stream wakes). */
	for (;;) {
		w = dl->w;
		if (!chat_file_window_next_upto(&w, dl->x->written, &off, &len))
			break;
		if ((k = file_cache_find(dl->x, off, len)) != NULL) {
			/* Kept: sent at once, but never before earlier reads.
			 */
			if (dl->njobs > 0)
				break;
			dl->w = w;
			n = snprintf(prefix, sizeof prefix,
			    ":%s SENDFILE DATA %llu %llu ", cfg->server_name,
			    (unsigned long long)dl->x->id,
			    (unsigned long long)off);
			route_bytes(dl->c, prefix, (size_t)n);
			route_bytes(dl->c, k->b64, k->b64len);
			route_bytes(dl->c, "\r\n", 2);
			continue;
		}
		dl->w = w;
		j = file_job_new(FJOB_READ, dl->x);
		j->dl = dl;
		j->off = off;
		j->len = len;
		j->buf = xmalloc(CHAT_LINE_MAX + FILE_B64_MAX + 2);
		n = snprintf(j->buf, CHAT_LINE_MAX,
		    ":%s SENDFILE DATA %llu %llu ", cfg->server_name,
		    (unsigned long long)dl->x->id, (unsigned long long)off);
		j->buflen = (size_t)n;
		file_submit(j);
	}
}

/* How many chunks may be in flight to this client's send queue. */
static unsigned
file_dl_window(void)
{
	size_t n = cfg->sendq / 2 / FILE_LINE_MAX;

	if (n > FILE_WINDOW)
		n = FILE_WINDOW;
	return n == 0 ? 1 : (unsigned)n;
}

/* The CAP LS value of chatd/sendfile. */
const char *
file_cap_value(void)
{
	static char value[128];

	snprintf(value, sizeof value,
	    "maxline=%d,chunk=%d,window=%d,maxsize=%zu", FILE_LINE_MAX,
	    CHAT_FILE_CHUNK, FILE_WINDOW, cfg->file_max_size);
	return value;
}

/*
 * Extra input a client may have buffered while throttled or waiting for
 * the worker: a window of chunk lines when it is uploading.
 */
size_t
file_input_allowance(struct client *c)
{
	struct file_xfer *x;

	TAILQ_FOREACH(x, &file_xfers, entry) {
		if (x->uploader == c)
			return (size_t)(FILE_WINDOW + 1) * FILE_LINE_MAX;
	}
	return 0;
}

/* Bytes a user keeps stored or is uploading, and how many transfers. */
static uint64_t
file_usage(const char *key, unsigned *nxfers, unsigned *nuploads)
{
	struct file_xfer *x;
	uint64_t n = 0;

	*nxfers = *nuploads = 0;
	TAILQ_FOREACH(x, &file_xfers, entry) {
		if (x->state == FILE_DEAD || strcmp(x->owner, key) != 0)
			continue;
		n += x->size;
		(*nxfers)++;
		if (x->state == FILE_UPLOADING)
			(*nuploads)++;
	}
	return n;
}

/* Whether a recipient downloads this upload as it goes on. */
static bool
file_streamed(const struct file_xfer *x)
{
	size_t i;

	for (i = 0; i < x->nrcpts; i++) {
		if (x->rcpts[i].dl != NULL)
			return true;
	}
	return false;
}

/* Whether the next chunk of this transfer must wait for the worker. */
static bool
file_must_wait(struct file_xfer *x)
{
	if (x->state != FILE_UPLOADING)
		return false;
	return x->nwrites >= FILE_WINDOW || file_nwrites >= FILE_JOBS_MAX;
}

/*
 * A "SENDFILE DATA" line of len bytes (without LF) waits at the front of
 * a client's input. Run it and drain it, or leave it there (false) while
 * the worker is behind: conn_wake() resumes the client later.
 */
bool
file_data_line(struct client *c, struct evbuffer *in, size_t len)
{
	char head[80];
	struct chat_file_data d;
	struct file_xfer *x;
	char *line;
	size_t n = len < sizeof head - 1 ? len : sizeof head - 1;

	evbuffer_copyout(in, head, n);
	head[n] = '\0';
	if (chat_file_parse_data(head, n, &d) == 0) {
		TAILQ_FOREACH(x, &file_xfers, entry) {
			if (x->id != d.id || !file_must_wait(x))
				continue;
			if (x->uploader != c &&
			    (x->uploader != NULL ||
			        strcmp(x->owner, file_key(&c->user)) != 0))
				continue;
			if (!x->blocked) {
				x->blocked = true;
				file_nblocked++;
			}
			return false;
		}
	}
	line = (char *)evbuffer_pullup(in, (ev_ssize_t)len + 1);
	n = len;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	file_data(c, line, n);
	evbuffer_drain(in, len + 1);
	return true;
}

/* Take one upload chunk: check it, decode it, hand it to the worker. */
void
file_data(struct client *c, char *line, size_t len)
{
	struct chat_file_data d;
	struct file_xfer *x;
	struct file_job *j;
	char id[32];
	ssize_t n;

	if (!(c->flags & CLIENT_REGISTERED)) {
		SEND_NUMERIC(c, ERR_NOTREGISTERED);
		return;
	}
	if (chat_file_parse_data(line, len, &d) != 0) {
		cmd_charge(c, 1);
		send_fail(c, "SENDFILE", "INVALID_PARAMS", NULL,
		    "Usage: SENDFILE DATA <id> <offset> <base64>");
		return;
	}
	snprintf(id, sizeof id, "%llu", (unsigned long long)d.id);
	x = file_find(id);
	if (x == NULL ||
	    (x->uploader != c && strcmp(x->owner, file_key(&c->user)) != 0)) {
		cmd_charge(c, 1);
		send_fail(c, "SENDFILE", "NO_SUCH_TRANSFER", id,
		    "No such upload of yours");
		return;
	}
	if (x->state != FILE_UPLOADING) {
		cmd_charge(c, 1);
		send_fail(c, "SENDFILE", "WRONG_OFFSET", id,
		    "The upload is already complete");
		return;
	}
	if (x->uploader != c && x->uploader != NULL) {
		cmd_charge(c, 1);
		send_fail(c, "SENDFILE", "BUSY", id,
		    "Another connection is sending this file");
		return;
	}
	x->uploader = c;
	if (file_must_wait(x)) {
		/* Only through the dispatcher: a tagged chunk line. */
		cmd_charge(c, 1);
		send_fail(c, "SENDFILE", "WINDOW_FULL", id,
		    "Wait for ACKs before sending more chunks");
		return;
	}
	if (d.b64len > FILE_B64_MAX) {
		cmd_charge(c, 1);
		send_fail(c, "SENDFILE", "CHUNK_TOO_BIG", id,
		    "A chunk has at most %d bytes", CHAT_FILE_CHUNK);
		return;
	}
	j = file_job_new(FJOB_WRITE, x);
	j->buf = xmalloc(d.b64len / 4 * 3 + 1);
	if ((n = chat_file_b64_decode(
	         (unsigned char *)j->buf, d.b64, d.b64len)) < 0) {
		free(j->buf);
		free(j);
		cmd_charge(c, 1);
		send_fail(c, "SENDFILE", "INVALID_BASE64", id,
		    "The chunk is not padded base64");
		return;
	}
	switch (
	    chat_file_upload_check(x->received, x->size, d.offset, (size_t)n)) {
	case CHAT_FILE_OK:
		break;
	case CHAT_FILE_WRONG_OFFSET:
	case CHAT_FILE_EMPTY:
	case CHAT_FILE_TOO_BIG:
	case CHAT_FILE_TOO_MUCH:
		free(j->buf);
		free(j);
		cmd_charge(c, 1);
		if (d.offset != x->received || n == 0)
			send_fail(c, "SENDFILE", "WRONG_OFFSET", id,
			    "Expected a chunk at offset %llu",
			    (unsigned long long)x->received);
		else
			send_fail(c, "SENDFILE", "TOO_MUCH_DATA", id,
			    "The chunk goes past the declared size %llu",
			    (unsigned long long)x->size);
		return;
	}
	if (d.offset < FILE_HEAD) {
		size_t k = FILE_HEAD - (size_t)d.offset;

		if (k > (size_t)n)
			k = (size_t)n;
		memcpy(x->head + d.offset, j->buf, k);
		x->headlen = (size_t)d.offset + k;
	}
	j->off = d.offset;
	j->len = (size_t)n;
	if (file_streamed(x)) {
		/* Kept for file_relay: a download may take it as it is. */
		j->b64 = xmalloc(d.b64len);
		memcpy(j->b64, d.b64, d.b64len);
		j->b64len = d.b64len;
	}
	x->received += (uint64_t)n;
	x->touched = time(NULL);
	x->nwrites++;
	file_nwrites++;
	file_submit(j);
}

/* SENDFILE <target> <name> <size> <sha256>: start (or resume) an upload. */
void
file_offer(struct client *c, const char *target, const char *name,
    const char *sizestr, char *hash)
{
	struct channel *ch = NULL;
	struct member *m;
	struct user *to = NULL;
	struct file_xfer *x;
	const char *account;
	char tokey[FILE_KEY_MAX + 1] = "";
	uint64_t size, used;
	unsigned nxfers, nuploads;
	int fd;

	if (chat_file_parse_u64(sizestr, &size) != 0) {
		send_fail(c, "SENDFILE", "INVALID_SIZE", sizestr,
		    "The size must be a number of bytes");
		return;
	}
	if (!chat_file_hash_valid(hash)) {
		send_fail(c, "SENDFILE", "INVALID_HASH", NULL,
		    "The hash must be a SHA-256 in hex (64 digits)");
		return;
	}
	if (size > cfg->file_max_size) {
		send_fail(c, "SENDFILE", "FILE_TOO_LARGE", sizestr,
		    "Files may have at most %zu bytes", cfg->file_max_size);
		return;
	}
	if (chat_is_channel(target)) {
		if ((ch = channel_find(target)) == NULL) {
			send_fail(c, "SENDFILE", "NO_SUCH_CHANNEL", target,
			    "No such channel");
			return;
		}
		m = channel_member(ch, &c->user);
		if (m == NULL ||
		    ((ch->modes & CHAN_MODERATED) &&
		        !(m->modes & (MEMBER_OP | MEMBER_VOICE)))) {
			send_fail(c, "SENDFILE", "CANNOT_SEND", target,
			    "You cannot send to that channel");
			return;
		}
		target = ch->name;
	} else {
		to = user_find(target);
		if (to != NULL && user_registered(to)) {
			target = to->nick;
			strlcpy(tokey, file_key(to), sizeof tokey);
		} else if ((account = account_display(target)) != NULL) {
			/* Registered but offline: offered at their login. */
			target = account;
			file_account_key(tokey, sizeof tokey, account);
		} else {
			send_fail(c, "SENDFILE", "NO_SUCH_NICK", target,
			    "No such nick");
			return;
		}
	}
	/* The same file to the same target again: resume. */
	TAILQ_FOREACH(x, &file_xfers, entry) {
		if (x->state == FILE_UPLOADING && x->size == size &&
		    strcmp(x->owner, file_key(&c->user)) == 0 &&
		    strcmp(x->hash, hash) == 0 &&
		    chat_casecmp(x->target, target) == 0) {
			if (x->uploader != NULL && x->uploader != c) {
				send_fail(c, "SENDFILE", "BUSY", NULL,
				    "Another connection is sending this file");
				return;
			}
			x->uploader = c;
			x->touched = time(NULL);
			file_send(c, "UPLOAD %llu %llu :%s",
			    (unsigned long long)x->id,
			    (unsigned long long)x->received, x->name);
			/*
			 * All of it was written before a restart: check and
			 * offer it now, to the channel's members of now.
			 */
			if (x->received == x->size && x->nwrites == 0)
				file_commit(x);
			return;
		}
	}
	used = file_usage(file_key(&c->user), &nxfers, &nuploads);
	if (nxfers >= FILE_XFERS_MAX || nuploads >= FILE_UPLOADS_MAX) {
		send_fail(c, "SENDFILE", "TOO_MANY_TRANSFERS", NULL,
		    "At most %d transfers, %d of them uploading; cancel some",
		    FILE_XFERS_MAX, FILE_UPLOADS_MAX);
		return;
	}
	if (used + size > cfg->file_quota) {
		send_fail(c, "SENDFILE", "QUOTA_EXCEEDED", sizestr,
		    "Your stored files would exceed the quota of %zu bytes",
		    cfg->file_quota);
		return;
	}
	x = xcalloc(1, sizeof *x);
	x->id = file_next_id++;
	xasprintf(&x->tmppath, "%s/%llu.part", file_tmpdir,
	    (unsigned long long)x->id);
	xasprintf(&x->path, "%s/%s", file_dir, hash);
	fd = open(x->tmppath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_warn("open %s: %s", x->tmppath, strerror(errno));
		send_fail(c, "SENDFILE", file_errno_code(errno), NULL,
		    "Could not create the upload");
		free(x->tmppath);
		free(x->path);
		free(x);
		return;
	}
	x->fd = fd;
	if ((x->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(x->md, EVP_sha256(), NULL) != 1)
		fatalx("EVP_DigestInit_ex failed");
	x->state = FILE_UPLOADING;
	strlcpy(x->owner, file_key(&c->user), sizeof x->owner);
	strlcpy(x->from, c->user.nick, sizeof x->from);
	strlcpy(x->target, target, sizeof x->target);
	strlcpy(x->tokey, tokey, sizeof x->tokey);
	chat_file_sanitize_name(x->name, sizeof x->name, name);
	strlcpy(x->hash, hash, sizeof x->hash);
	x->mime = "-";
	x->size = size;
	x->uploader = c;
	x->touched = time(NULL);
	if (ch == NULL) {
		/* A nick's recipient is known now: it may stream (file_stream).
		 */
		x->rcpts = xcalloc(1, sizeof *x->rcpts);
		strlcpy(x->rcpts[0].key, tokey, sizeof x->rcpts[0].key);
		strlcpy(x->rcpts[0].nick, target, sizeof x->rcpts[0].nick);
		x->nrcpts = 1;
	}
	TAILQ_INSERT_TAIL(&file_xfers, x, entry);
	file_save(x, NULL, NULL); /* so that it can resume after a restart */
	file_send(c, "UPLOAD %llu 0 :%s", (unsigned long long)x->id, x->name);
	if (size == 0)
		file_commit(x);
}

/* SENDFILE ACCEPT <id> [offset]: start a download (again, or resume). */
void
file_accept(struct client *c, const char *id, const char *offstr)
{
	struct file_xfer *x = file_find(id);
	struct file_rcpt *r;
	struct file_dl *dl;
	uint64_t off;
	int fd;

	/* Before it is stored only a streaming recipient may (file_stream). */
	if (x == NULL || (r = file_rcpt_find(x, c)) == NULL ||
	    (x->state != FILE_STORED &&
	        (!r->early || !(c->caps & CAP_SENDFILE_STREAM)))) {
		send_fail(c, "SENDFILE", "NO_SUCH_TRANSFER", id,
		    "No such file offered to you");
		return;
	}
	if (r->state == RCPT_DECLINED) {
		send_fail(
		    c, "SENDFILE", "DECLINED", id, "You declined this file");
		return;
	}
	if (offstr == NULL)
		off = r->state == RCPT_COMPLETE ? 0 : r->acked;
	else if (chat_file_parse_u64(offstr, &off) != 0) {
		send_fail(c, "SENDFILE", "INVALID_PARAMS", id,
		    "The offset must be a number");
		return;
	} else if (off > x->size) {
		send_fail(c, "SENDFILE", "WRONG_OFFSET", id,
		    "The offset must be 0..%llu", (unsigned long long)x->size);
		return;
	}
	/* Uploading: the partial file (its descriptor outlives the rename). */
	fd = open(x->state == FILE_STORED ? x->path : x->tmppath,
	    O_RDONLY | O_CLOEXEC);
	if (fd < 0 && x->state == FILE_VERIFYING)
		fd = open(x->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		send_fail(
		    c, "SENDFILE", "IO_ERROR", id, "Could not open the file");
		return;
	}
	if (r->dl != NULL)
		file_dl_close(r->dl);
	dl = xcalloc(1, sizeof *dl);
	dl->x = x;
	dl->r = r;
	dl->c = c;
	dl->fd = fd;
	x->njobs++; /* the stream holds the transfer */
	chat_file_window_init(
	    &dl->w, x->size, off, CHAT_FILE_CHUNK, file_dl_window());
	r->dl = dl;
	TAILQ_INSERT_TAIL(&file_dls, dl, entry);
	if (r->state == RCPT_OFFERED) {
		r->state = RCPT_ACCEPTED;
		file_status(x, r);
	}
	file_send(c, "BEGIN %llu %llu %llu", (unsigned long long)x->id,
	    (unsigned long long)off, (unsigned long long)x->size);
	if (off == x->size) {
		file_dl_close(dl);
		r->acked = off;
		if (x->state != FILE_STORED)
			return; /* COMPLETE once checked (file_stored_saved) */
		if (r->state != RCPT_COMPLETE) {
			r->state = RCPT_COMPLETE;
			file_status(x, r);
		} else
			file_send(c, "STATUS %llu %s COMPLETE",
			    (unsigned long long)x->id, r->nick);
		return;
	}
	file_dl_pump(dl);
}

/* SENDFILE ACK <id> <offset>: the receiver has the bytes up to offset. */
void
file_ack(struct client *c, const char *id, const char *offstr)
{
	struct file_xfer *x = file_find(id);
	struct file_rcpt *r;
	uint64_t off;

	if (x == NULL || (r = file_rcpt_find(x, c)) == NULL || r->dl == NULL ||
	    r->dl->c != c) {
		cmd_charge(c, 1);
		send_fail(c, "SENDFILE", "NO_SUCH_TRANSFER", id,
		    "No download of yours in progress");
		return;
	}
	if (chat_file_parse_u64(offstr, &off) != 0 ||
	    chat_file_window_ack(&r->dl->w, off) != CHAT_FILE_OK) {
		cmd_charge(c, 1);
		send_fail(c, "SENDFILE", "WRONG_OFFSET", id,
		    "Acknowledge an offset in %llu..%llu",
		    (unsigned long long)r->dl->w.acked + 1,
		    (unsigned long long)r->dl->w.sent);
		return;
	}
	r->acked = off;
	if (!chat_file_window_done(&r->dl->w)) {
		file_dl_pump(r->dl);
		return;
	}
	file_dl_close(r->dl);
	if (x->state != FILE_STORED)
		return; /* all there: COMPLETE once checked (file_stored_saved)
		         */
	if (r->state != RCPT_COMPLETE) {
		r->state = RCPT_COMPLETE;
		file_status(x, r);
	} else
		file_send(c, "STATUS %llu %s COMPLETE",
		    (unsigned long long)x->id, r->nick);
}

/* SENDFILE DECLINE <id>: a recipient does not want the file. */
void
file_decline(struct client *c, const char *id)
{
	struct file_xfer *x = file_find(id);
	struct file_rcpt *r;

	if (x == NULL || (r = file_rcpt_find(x, c)) == NULL ||
	    !file_rcpt_told(x, r)) {
		send_fail(c, "SENDFILE", "NO_SUCH_TRANSFER", id,
		    "No such file offered to you");
		return;
	}
	if (r->dl != NULL)
		file_dl_close(r->dl);
	r->state = RCPT_DECLINED;
	file_status(x, r);
}

/* SENDFILE CANCEL <id>: the sender withdraws, a recipient declines. */
void
file_cancel(struct client *c, const char *id)
{
	struct file_xfer *x = file_find(id);
	struct client *rc;
	size_t i;

	if (x != NULL && strcmp(x->owner, file_key(&c->user)) == 0) {
		for (i = 0; i < x->nrcpts; i++) {
			if (x->rcpts[i].state == RCPT_DECLINED ||
			    x->rcpts[i].state == RCPT_COMPLETE ||
			    !file_rcpt_told(x, &x->rcpts[i]))
				continue;
			rc = file_key_client(x->rcpts[i].key);
			if (rc != c)
				file_send(rc, "STATUS %llu %s CANCELLED",
				    (unsigned long long)x->id, c->user.nick);
		}
		file_send(c, "STATUS %llu %s CANCELLED",
		    (unsigned long long)x->id, c->user.nick);
		log_info("file %llu cancelled by %s", (unsigned long long)x->id,
		    c->user.nick);
		file_xfer_remove(x);
		return;
	}
	file_decline(c, id);
}

/* SENDFILE LIST: the client's uploads and the files offered to it. */
void
file_list(struct client *c)
{
	static const char *states[] = { "UPLOADING", "VERIFYING", "STORED",
		"DEAD" };
	struct file_xfer *x;
	struct file_rcpt *r;
	size_t i;

	TAILQ_FOREACH(x, &file_xfers, entry) {
		if (x->state == FILE_DEAD)
			continue;
		if (strcmp(x->owner, file_key(&c->user)) == 0) {
			file_send(c, "ENTRY %llu OUT %s %s %llu %llu %s %s :%s",
			    (unsigned long long)x->id, states[x->state],
			    x->target, (unsigned long long)x->received,
			    (unsigned long long)x->size, x->hash, x->mime,
			    x->name);
			for (i = 0; i < x->nrcpts; i++) {
				if (!file_rcpt_told(x, &x->rcpts[i]))
					continue;
				file_send(c, "STATUS %llu %s %s",
				    (unsigned long long)x->id, x->rcpts[i].nick,
				    file_rstate_names[x->rcpts[i].state]);
			}
		}
		if ((r = file_rcpt_find(x, c)) != NULL && file_rcpt_told(x, r))
			file_send(c, "ENTRY %llu IN %s %s %llu %llu %s %s :%s",
			    (unsigned long long)x->id,
			    file_rstate_names[r->state], x->from,
			    (unsigned long long)r->acked,
			    (unsigned long long)x->size, x->hash, file_mime(x),
			    x->name);
	}
	file_send(c, "END");
}

/*
 * A user came online (registered, or logged in): offer again what waits
 * for them (offers made while they were away or before a restart,
 * downloads they did not finish).
 */
void
file_client_online(struct client *c)
{
	struct file_xfer *x;
	struct file_rcpt *r;
	char conn[FILE_KEY_MAX + 1], acct[FILE_KEY_MAX + 1];
	size_t i;

	if (c->user.account != NULL) {
		/* Logged in: what this connection had is the account's. */
		file_conn_key(conn, sizeof conn, &c->user);
		file_account_key(acct, sizeof acct, c->user.account);
		TAILQ_FOREACH(x, &file_xfers, entry) {
			if (strcmp(x->owner, conn) == 0)
				strlcpy(x->owner, acct, sizeof x->owner);
			if (strcmp(x->tokey, conn) == 0)
				strlcpy(x->tokey, acct, sizeof x->tokey);
			for (i = 0; i < x->nrcpts; i++) {
				if (strcmp(x->rcpts[i].key, conn) == 0)
					strlcpy(x->rcpts[i].key, acct,
					    sizeof x->rcpts[i].key);
			}
		}
	}
	TAILQ_FOREACH(x, &file_xfers, entry) {
		if ((r = file_rcpt_find(x, c)) == NULL)
			continue;
		if (x->state == FILE_STORED &&
		    (r->state == RCPT_OFFERED || r->state == RCPT_ACCEPTED))
			file_send_offer(x, c);
		else
			file_offer_early(
			    x, r, c); /* uploading: if it streams */
	}
}

/*
 * A connection is going away: its uploads and downloads wait for resume.
 * Without an account nobody can resume them: what it was sending ends
 * (its stored files stay for their recipients), and what was offered to
 * it counts as declined, the sender told so.
 */
void
file_client_exit(struct client *c)
{
	struct file_xfer *x, *x1;
	struct file_dl *dl, *dl1;
	struct file_rcpt *r;
	char conn[FILE_KEY_MAX + 1];
	size_t i;

	TAILQ_FOREACH(x, &file_xfers, entry) {
		if (x->uploader != c)
			continue;
		x->uploader = NULL;
		if (x->blocked) {
			x->blocked = false;
			file_nblocked--;
		}
	}
	if (c->user.account == NULL) {
		file_conn_key(conn, sizeof conn, &c->user);
		TAILQ_FOREACH_SAFE(x, &file_xfers, entry, x1) {
			if (x->state == FILE_DEAD)
				continue;
			if (x->state != FILE_STORED &&
			    strcmp(x->owner, conn) == 0) {
				file_fail_rcpts(x, "SENDER_GONE",
				    "The sender left before the upload ended; "
				    "discard what you received of it");
				file_xfer_remove(x);
				continue;
			}
			if (x->state != FILE_STORED &&
			    strcmp(x->tokey, conn) == 0) {
				file_fail_upload(x, "RECIPIENT_GONE",
				    "The recipient left before the upload "
				    "ended");
				continue;
			}
			for (i = 0; i < x->nrcpts && x->state == FILE_STORED;
			     i++) {
				r = &x->rcpts[i];
				if (strcmp(r->key, conn) != 0 ||
				    r->state == RCPT_DECLINED ||
				    r->state == RCPT_COMPLETE)
					continue;
				if (r->dl != NULL)
					file_dl_close(r->dl);
				r->state = RCPT_DECLINED;
				file_status(x, r);
			}
		}
	}
	TAILQ_FOREACH_SAFE(dl, &file_dls, entry, dl1) {
		if (dl->c != c)
			continue;
		/* Keep how far it got, for ACCEPT after a restart. */
		if (dl->r != NULL && dl->x->state != FILE_DEAD)
			file_save(dl->x, NULL, NULL);
		file_dl_close(dl);
	}
}

/*
 * An account was deleted: the transfers it sent go (files included), and
 * what was offered to it counts as declined, so that a new account of the
 * same name is not offered another person's files.
 */
void
file_account_gone(const char *account)
{
	struct file_xfer *x, *x1;
	struct file_rcpt *r;
	char key[FILE_KEY_MAX + 1];
	size_t i;

	file_account_key(key, sizeof key, account);
	TAILQ_FOREACH_SAFE(x, &file_xfers, entry, x1) {
		if (x->state == FILE_DEAD)
			continue;
		if (strcmp(x->owner, key) == 0) {
			file_fail_rcpts(x, "SENDER_GONE",
			    "The sender's account is gone; discard what you "
			    "received of it");
			file_xfer_remove(x);
			continue;
		}
		for (i = 0; i < x->nrcpts && x->state == FILE_STORED; i++) {
			r = &x->rcpts[i];
			if (strcmp(r->key, key) != 0 ||
			    r->state == RCPT_DECLINED ||
			    r->state == RCPT_COMPLETE)
				continue;
			if (r->dl != NULL)
				file_dl_close(r->dl);
			r->state = RCPT_DECLINED;
			file_status(x, r);
		}
	}
}

/* Expire idle uploads and old stored files. */
static void
file_tick(evutil_socket_t fd UNUSED, short events UNUSED, void *arg UNUSED)
{
	struct file_xfer *x, *x1;
	time_t now = time(NULL);

	TAILQ_FOREACH_SAFE(x, &file_xfers, entry, x1) {
		if (x->state == FILE_UPLOADING && x->nwrites == 0 &&
		    now - x->touched >= (time_t)cfg->file_upload_timeout) {
			log_info("file %llu: upload abandoned",
			    (unsigned long long)x->id);
			file_fail_upload(x, "TIMEOUT",
			    "The upload was idle too long and was removed");
		} else if (x->state == FILE_STORED &&
		    now - x->touched >= (time_t)cfg->file_keep) {
			log_info(
			    "file %llu expired", (unsigned long long)x->id);
			file_xfer_remove(x);
		}
	}
}

/* Whether a loaded upload writes to this partial file (start-up). */
static bool
file_part_used(const char *path)
{
	struct file_xfer *x;

	TAILQ_FOREACH(x, &file_xfers, entry) {
		if (x->state == FILE_UPLOADING && strcmp(x->tmppath, path) == 0)
			return true;
	}
	return false;
}

/* Remove the partial files no upload continues (start-up). */
static void
file_sweep_tmp(void)
{
	DIR *d;
	struct dirent *de;
	char file[4096];

	if ((d = opendir(file_tmpdir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if ((de->d_type != DT_REG && de->d_type != DT_UNKNOWN) ||
		    de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof file, "%s/%s", file_tmpdir, de->d_name);
		if (!file_part_used(file))
			unlink(file);
	}
	closedir(d);
}

/*
 * Parse one stored transfer's row (see file_save) into a new transfer;
 * NULL if it is damaged.
 */
static struct file_xfer *
file_parse(uint64_t id, char *text)
{
	struct file_xfer *x = xcalloc(1, sizeof *x);
	struct file_rcpt *r;
	char *line, *next, *p;
	unsigned long long size, acked;
	long long touched;
	int version, state, n;
	char kind;
	size_t cap = 0;

	x->id = id;
	x->fd = -1;
	x->mime = x->mimebuf;
	if ((next = strchr(text, '\n')) == NULL)
		goto bad;
	*next++ = '\0';
	/* The widths follow the buffers' sizes. */
	if (sscanf(text, "%d %c %32s %30s %50s %32s %llu %64s %100s %lld%n",
	        &version, &kind, x->owner, x->from, x->target, x->tokey, &size,
	        x->hash, x->mimebuf, &touched, &n) != 10 ||
	    version != 1 || (kind != 'S' && kind != 'U') || text[n] != '\0' ||
	    !chat_file_hash_valid(x->hash))
		goto bad;
	if (strcmp(x->tokey, "-") == 0)
		x->tokey[0] = '\0';
	x->size = size;
	x->received = x->written = size;
	x->touched = (time_t)touched;
	if ((p = strchr(next, '\n')) == NULL)
		goto bad;
	*p++ = '\0';
	strlcpy(x->name, next, sizeof x->name);
	for (line = p; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) == NULL)
			goto bad;
		*next++ = '\0';
		if (x->nrcpts == cap) {
			cap = cap == 0 ? 4 : cap * 2;
			x->rcpts = xrealloc(x->rcpts, cap * sizeof *x->rcpts);
		}
		r = &x->rcpts[x->nrcpts];
		memset(r, 0, sizeof *r);
		if (sscanf(line, "%32s %d %llu %30s%n", r->key, &state, &acked,
		        r->nick, &n) != 4 ||
		    line[n] != '\0' || state < RCPT_OFFERED ||
		    state > RCPT_COMPLETE || acked > size)
			goto bad;
		r->state = (enum file_rstate)state;
		r->acked = acked;
		x->nrcpts++;
	}
	xasprintf(&x->path, "%s/%s", file_dir, x->hash);
	xasprintf(&x->tmppath, "%s/%llu.part", file_tmpdir,
	    (unsigned long long)x->id);
	x->state = kind == 'S' ? FILE_STORED : FILE_UPLOADING;
	return x;
bad:
	free(x->rcpts);
	free(x);
	return NULL;
}

/*
 * Take up an upload cut by a restart: hash its partial file again (at
 * start-up, before clients are accepted) so that it continues after the
 * bytes on disk. -1 if the partial file is gone or too long.
 */
static int
file_reopen(struct file_xfer *x)
{
	char buf[65536];
	ssize_t n;
	size_t k;

	if ((x->fd = open(x->tmppath, O_RDWR | O_CLOEXEC)) < 0)
		return -1;
	if ((x->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(x->md, EVP_sha256(), NULL) != 1)
		fatalx("EVP_DigestInit_ex failed");
	x->received = 0;
	while ((n = read(x->fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || x->received + (uint64_t)n > x->size)
			return -1;
		if (x->received < FILE_HEAD) {
			k = FILE_HEAD - (size_t)x->received;
			if (k > (size_t)n)
				k = (size_t)n;
			memcpy(x->head + x->received, buf, k);
			x->headlen = (size_t)x->received + k;
		}
		if (EVP_DigestUpdate(x->md, buf, (size_t)n) != 1)
			fatalx("EVP_DigestUpdate failed");
		x->received += (uint64_t)n;
	}
	x->written = x->received;
	x->mime = "-";
	x->touched = time(NULL);
	return 0;
}

/* Rows of transfers not taken up at start-up. */
struct file_dropped {
	char **keys;
	size_t n;
};

/* store_kv_load callback: bring back one stored transfer, or drop it. */
static void
file_loaded(const char *key, const void *value, size_t len, void *arg)
{
	struct file_dropped *dropped = arg;
	time_t now = time(NULL);
	struct file_xfer *x = NULL;
	struct stat sb;
	uint64_t id;
	char *text;

	text = xmalloc(len + 1);
	memcpy(text, value, len);
	text[len] = '\0';
	if (chat_file_parse_u64(key, &id) == 0 && id > 0)
		x = file_parse(id, text);
	free(text);
	if (x == NULL)
		log_warn("file %s: damaged record dropped", key);
	else if (x->state == FILE_UPLOADING) {
		if (file_reopen(x) == 0) {
			TAILQ_INSERT_TAIL(&file_xfers, x, entry);
			if (id >= file_next_id)
				file_next_id = id + 1;
			return;
		}
		log_info("file %s: the partial upload is gone", key);
	} else if (now - x->touched >= (time_t)cfg->file_keep)
		log_info("file %s expired", key);
	else if (stat(x->path, &sb) != 0 || (uint64_t)sb.st_size != x->size)
		log_warn("file %s: %s is missing; dropped", key, x->path);
	else {
		TAILQ_INSERT_TAIL(&file_xfers, x, entry);
		if (id >= file_next_id)
			file_next_id = id + 1;
		return;
	}
	if (x != NULL) {
		if (x->fd >= 0)
			close(x->fd);
		EVP_MD_CTX_free(x->md);
		free(x->path);
		free(x->tmppath);
		free(x->rcpts);
		free(x);
	}
	/* Deleted once the loading query is finished. */
	dropped->keys =
	    xrealloc(dropped->keys, (dropped->n + 1) * sizeof *dropped->keys);
	dropped->keys[dropped->n++] = xstrdup(key);
}

/*
 * Read the transfers back (start-up, after the store is open): stored
 * files, and uploads to continue. Remove the files no transfer refers to
 * any more: those of transfers that expired while chatd was down, or
 * were removed just before a crash.
 */
int
file_load(char **cause)
{
	struct file_dropped dropped = { NULL, 0 };
	DIR *d;
	struct dirent *de;
	char path[4096];
	unsigned n = 0;
	size_t i;
	int rc;

	rc = store_kv_load(FILE_STORE_NS, file_loaded, &dropped);
	for (i = 0; i < dropped.n; i++) {
		store_kv_delete(FILE_STORE_NS, dropped.keys[i], NULL, NULL);
		free(dropped.keys[i]);
	}
	free(dropped.keys);
	if (rc != 0) {
		*cause = xstrdup("cannot read the stored file transfers");
		return -1;
	}
	file_sweep_tmp();
	if ((d = opendir(file_dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if ((de->d_type != DT_REG &&
			        de->d_type != DT_UNKNOWN) ||
			    de->d_name[0] == '.' ||
			    file_blob_used(NULL, de->d_name))
				continue;
			snprintf(
			    path, sizeof path, "%s/%s", file_dir, de->d_name);
			if (unlink(path) == 0)
				n++;
		}
		closedir(d);
	}
	if (n > 0)
		log_info("removed %u stored files nothing refers to", n);
	return 0;
}

/* Set up the store, the worker and the timers. */
void
file_init(void)
{
	struct timeval one = { 1, 0 };

	if (getrandom(&file_run_id, sizeof file_run_id, 0) !=
	    (ssize_t)sizeof file_run_id)
		fatal("getrandom");
	file_run_id &= 0xffffffffffffULL; /* 48 bits: the key fits */
	/* file-dir: the nodes of a cluster share one (doc/CLUSTER.md). */
	if (cfg->file_dir != NULL)
		file_dir = xstrdup(cfg->file_dir);
	else
		xasprintf(&file_dir, "%s/files", cfg->data_dir);
	xasprintf(&file_tmpdir, "%s/tmp", file_dir);
	if ((mkdir(file_dir, 0700) != 0 && errno != EEXIST) ||
	    (mkdir(file_tmpdir, 0700) != 0 && errno != EEXIST))
		fatal("mkdir %s", file_tmpdir);
	/* Over a file size limit, write() fails with EFBIG: DISK_FULL. */
	signal(SIGXFSZ, SIG_IGN);
	file_tick_ev = event_new(ev_base, -1, EV_PERSIST, file_tick, NULL);
	event_add(file_tick_ev, &one);
	file_worker = worker_new("file", 1, 0, NULL, NULL);
}

/* Stop the worker and free every transfer (shutdown). */
void
file_free(void)
{
	struct file_xfer *x;
	struct file_dl *dl;

	worker_free(file_worker, file_job_free);
	file_worker = NULL;
	while ((dl = TAILQ_FIRST(&file_dls)) != NULL) {
		TAILQ_REMOVE(&file_dls, dl, entry);
		if (dl->fd >= 0)
			close(dl->fd);
		free(dl);
	}
	while ((x = TAILQ_FIRST(&file_xfers)) != NULL) {
		/* A partial upload stays: file_load takes it up again. */
		file_xfer_free(x);
	}
	event_free(file_tick_ev);
	free(file_dir);
	free(file_tmpdir);
}
