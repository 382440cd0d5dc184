/* What the resident server's client and children say to each other over the socket (see
 * server.h). One request: a fixed header, passed with the client's standard streams and
 * working folder as file descriptors, then argv and the environment. Replies: "started"
 * (or "declined": run it yourself), then how the run ended. */
#ifndef POSTLINT_SERVER_PROTO_H
#define POSTLINT_SERVER_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define SERVER_MAGIC 0x31534c50u /* "PLS1" */
/* stdin, stdout, stderr, the working folder */
#define SERVER_NFDS 4
/* a request's strings, at most (a command line and environment are far smaller) */
#define SERVER_MAX_BODY (8u << 20)

struct server_request {
	uint32_t magic;
	uint32_t argc, nenv;
	uint32_t body_len;
	uint32_t umask;
	uint32_t flags; /* SERVER_SIGPIPE_IGNORED */
};

/* The client ignores SIGPIPE: a write to a closed pipe fails with EPIPE, not the signal. */
#define SERVER_SIGPIPE_IGNORED 1u
/* How long a child waits for the request of a client that connected (seconds). */
#define SERVER_REQUEST_SECONDS 3

enum server_reply_kind {
	SERVER_STARTED = 'A',   /* the run has begun: from now on it is the server's */
	SERVER_DECLINED = 'R',  /* not run: the client runs it itself */
	SERVER_EXITED = 'X',    /* value: the exit code */
	SERVER_SIGNALLED = 'S', /* value: the signal that ended the run */
};

struct server_reply {
	int32_t kind;
	int32_t value;
};

/* A connected socket to path, or -1. */
int server_connect(const char *path);
int server_write_all(int fd, const void *data, size_t len);
int server_read_all(int fd, void *data, size_t len);
/* Sends data with nfds descriptors attached (SCM_RIGHTS). */
int server_send_with_fds(int fd, const void *data, size_t len, const int *fds, size_t nfds);
/* Receives exactly len bytes, the first part with exactly nfds descriptors; -1 otherwise
 * (any descriptors that came are closed). */
int server_recv_with_fds(int fd, void *data, size_t len, int *fds, size_t nfds);
/* Async-signal-safe: used from the children's signal handlers too. */
int server_send_reply(int fd, enum server_reply_kind kind, int value);
int server_read_reply(int fd, struct server_reply *reply);

#endif
