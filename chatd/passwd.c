/*
 * Password hashes: Argon2id in the PHC string format
 * ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash"), the parameters OWASP
 * recommends as a minimum. Hashing and checking are slow on purpose, so
 * the daemon calls passwd_verify() only on the worker thread.
 */

#include "config.h"

#include <sys/random.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <argon2.h>

#include "chatd.h"

#define PASSWD_T 2
#define PASSWD_M 19456 /* KiB */
#define PASSWD_P 1
#define PASSWD_SALT 16
#define PASSWD_HASH 32

/* Hash a password; returns an allocated PHC string or NULL with *cause. */
char *
passwd_hash(const char *password, char **cause)
{
	unsigned char salt[PASSWD_SALT];
	size_t len;
	char *out;
	int rc;

	if (getrandom(salt, sizeof salt, 0) != (ssize_t)sizeof salt) {
		xasprintf(cause, "getrandom failed");
		return NULL;
	}
	len = argon2_encodedlen(
	    PASSWD_T, PASSWD_M, PASSWD_P, PASSWD_SALT, PASSWD_HASH, Argon2_id);
	out = xmalloc(len);
	rc = argon2id_hash_encoded(PASSWD_T, PASSWD_M, PASSWD_P, password,
	    strlen(password), salt, sizeof salt, PASSWD_HASH, out, len);
	if (rc != ARGON2_OK) {
		xasprintf(cause, "argon2: %s", argon2_error_message(rc));
		free(out);
		return NULL;
	}
	return out;
}

/* Whether password matches an encoded Argon2 hash (slow). */
bool
passwd_verify(const char *encoded, const char *password)
{
	argon2_type type;

	if (strncmp(encoded, "$argon2id$", 10) == 0)
		type = Argon2_id;
	else if (strncmp(encoded, "$argon2i$", 9) == 0)
		type = Argon2_i;
	else
		return false;
	return argon2_verify(encoded, password, strlen(password), type) ==
	    ARGON2_OK;
}

/* Read one line into buf (without its newline); echo off on a terminal. */
static int
passwd_read(const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) == 1;
	char *ok;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	ok = fgets(buf, (int)size, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	if (ok == NULL)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/* chatd --hash-password: read a password, print its hash for chatd.conf. */
int
passwd_main(void)
{
	char pw[256], again[256], *hash, *cause = NULL;

	if (passwd_read("Password: ", pw, sizeof pw) != 0 || pw[0] == '\0') {
		fprintf(stderr, "chatd: no password given\n");
		return 1;
	}
	if (isatty(STDIN_FILENO) == 1) {
		if (passwd_read("Again: ", again, sizeof again) != 0 ||
		    strcmp(pw, again) != 0) {
			fprintf(stderr, "chatd: the passwords differ\n");
			return 1;
		}
		explicit_bzero(again, sizeof again);
	}
	hash = passwd_hash(pw, &cause);
	explicit_bzero(pw, sizeof pw);
	if (hash == NULL) {
		fprintf(stderr, "chatd: %s\n", cause);
		free(cause);
		return 1;
	}
	printf("%s\n", hash);
	free(hash);
	return 0;
}
