/*
 * The cluster's Lua scripts: every change to the shared namespace in
 * Redis is one of these, so Redis orders them and each runs whole. They
 * all start with the prelude, and every script a node runs for itself
 * first checks the node's epoch (fencing): a node declared dead gets
 * FENCED and changes nothing. Key layout (prefix chatd:):
 *
 *   network             the network-name the cluster was started with
 *   epoch               counter; each node registration takes the next
 *   nodes               hash: node name -> its epoch
 *   alive:NODE          the node's heartbeat, expiring after the TTL
 *   dead:NODE           the epoch of a node declared dead (a day): its
 *                       scripts get FENCED; a node Redis has no record of
 *                       at all gets EMPTY and tells Redis its users again
 *   nick:FOLD           the uid ("node/id") holding a folded nick
 *   nnicks:NODE         set of the folded nicks a node holds
 *   users               hash: uid -> the user's record (a U message)
 *   nusers:NODE         set of the uids of a node's registered users
 *   chans               set of folded channel names with members
 *   channame            hash: folded channel -> its name
 *   chan:FOLD           hash: uid -> member modes
 *   uchans:UID          set of the folded channels a user is in
 *
 * Topics: chatd:t:all (users, memberships, nodes gone), chatd:t:n:NODE (a
 * node's inbox), chatd:t:c:FOLD (a channel's lines).
 */

#include "config.h"

#include "cluster-int.h"

#define LUA_PRELUDE                                                                 \
	"local P = 'chatd:'\n"                                                      \
	"local function ns(s) return #s .. ':' .. s end\n"                          \
	"local function known(node, epoch)\n"                                       \
	"  if redis.call('HGET', P .. 'nodes', node) == epoch then\n"               \
	"    return 'ok'\n"                                                         \
	"  end\n"                                                                   \
	"  if redis.call('GET', P .. 'dead:' .. node) == epoch then\n"              \
	"    return 'fenced'\n"                                                     \
	"  end\n"                                                                   \
	"  return 'lost'\n"                                                         \
	"end\n"                                                                     \
	"local function fence(node, epoch)\n"                                       \
	"  local k = known(node, epoch)\n"                                          \
	"  if k == 'lost' then\n"                                                   \
	"    return redis.error_reply('EMPTY redis lost this node')\n"              \
	"  end\n"                                                                   \
	"  if k == 'fenced' then\n"                                                 \
	"    return redis.error_reply('FENCED node declared dead')\n"               \
	"  end\n"                                                                   \
	"end\n"                                                                     \
	"local function leave(uid, cf)\n"                                           \
	"  redis.call('HDEL', P .. 'chan:' .. cf, uid)\n"                           \
	"  if redis.call('HLEN', P .. 'chan:' .. cf) == 0 then\n"                   \
	"    redis.call('DEL', P .. 'chan:' .. cf)\n"                               \
	"    redis.call('SREM', P .. 'chans', cf)\n"                                \
	"    redis.call('HDEL', P .. 'channame', cf)\n"                             \
	"  end\n"                                                                   \
	"  redis.call('SREM', P .. 'uchans:' .. uid, cf)\n"                         \
	"end\n"                                                                     \
	"local function drop_user(uid)\n"                                           \
	"  for _, cf in ipairs(redis.call('SMEMBERS', P .. 'uchans:' .. uid))"      \
	" do leave(uid, cf) end\n"                                                  \
	"  redis.call('DEL', P .. 'uchans:' .. uid)\n"                              \
	"  redis.call('HDEL', P .. 'users', uid)\n"                                 \
	"end\n"                                                                     \
	"local function release(node, uid, f)\n"                                    \
	"  if f ~= '' and redis.call('GET', P .. 'nick:' .. f) == uid then\n"       \
	"    redis.call('DEL', P .. 'nick:' .. f)\n"                                \
	"    redis.call('SREM', P .. 'nnicks:' .. node, f)\n"                       \
	"  end\n"                                                                   \
	"end\n"                                                                     \
	"local function drop_node(node, me, why)\n"                                 \
	"  for _, uid in ipairs(redis.call('SMEMBERS', P .. 'nusers:' .. "          \
	"node)) do drop_user(uid) end\n"                                            \
	"  local pre = node .. '/'\n"                                               \
	"  for _, f in ipairs(redis.call('SMEMBERS', P .. 'nnicks:' .. node))"      \
	" do\n"                                                                     \
	"    local v = redis.call('GET', P .. 'nick:' .. f)\n"                      \
	"    if v and string.sub(v, 1, #pre) == pre then\n"                         \
	"      redis.call('DEL', P .. 'nick:' .. f)\n"                              \
	"    end\n"                                                                 \
	"  end\n"                                                                   \
	"  local e = redis.call('HGET', P .. 'nodes', node)\n"                      \
	"  if e then redis.call('SET', P .. 'dead:' .. node, e, 'EX', 86400) end\n" \
	"  redis.call('DEL', P .. 'nusers:' .. node, P .. 'nnicks:' .. node,"       \
	" P .. 'alive:' .. node)\n"                                                 \
	"  redis.call('HDEL', P .. 'nodes', node)\n"                                \
	"  redis.call('PUBLISH', P .. 't:all', 'CHATD/1 G ' .. ns(me) .. "          \
	"ns('0') .. ns(node) .. ns(why))\n"                                         \
	"end\n"

