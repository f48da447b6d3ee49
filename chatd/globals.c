/* The process-wide state of chatd (one event loop, one process). */

#include "config.h"

#include "chatd.h"

struct event_base *ev_base;
struct config *cfg;
struct clients all_clients = TAILQ_HEAD_INITIALIZER(all_clients);
struct nicks nick_tree = RB_INITIALIZER(&nick_tree);
struct channels channel_tree = RB_INITIALIZER(&channel_tree);
unsigned nclients;
unsigned nunregistered;
unsigned nopers;
unsigned peak_users;
unsigned ninvisible;
unsigned nchannels_all;
time_t start_time;
