/* The resident server (see server.h): starting it, the parent that keeps one idle child
 * forked in advance, and a child running one request.
 *
 * The parent never runs a request. It forks a child, which waits in accept(); when that
 * child has a client, it tells the parent through a pipe and the parent forks the next
 * one, so a second request does not wait for the first. A child serves one request and
 * exits, so nothing one run does (a rule that leaks, a crash) reaches the next. */
#define _GNU_SOURCE /* accept4, pipe2, ppoll, on_exit, struct ucred */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "server_proto.h"
#include "lua/host.h"
#include "session_warm.h"
#include "timing.h"
#include "source.h"
#include "util/xalloc.h"

extern char **environ;

#define DEFAULT_IDLE_MINUTES 30

/* Set in a child of the server: `postlint server status|stop` were forwarded to it. */
static pid_t server_pid;
/* Requests the server's children had taken when this child was forked (for status). */
static unsigned long served;

/* The server's parent holds it (flock) from its start to its end; see start. */
static int start_lock = -1;
static char *start_lock_path;

#define LOCK_WAIT_MS 5000
/* How often a waiting server checks that its socket is still there (wait_for_child). */
#define SOCKET_CHECK_MS 1000

enum lock_wait { LOCK_TAKEN, LOCK_SERVER_ANSWERS, LOCK_HELD };

static long long monotonic_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Takes the lock on fd within LOCK_WAIT_MS; while waiting, a server answering at
 * socket_path (when given) ends the wait: one is running, or has just started. */
static enum lock_wait wait_for_lock(int fd, const char *socket_path)
{
	/* by the clock: asking a server that does not answer takes seconds */
	long long until = monotonic_ms() + LOCK_WAIT_MS;
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return LOCK_TAKEN;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return LOCK_HELD;
		if (socket_path && server_answers(socket_path))
			return LOCK_SERVER_ANSWERS;
		if (monotonic_ms() >= until)
			return LOCK_HELD;
		struct timespec pause = { 0, 10 * 1000000L };
		nanosleep(&pause, NULL);
	}
}

/* ---- a child: one request ------------------------------------------------------------ */

static int child_conn = -1;

