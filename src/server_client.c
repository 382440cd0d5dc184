/* The client half of the resident server (see server.h): where its socket lives, and
 * handing a command to it. Everything here runs before the client does any work of its
 * own, so a run without a server pays one failed connect. */
#define _GNU_SOURCE /* struct ucred */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "server_proto.h"
#include "util/xalloc.h"

extern char **environ;

const char *const server_start_env[] = { "HOME", "XDG_CONFIG_HOME", "POSTLINT_LIBGIT2",
					   "GLIBC_TUNABLES", NULL };

/* FNV-1a over the executable's device, inode, size and modification time: a rebuilt or
 * upgraded binary gets a socket of its own, and never a server running older code. */
static uint64_t binary_identity(void)
{
	struct stat st;
	uint64_t h = 1469598103934665603ULL;
	if (stat("/proc/self/exe", &st) != 0)
		return 0;
	uint64_t parts[5] = { (uint64_t)st.st_dev, (uint64_t)st.st_ino, (uint64_t)st.st_size,
			      (uint64_t)st.st_mtim.tv_sec, (uint64_t)st.st_mtim.tv_nsec };
	const unsigned char *p = (const unsigned char *)parts;
	for (size_t i = 0; i < sizeof(parts); i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* The folder for sockets: $XDG_RUNTIME_DIR/postlint, else /tmp/postlint-UID. Made 0700 when
 * missing; used only when it is a real folder of ours that nobody else can enter (another
 * user could otherwise answer in the server's place). */
static int socket_dir(struct buf *dir, struct buf *err)
{
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	if (runtime && runtime[0] == '/')
		buf_addf(dir, "%s/postlint", runtime);
	else
		buf_addf(dir, "/tmp/postlint-%u", (unsigned)getuid());
	if (mkdir(dir->ptr, 0700) != 0 && errno != EEXIST) {
		buf_addf(err, "cannot make '%s': %s", dir->ptr, strerror(errno));
		return -1;
	}
	struct stat st;
	if (lstat(dir->ptr, &st) != 0) {
		buf_addf(err, "cannot read '%s': %s", dir->ptr, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077) != 0) {
		buf_addf(err, "'%s' is not a folder of yours that only you can enter (mode 0700)",
			 dir->ptr);
		return -1;
	}
	return 0;
}

int server_socket_path(struct buf *path, struct buf *err)
{
	struct buf dir = BUF_INIT;
	int rc = socket_dir(&dir, err);
	if (rc == 0) {
		buf_addf(path, "%s/server-%016llx.sock", dir.ptr,
			 (unsigned long long)binary_identity());
		if (path->len >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
			buf_addf(err, "the socket path '%s' is too long for a socket", path->ptr);
			rc = -1;
		}
	}
	buf_release(&dir);
	return rc;
}

int server_connect(const char *path)
{
	/* not blocking while it connects: a server whose queue is full (it hangs) would keep
	 * connect waiting for good; then it fails with EAGAIN, and the run is this process's */
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	memcpy(addr.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* argv, then the environment, each string with its NUL. */
static void pack_strings(struct buf *body, int argc, char **argv, uint32_t *nenv)
{
	for (int i = 0; i < argc; i++)
		buf_add(body, argv[i], strlen(argv[i]) + 1);
	*nenv = 0;
	for (char **e = environ; e && *e; e++, (*nenv)++)
		buf_add(body, *e, strlen(*e) + 1);
}

/* The request: argv, this process's environment and umask, and whether it ignores SIGPIPE.
 * No descriptors yet: they go with the go, once a child has said it will run the request
 * (passed before, they would stay open in the queue of a server that never takes the
 * connection, and a caller reading our output would wait for its end). */
static int send_request(int fd, int argc, char **argv)
{
	struct buf body = BUF_INIT;
	struct server_request req = { .magic = SERVER_MAGIC, .argc = (uint32_t)argc };
	pack_strings(&body, argc, argv, &req.nenv);
	req.body_len = (uint32_t)body.len;
	mode_t mask = umask(0);
	umask(mask);
	req.umask = (uint32_t)mask;
	/* ignored or blocked, a write to a closed pipe fails with EPIPE here, and so it must
	 * there */
	struct sigaction pipe_action;
	sigset_t blocked;
	if ((sigaction(SIGPIPE, NULL, &pipe_action) == 0 && pipe_action.sa_handler == SIG_IGN) ||
	    (sigprocmask(SIG_BLOCK, NULL, &blocked) == 0 && sigismember(&blocked, SIGPIPE) == 1))
		req.flags |= SERVER_SIGPIPE_IGNORED;
	int rc = server_write_all(fd, &req, sizeof(req));
	if (rc == 0)
		rc = server_write_all(fd, body.ptr, body.len);
	buf_release(&body);
	return rc;
}

/* The go, with stdio as the run's standard streams and this process's working folder. */
static int send_go(int fd, const int stdio[3])
{
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0)
		return -1;
	char go = SERVER_GO;
	int fds[SERVER_NFDS] = { stdio[0], stdio[1], stdio[2], cwd };
	int rc = server_send_with_fds(fd, &go, 1, fds, SERVER_NFDS);
	close(cwd);
	return rc;
}

/* Sends the request and, once a child says it will run it, the go: true when the run is
 * the server's. A server that does not answer in time (stopped, or stopping with
 * connections still queued) is left, and the run is this process's; a child that timed out
 * waiting for the go never runs it, so a run never happens in both places. */
static bool handed_over(int fd, int argc, char **argv, const int stdio[3])
{
	/* sending too: a long command line fills the socket's buffer of a child that reads
	 * nothing */
	struct timeval wait = { SERVER_REQUEST_SECONDS, 0 }, forever = { 0, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof(wait));
	struct server_reply reply;
	if (send_request(fd, argc, argv) != 0 || server_read_reply(fd, &reply) != 0 ||
	    reply.kind != SERVER_STARTED || send_go(fd, stdio) != 0)
		return false;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &forever, sizeof(forever));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &forever, sizeof(forever));
	return true;
}

int server_forward(int argc, char **argv)
{
	const char *mode = getenv("POSTLINT_SERVER");
	if (mode && strcmp(mode, "off") == 0)
		return -1;
	/* a closed standard stream: the socket would take its number and be passed as it,
	 * and the run would read or write its own request (seen: a hang with `<&-`) */
	for (int i = STDIN_FILENO; i <= STDERR_FILENO; i++)
		if (fcntl(i, F_GETFD) < 0)
			return -1;
	struct buf path = BUF_INIT, err = BUF_INIT;
	int fd = server_socket_path(&path, &err) == 0 ? server_connect(path.ptr) : -1;
	buf_release(&path);
	buf_release(&err);
	if (fd < 0)
		return -1;
	struct server_reply reply = { 0, 0 };
	int rc = -1;
	/* nothing has run until the child has the go: before that, any failure runs it here */
	static const int stdio[3] = { STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO };
	if (!handed_over(fd, argc, argv, stdio)) {
		close(fd);
		return -1;
	}
	int got = server_read_reply(fd, &reply);
	if (got == 0 && reply.kind == SERVER_DECLINED) {
		close(fd); /* it could not use what came with the go, and ran nothing */
		return -1;
	}
	if (got != 0 || (reply.kind != SERVER_EXITED && reply.kind != SERVER_SIGNALLED)) {
		fprintf(stderr, "postlint: the server's run ended without an exit code (set "
				"POSTLINT_SERVER=off to run without the server)\n");
		rc = 2;
	} else if (reply.kind == SERVER_EXITED) {
		rc = reply.value;
	} else if (reply.kind == SERVER_SIGNALLED && reply.value == SIGPIPE) {
		/* its output went to a closed pipe (| head): end the way a run here would (the
		 * child had SIGPIPE's default action only if this process has it too) */
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
		rc = 2;
	} else {
		fprintf(stderr, "postlint: the server's run was stopped by signal %d (set "
				"POSTLINT_SERVER=off to run without the server)\n", reply.value);
		rc = 2;
	}
	close(fd);
	return rc;
}

bool server_answers(const char *path)
{
	int fd = server_connect(path);
	if (fd < 0)
		return false;
	/* a server that is stopping may still take connections into its queue, where nobody
	 * accepts them: only a child's reply to a request says that one runs */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	char name[] = "postlint", command[] = "server", action[] = "status";
	char *argv[] = { name, command, action, NULL };
	const int stdio[3] = { null, null, null };
	struct server_reply reply;
	bool answered = null >= 0 && handed_over(fd, 3, argv, stdio) &&
			server_read_reply(fd, &reply) == 0 && reply.kind == SERVER_EXITED &&
			reply.value == 0;
	if (null >= 0)
		close(null);
	close(fd);
	return answered;
}
