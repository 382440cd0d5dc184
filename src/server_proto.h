/* What the resident server's client and children say to each other over the socket (see
 * server.h). The client sends its request: a fixed header, then argv and the environment.
 * The child answers "started" (ready) or "declined" (run it yourself); after "started" the
 * client sends the go with its standard streams and working folder as file descriptors, and
 * the child answers how the run ended (or "declined" when it could not use them). */
#ifndef POSTLINT_SERVER_PROTO_H
#define POSTLINT_SERVER_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define SERVER_MAGIC 0x32534c50u /* "PLS2" */
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
/* How long a child waits for a client's request and go, and a client for the child's
 * "started" (seconds): neither side waits for good on the other before the run is the
 * server's. */
#define SERVER_REQUEST_SECONDS 3
/* The client's one byte after SERVER_STARTED, sent with its standard streams and working
 * folder (SCM_RIGHTS): from now on the run is the server's. A client that timed out never
 * sends it, so a run never happens twice (here and there). */
#define SERVER_GO 'G'

enum server_reply_kind {
	SERVER_STARTED = 'A',   /* ready: the run begins with the client's go (SERVER_GO) */
	/* not run, the client runs it itself: an environment the server cannot serve, or a go
	 * whose descriptors the child could not use */
	SERVER_DECLINED = 'R',
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