/* The client went away (Ctrl-C, killed): nobody reads this run's output any more. */
static void on_client_gone(int sig)
{
	(void)sig;
	char c;
	ssize_t n = recv(child_conn, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		_exit(EXIT_TROUBLE);
}

/* A fatal signal: the client learns which, then the child ends by it as a run would. */
static void on_fatal_signal(int sig)
{
	server_send_reply(child_conn, SERVER_SIGNALLED, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The watchdog ends a run stuck in a library call with _exit(2): the client hears it first. */
static void report_watchdog_exit(int status)
{
	server_send_reply(child_conn, SERVER_EXITED, status);
}

/* The run's end: its output flushed, its exit code to the client, and out. The rest of the
 * exit's work (freeing, a sanitizer's leak check of the state left to the exit) would only
 * keep the server's memory longer. */
static void report_exit(int status, void *unused)
{
	(void)unused;
	fflush(stdout);
	fflush(stderr);
	server_send_reply(child_conn, SERVER_EXITED, status);
	_exit(status);
}

static const char *env_value(char **env, const char *name)
{
	size_t n = strlen(name);
	for (char **e = env; *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static bool same_start_env(char **env)
{
	for (const char *const *name = server_start_env; *name; name++) {
		const char *mine = getenv(*name), *theirs = env_value(env, *name);
		if ((mine == NULL) != (theirs == NULL) || (mine && strcmp(mine, theirs) != 0))
			return false;
	}
	return true;
}

/* argv and the environment out of the request's strings (NULL-terminated lists into body). */
static bool split_strings(char *body, size_t len, size_t argc, size_t nenv, char ***argv,
			  char ***env)
{
	if (argc == 0 || body[len - 1] != '\0')
		return false;
	char **list = xcalloc(argc + nenv + 2, sizeof(char *));
	size_t k = 0;
	for (char *p = body; p < body + len && k < argc + nenv; p += strlen(p) + 1)
		list[k++] = p;
	if (k != argc + nenv) {
		free(list);
		return false;
	}
	/* argv: list[0..argc), NULL; env: after it */
	memmove(list + argc + 1, list + argc, nenv * sizeof(char *));
	list[argc] = NULL;
	list[argc + 1 + nenv] = NULL;
	*argv = list;
	*env = list + argc + 1;
	return true;
}

/* As the run will read its command line: `--config FILE server stop` is one too. */
static bool is_server_command(int argc, char **argv)
{
	struct cli cli;
	struct buf err = BUF_INIT;
	bool server = cli_parse(argc, argv, &cli, &err) >= 0 && cli.command == CMD_SERVER;
	cli_release(&cli);
	buf_release(&err);
	return server;
}

static void serve_request(int conn, server_main_fn run)
{
	struct ucred cred;
	socklen_t credlen = sizeof(cred);
	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &credlen) != 0 ||
	    cred.uid != getuid())
		_exit(0);
	/* a client that connects and says nothing must not keep this child from the next */
	struct timeval wait = { SERVER_REQUEST_SECONDS, 0 }, forever = { 0, 0 };
	setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
	struct server_request req;
	if (server_read_all(conn, &req, sizeof(req)) != 0)
		_exit(0);
	if (req.magic != SERVER_MAGIC || req.body_len == 0 || req.body_len > SERVER_MAX_BODY ||
	    req.argc == 0 || req.argc > req.body_len || req.nenv > req.body_len)
		_exit(0);
	char *body = xmalloc(req.body_len);
	char **argv, **env;
	if (server_read_all(conn, body, req.body_len) != 0 ||
	    !split_strings(body, req.body_len, req.argc, req.nenv, &argv, &env))
		_exit(0);
	/* server commands answer for this server whatever the environment */
	if (!is_server_command((int)req.argc, argv) && !same_start_env(env)) {
		server_send_reply(conn, SERVER_DECLINED, 0);
		_exit(0);
	}
	/* ready; the client's go brings its streams and working folder, and from then on the
	 * run is ours (without the go in time, nothing runs: the client runs it itself) */
	int fds[SERVER_NFDS];
	char go;
	if (server_send_reply(conn, SERVER_STARTED, 0) != 0 ||
	    server_recv_with_fds(conn, &go, 1, fds, SERVER_NFDS) != 0)
		_exit(0);
	setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &forever, sizeof(forever));
	if (go != SERVER_GO || fchdir(fds[3]) != 0) {
		server_send_reply(conn, SERVER_DECLINED, 0);
		_exit(0);
	}
	for (int i = 0; i < 3; i++)
		if (dup2(fds[i], i) < 0) {
			server_send_reply(conn, SERVER_DECLINED, 0);
			_exit(0);
		}
	for (int i = 0; i < SERVER_NFDS; i++)
		close(fds[i]);
	umask((mode_t)req.umask);
	environ = env;
	timing_forget(); /* POSTLINT_TIMING as the client has it */
	host_watchdog_on_exit(report_watchdog_exit); /* the fork itself is noticed by the host */
	child_conn = conn;
	struct sigaction sa = { .sa_handler = on_fatal_signal, .sa_flags = SA_RESETHAND };
	int fatal[] = { SIGPIPE, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	for (size_t i = 0; i < sizeof(fatal) / sizeof(*fatal); i++)
		sigaction(fatal[i], &sa, NULL);
	if (req.flags & SERVER_SIGPIPE_IGNORED)
		signal(SIGPIPE, SIG_IGN); /* as the client has it: EPIPE, reported by the run */
	struct sigaction gone = { .sa_handler = on_client_gone, .sa_flags = SA_RESTART };
	sigaction(SIGIO, &gone, NULL);
	fcntl(conn, F_SETOWN, getpid());
	fcntl(conn, F_SETFL, fcntl(conn, F_GETFL) | O_ASYNC);
	on_exit(report_exit, NULL);
	exit(run((int)req.argc, argv));
}

/* Forked with the stop signals blocked and the parent's handlers: the default actions come
 * back before the signals are let in, so a SIGTERM the parent sent at once (stopping)
 * ends the child rather than its copy of the parent's flag; and an idle child does not
 * outlive its parent. */
static void child_main(int listen_fd, int accepted, const sigset_t *mask, server_main_fn run)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigaction(SIGTERM, &dfl, NULL);
	sigaction(SIGINT, &dfl, NULL);
	sigaction(SIGHUP, &dfl, NULL);
	sigaction(SIGCHLD, &dfl, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != server_pid)
		_exit(0);
	close(start_lock);
	sigprocmask(SIG_SETMASK, mask, NULL);
	int conn;
	do
		conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	while (conn < 0 && errno == EINTR);
	if (conn < 0)
		_exit(0);
	/* a run goes on to its end if the server stops meanwhile: the parent's SIGTERM for an
	 * idle child (stopping, or idle too long) may reach one that has just taken a client */
	signal(SIGTERM, SIG_IGN);
	prctl(PR_SET_PDEATHSIG, 0);
	if (write(accepted, "a", 1) != 1)
		_exit(0);
	close(accepted);
	close(listen_fd);
	serve_request(conn, run);
}

/* ---- the parent ---------------------------------------------------------------------- */

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Whether path is still the socket this server bound: a /tmp cleaner may delete it (no
 * client could reach the server, and its lock would keep `server start` from making
 * another), and a server started meanwhile puts its own there. */
static bool socket_is_ours(const char *path, ino_t ino)
{
	struct stat st;
	return stat(path, &st) == 0 && st.st_ino == ino && S_ISSOCK(st.st_mode);
}

/* Waits until the idle child writes on fd (it took a client: 1), idle_ms pass, the socket
 * is no longer this server's (0), or a stop signal comes (-1). The socket is looked at every
 * SOCKET_CHECK_MS, well inside the time `server start` waits for the lock (LOCK_WAIT_MS). */
static int wait_for_child(int fd, const char *path, ino_t ino, int idle_ms,
			  const sigset_t *waiting)
{
	long long deadline = monotonic_ms() + idle_ms;
	struct pollfd pfd = { fd, POLLIN, 0 };
	for (;;) {
		long long left = deadline - monotonic_ms();
		if (left <= 0)
			return 0;
		long long slice = left < SOCKET_CHECK_MS ? left : SOCKET_CHECK_MS;
		struct timespec t = { (time_t)(slice / 1000), (long)(slice % 1000) * 1000000L };
		int ready = ppoll(&pfd, 1, &t, waiting);
		if (ready < 0 && errno == EINTR && !stopping)
			continue;
		if (ready != 0)
			return ready;
		if (!socket_is_ours(path, ino))
			return 0;
	}
}

/* Keeps one idle child; ends after idle_ms without a request, or on SIGTERM/SIGINT/SIGHUP.
 * Removes the socket it bound (ino) unless another server's took its place. */
static void serve(int listen_fd, const char *path, ino_t ino, int idle_ms, server_main_fn run)
{
	server_pid = getpid();
	struct sigaction stop = { .sa_handler = on_stop };
	sigaction(SIGTERM, &stop, NULL);
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGHUP, &stop, NULL);
	/* the stop signals are let in only while waiting (ppoll): one that came between the
	 * check of stopping and the wait would otherwise wait for the idle timeout (seen when
	 * `server stop`'s child signalled while the parent was still forking the next one) */
	sigset_t stops, waiting;
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGHUP);
	sigprocmask(SIG_BLOCK, &stops, &waiting);
	sigdelset(&waiting, SIGTERM);
	sigdelset(&waiting, SIGINT);
	sigdelset(&waiting, SIGHUP);
	struct sigaction reap = { .sa_handler = SIG_IGN, .sa_flags = SA_NOCLDWAIT };
	sigaction(SIGCHLD, &reap, NULL);
	int failures = 0;
	while (!stopping && failures < 5) {
		int p[2];
		if (pipe2(p, O_CLOEXEC) != 0)
			break;
		pid_t child = fork();
		if (child == 0) {
			close(p[0]);
			child_main(listen_fd, p[1], &waiting, run);
		}
		close(p[1]);
		if (child < 0) {
			close(p[0]);
			break;
		}
		int ready = wait_for_child(p[0], path, ino, idle_ms, &waiting);
		char c;
		if (ready > 0 && read(p[0], &c, 1) == 1) {
			failures = 0;
			served++;
		} else {
			kill(child, SIGTERM); /* idle for too long, stopping, or it died */
			if (ready > 0) {
				failures++;
				struct timespec pause = { 0, 100 * 1000000L };
				nanosleep(&pause, NULL);
			} else {
				stopping = 1;
			}
		}
		close(p[0]);
	}
	struct stat st;
	if (stat(path, &st) == 0 && st.st_ino == ino)
		unlink(path);
	_exit(0);
}