/* ARGV: node, network, ttl ms. The node's new epoch, or an error. */
static const char lua_register[] = LUA_PRELUDE
    "local net = redis.call('GET', P .. 'network')\n"
    "if net and net ~= ARGV[2] then\n"
    "  return redis.error_reply('NETWORK ' .. net)\n"
    "end\n"
    "if not net then redis.call('SET', P .. 'network', ARGV[2]) end\n"
    "if redis.call('EXISTS', P .. 'alive:' .. ARGV[1]) == 1 then\n"
    "  return redis.error_reply('NODEUP node is alive')\n"
    "end\n"
    "if redis.call('HEXISTS', P .. 'nodes', ARGV[1]) == 1 then\n"
    "  drop_node(ARGV[1], ARGV[1], 'restarted')\n"
    "end\n"
    "local e = tostring(redis.call('INCR', P .. 'epoch'))\n"
    "redis.call('HSET', P .. 'nodes', ARGV[1], e)\n"
    "redis.call('SET', P .. 'alive:' .. ARGV[1], e, 'PX', ARGV[3])\n"
    "return e\n";

/* ARGV: node, epoch, ttl ms. */
static const char lua_heartbeat[] = LUA_PRELUDE
    "local bad = fence(ARGV[1], ARGV[2])\n"
    "if bad then return bad end\n"
    "redis.call('SET', P .. 'alive:' .. ARGV[1], ARGV[2], 'PX', ARGV[3])\n"
    "return 1\n";

/* ARGV: node, epoch. Drops every node whose heartbeat expired. */
static const char lua_reap[] =
    LUA_PRELUDE "local bad = fence(ARGV[1], ARGV[2])\n"
                "if bad then return bad end\n"
                "local n = 0\n"
                "local all = redis.call('HKEYS', P .. 'nodes')\n"
                "for _, node in ipairs(all) do\n"
                "  if node ~= ARGV[1] and\n"
                "      redis.call('EXISTS', P .. 'alive:' .. node) == 0 then\n"
                "    drop_node(node, ARGV[1], 'lost')\n"
                "    n = n + 1\n"
                "  end\n"
                "end\n"
                "return n\n";

/* ARGV: node, epoch. A node leaving cleanly. */
static const char lua_leave[] =
    LUA_PRELUDE "local bad = fence(ARGV[1], ARGV[2])\n"
                "if bad then return bad end\n"
                "drop_node(ARGV[1], ARGV[1], 'left')\n"
                "return 1\n";

/* ARGV: node, epoch, id, new fold, old fold. 1: claimed, 0: taken. */
static const char lua_claim[] = LUA_PRELUDE
    "local bad = fence(ARGV[1], ARGV[2])\n"
    "if bad then return bad end\n"
    "local uid = ARGV[1] .. '/' .. ARGV[3]\n"
    "local v = redis.call('GET', P .. 'nick:' .. ARGV[4])\n"
    "if v and v ~= uid then return 0 end\n"
    "redis.call('SET', P .. 'nick:' .. ARGV[4], uid)\n"
    "redis.call('SADD', P .. 'nnicks:' .. ARGV[1], ARGV[4])\n"
    "if ARGV[5] ~= ARGV[4] then release(ARGV[1], uid, ARGV[5]) end\n"
    "return 1\n";

/* ARGV: node, epoch, id, fold. */
static const char lua_release[] =
    LUA_PRELUDE "local bad = fence(ARGV[1], ARGV[2])\n"
                "if bad then return bad end\n"
                "release(ARGV[1], ARGV[1] .. '/' .. ARGV[3], ARGV[4])\n"
                "return 1\n";

/* ARGV: node, epoch, id, record (a U message, published too). */
static const char lua_uadd[] =
    LUA_PRELUDE "local bad = fence(ARGV[1], ARGV[2])\n"
                "if bad then return bad end\n"
                "local uid = ARGV[1] .. '/' .. ARGV[3]\n"
                "redis.call('HSET', P .. 'users', uid, ARGV[4])\n"
                "redis.call('SADD', P .. 'nusers:' .. ARGV[1], uid)\n"
                "redis.call('PUBLISH', P .. 't:all', ARGV[4])\n"
                "return 1\n";

/* ARGV: node, epoch, id, new record, message (N). */
static const char lua_unick[] = LUA_PRELUDE
    "local bad = fence(ARGV[1], ARGV[2])\n"
    "if bad then return bad end\n"
    "local uid = ARGV[1] .. '/' .. ARGV[3]\n"
    "if redis.call('HEXISTS', P .. 'users', uid) == 0 then return 0 end\n"
    "redis.call('HSET', P .. 'users', uid, ARGV[4])\n"
    "redis.call('PUBLISH', P .. 't:all', ARGV[5])\n"
    "return 1\n";

