/* The resident server: `postlint server start` keeps a process with libgit2 loaded and a
 * Lua state with the built-in rules warmed up, and every later `postlint` of the same
 * binary hands its command line, environment, working folder and standard streams to a
 * child forked from it, instead of loading all that again (one post: 13 ms -> a few).
 *
 * What a forked child runs is the same main as a run on its own: it reads the posts,
 * .lintrc and plugins from disk each time, so nothing it prints can be stale. Only what
 * cannot change while the binary does not is kept: libgit2, and the built-in rules
 * compiled into the binary. The socket's name carries the binary's identity (its device,
 * inode, size and time), so another build of postlint never talks to this one.
 *
 * Flow: client (server_forward) -> socket -> an idle child, forked in advance, that
 * accepted it -> postlint's main in that child -> exit code back to the client. */
#ifndef POSTLINT_SERVER_H
#define POSTLINT_SERVER_H

#include <stddef.h>

#include "cli.h"
#include "util/buf.h"

/* postlint's main after its arguments: what a forked child runs for a request. */
typedef int (*server_main_fn)(int argc, char **argv);

/* Client: when a server of this binary is running and takes the request, runs argv there
 * and returns its exit code; -1 when the command is to run in this process (no server,
 * POSTLINT_SERVER=off, or the server declined: another HOME, say). */
int server_forward(int argc, char **argv);

/* `postlint server start|stop|status`: in a child of the server when one runs (the client
 * forwarded it), else here. */
int cmd_server(const struct cli *cli, server_main_fn run);

/* The socket of this binary's server in *path (created folder checked: ours, mode 0700).
 * -1 with a reason in err when there is no safe place for it. */
int server_socket_path(struct buf *path, struct buf *err);

/* Whether a server answers at path: a `server status` request, with its output to
 * /dev/null, that a child of the server took and answered with exit code 0. */
bool server_answers(const char *path);

/* Environment variables a server reads once at its start (libgit2's configuration search
 * paths come from HOME and XDG_CONFIG_HOME when it starts; POSTLINT_LIBGIT2 chose the
 * library; glibc reads GLIBC_TUNABLES when the process starts): a request with other values
 * is declined and runs on its own. The installed hook sets GLIBC_TUNABLES (2 MB pages for
 * the heap), and on its own it is faster than a server child without them. */
extern const char *const server_start_env[];

#endif