static int bind_socket(const char *path, ino_t *ino, struct buf *err)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		buf_addf(err, "cannot make a socket: %s", strerror(errno));
		return -1;
	}
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	memcpy(addr.sun_path, path, strlen(path) + 1);
	unlink(path); /* a server that died left it; a live one answered before this */
	struct stat st;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(fd, 64) != 0 ||
	    stat(path, &st) != 0) {
		buf_addf(err, "cannot listen on '%s': %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	*ino = st.st_ino;
	return fd;
}

/* The daemon: its own session, no terminal, standard streams on /dev/null (a child's run
 * must find stdout unused, so that it buffers for the client's terminal or pipe). */
static void become_daemon(void)
{
	setsid();
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		close(null);
	}
	if (chdir("/") != 0)
		_exit(EXIT_TROUBLE);
}

/* What the caller left open (a pipe it reads to its end, a lock) would stay open in the
 * daemon for its whole life: nothing of ours is open yet. And a closed standard stream gets
 * /dev/null, or the lock or the socket would take its number, and lose it to become_daemon's
 * dup2 (seen: `server start <&-` made a server with no lock and children that closed their
 * own connection). */
static void close_inherited_descriptors(void)
{
	if (close_range(3, ~0U, 0) != 0) { /* before Linux 5.9, or a sandbox without it */
		long max = sysconf(_SC_OPEN_MAX);
		for (int fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
			close(fd);
	}
	int fd;
	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= STDERR_FILENO)
		continue;
	if (fd > STDERR_FILENO)
		close(fd);
}

