/* Between the files of the cluster (cluster.c, cluster-lua.c). */
#ifndef CLUSTER_INT_H
#define CLUSTER_INT_H

/* The scripts (cluster-lua.c), loaded at start and run by EVALSHA. */
enum cluster_script {
	CS_REGISTER,
	CS_HEARTBEAT,
	CS_REAP,
	CS_LEAVE,
	CS_CLAIM,
	CS_RELEASE,
	CS_UADD,
	CS_UNICK,
	CS_UQUIT,
	CS_JOIN,
	CS_PART,
	CS_PUB,
	CS_SNAPSHOT,
	CS_RESTORE,
	CS_COUNT
};
extern const char *const cluster_lua[CS_COUNT];

#endif /* CLUSTER_INT_H */