/* ARGV: node, epoch, id, fold, message (Q). */
static const char lua_uquit[] =
    LUA_PRELUDE "local bad = fence(ARGV[1], ARGV[2])\n"
                "if bad then return bad end\n"
                "local uid = ARGV[1] .. '/' .. ARGV[3]\n"
                "release(ARGV[1], uid, ARGV[4])\n"
                "drop_user(uid)\n"
                "redis.call('SREM', P .. 'nusers:' .. ARGV[1], uid)\n"
                "redis.call('PUBLISH', P .. 't:all', ARGV[5])\n"
                "return 1\n";

/* ARGV: node, epoch, uid, channel fold, name, modes, message (J). */
static const char lua_join[] = LUA_PRELUDE
    "local bad = fence(ARGV[1], ARGV[2])\n"
    "if bad then return bad end\n"
    "if redis.call('HEXISTS', P .. 'users', ARGV[3]) == 0 then return 0 "
    "end\n"
    "redis.call('HSET', P .. 'chan:' .. ARGV[4], ARGV[3], ARGV[6])\n"
    "redis.call('HSET', P .. 'channame', ARGV[4], ARGV[5])\n"
    "redis.call('SADD', P .. 'chans', ARGV[4])\n"
    "redis.call('SADD', P .. 'uchans:' .. ARGV[3], ARGV[4])\n"
    "redis.call('PUBLISH', P .. 't:all', ARGV[7])\n"
    "return 1\n";

/* ARGV: node, epoch, uid, channel fold, message (L). */
static const char lua_part[] = LUA_PRELUDE
    "local bad = fence(ARGV[1], ARGV[2])\n"
    "if bad then return bad end\n"
    "if redis.call('HEXISTS', P .. 'chan:' .. ARGV[4], ARGV[3]) == 0 then\n"
    "  return 0\n"
    "end\n"
    "leave(ARGV[3], ARGV[4])\n"
    "redis.call('PUBLISH', P .. 't:all', ARGV[5])\n"
    "return 1\n";

/* ARGV: node, epoch, topic, message. A delivery, fenced too. */
static const char lua_pub[] =
    LUA_PRELUDE "local bad = fence(ARGV[1], ARGV[2])\n"
                "if bad then return bad end\n"
                "return redis.call('PUBLISH', P .. 't:' .. ARGV[3], ARGV[4])\n";

/*
 * ARGV: node, epoch, id, fold, record (empty before registration). After
 * Redis lost its data: claim a nick again and, with a record, announce
 * the user again. 0 if another node's user took the nick meanwhile.
 */
static const char lua_restore[] =
    LUA_PRELUDE "local bad = fence(ARGV[1], ARGV[2])\n"
                "if bad then return bad end\n"
                "local uid = ARGV[1] .. '/' .. ARGV[3]\n"
                "local v = redis.call('GET', P .. 'nick:' .. ARGV[4])\n"
                "if v and v ~= uid then return 0 end\n"
                "redis.call('SET', P .. 'nick:' .. ARGV[4], uid)\n"
                "redis.call('SADD', P .. 'nnicks:' .. ARGV[1], ARGV[4])\n"
                "if ARGV[5] ~= '' then\n"
                "  redis.call('HSET', P .. 'users', uid, ARGV[5])\n"
                "  redis.call('SADD', P .. 'nusers:' .. ARGV[1], uid)\n"
                "  redis.call('PUBLISH', P .. 't:all', ARGV[5])\n"
                "end\n"
                "return 1\n";

/*
 * ARGV: node, epoch. Everything a node that (re)joins must know, read at
 * once: { user records..., }, then per channel { name, uid, modes, ... };
 * an empty reply when Redis lost this node (restarted empty: no record of
 * it, and no tombstone saying it was declared dead).
 */
static const char lua_snapshot[] = LUA_PRELUDE
    "if redis.call('EXISTS', P .. 'network') == 0 or\n"
    "    known(ARGV[1], ARGV[2]) == 'lost' then return {} end\n"
    "local out = { redis.call('HVALS', P .. 'users') }\n"
    "for _, cf in ipairs(redis.call('SMEMBERS', P .. 'chans')) do\n"
    "  local c = redis.call('HGETALL', P .. 'chan:' .. cf)\n"
    "  table.insert(c, 1, redis.call('HGET', P .. 'channame', cf) or cf)\n"
    "  table.insert(out, c)\n"
    "end\n"
    "return out\n";

/* The scripts by number (enum cluster_script). */
const char *const cluster_lua[CS_COUNT] = {
	[CS_REGISTER] = lua_register,
	[CS_HEARTBEAT] = lua_heartbeat,
	[CS_REAP] = lua_reap,
	[CS_LEAVE] = lua_leave,
	[CS_CLAIM] = lua_claim,
	[CS_RELEASE] = lua_release,
	[CS_UADD] = lua_uadd,
	[CS_UNICK] = lua_unick,
	[CS_UQUIT] = lua_uquit,
	[CS_JOIN] = lua_join,
	[CS_PART] = lua_part,
	[CS_PUB] = lua_pub,
	[CS_SNAPSHOT] = lua_snapshot,
	[CS_RESTORE] = lua_restore,
};