static int start(const struct cli *cli, server_main_fn run)
{
	close_inherited_descriptors();
	struct buf path = BUF_INIT, err = BUF_INIT;
	if (server_socket_path(&path, &err) != 0) {
		fprintf(stderr, "postlint: server: %s\n", err.ptr);
		buf_release(&path);
		buf_release(&err);
		return EXIT_TROUBLE;
	}
	/* one server starts at a time: a second `server start` that came before the first
	 * listens would otherwise take the socket's name from it. The lock goes with the
	 * server's parent (its children close it); a start right after a stop waits for it. */
	struct buf lock_path = BUF_INIT;
	buf_addf(&lock_path, "%.*s.lock", (int)(path.len - 5), path.ptr);
	start_lock = open(lock_path.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	enum lock_wait got = start_lock < 0 ? LOCK_HELD : wait_for_lock(start_lock, path.ptr);
	if (got != LOCK_TAKEN) {
		if (got == LOCK_SERVER_ANSWERS)
			printf("postlint server: already running (socket %s)\n", path.ptr);
		else if (start_lock < 0)
			fprintf(stderr, "postlint: server: cannot open '%s': %s\n", lock_path.ptr,
				strerror(errno));
		else
			fprintf(stderr, "postlint: server: another server holds '%s' but does not "
					"answer on '%s'\n", lock_path.ptr, path.ptr);
		buf_release(&lock_path);
		buf_release(&path);
		buf_release(&err);
		return got == LOCK_SERVER_ANSWERS ? EXIT_OK : EXIT_TROUBLE;
	}
	start_lock_path = buf_detach(&lock_path, NULL);
	/* what the children keep loaded, before the fork: a failure is reported here */
	source_git_ready();
	session_warm_up();
	ino_t ino = 0;
	int listen_fd = bind_socket(path.ptr, &ino, &err);
	int ready[2];
	if (listen_fd < 0 || pipe2(ready, O_CLOEXEC) != 0) {
		fprintf(stderr, "postlint: server: %s\n", err.len ? err.ptr : strerror(errno));
		buf_release(&path);
		buf_release(&err);
		return EXIT_TROUBLE;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		become_daemon();
		if (write(ready[1], "r", 1) != 1)
			_exit(EXIT_TROUBLE);
		close(ready[1]);
		int minutes = cli->idle_minutes > 0 ? cli->idle_minutes : DEFAULT_IDLE_MINUTES;
		serve(listen_fd, path.ptr, ino, minutes * 60 * 1000, run);
	}
	close(ready[1]);
	close(listen_fd);
	char c;
	int rc = EXIT_OK;
	if (pid < 0 || server_read_all(ready[0], &c, 1) != 0) {
		fprintf(stderr, "postlint: server: it did not start\n");
		rc = EXIT_TROUBLE;
	} else {
		printf("postlint server: running (pid %ld, socket %s); it stops after %d minutes "
		       "without a request, or with `postlint server stop`\n", (long)pid, path.ptr,
		       cli->idle_minutes > 0 ? cli->idle_minutes : DEFAULT_IDLE_MINUTES);
	}
	close(ready[0]);
	buf_release(&path);
	buf_release(&err);
	return rc;
}

int cmd_server(const struct cli *cli, server_main_fn run)
{
	const char *action = cli->args[0];
	bool in_server = getppid() == server_pid && server_pid != 0;
	if (strcmp(action, "start") == 0) {
		if (in_server) {
			printf("postlint server: already running (pid %ld)\n", (long)server_pid);
			return EXIT_OK;
		}
		return start(cli, run);
	}
	if (strcmp(action, "status") == 0) {
		if (!in_server) {
			printf("postlint server: not running\n");
			return EXIT_PROBLEMS;
		}
		/* this request is the last one counted */
		printf("postlint server: running (pid %ld, %lu requests so far)\n", (long)server_pid,
		       served + 1);
		return EXIT_OK;
	}
	/* stop */
	if (!in_server) {
		printf("postlint server: not running\n");
		return EXIT_OK;
	}
	kill(server_pid, SIGTERM);
	/* ended when its lock is free (the socket is gone by then): a `server start` right
	 * after this finds no server */
	int lock = open(start_lock_path, O_RDWR | O_CLOEXEC);
	if (lock < 0) {
		/* removed (a cleaner of /tmp): its end cannot be waited for */
		printf("postlint server: asked the server (pid %ld) to stop; cannot wait for its "
		       "end: '%s': %s\n", (long)server_pid, start_lock_path, strerror(errno));
		return EXIT_TROUBLE;
	}
	if (wait_for_lock(lock, NULL) != LOCK_TAKEN) {
		printf("postlint server: asked the server (pid %ld) to stop; it has not ended after "
		       "%d seconds\n", (long)server_pid, LOCK_WAIT_MS / 1000);
		close(lock);
		return EXIT_TROUBLE;
	}
	close(lock);
	printf("postlint server: stopped (pid %ld)\n", (long)server_pid);
	return EXIT_OK;
}
