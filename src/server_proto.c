/* Bytes and descriptors over the server's socket (see server_proto.h). */
#define _GNU_SOURCE /* MSG_CMSG_CLOEXEC */
#include "server_proto.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int server_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int server_read_all(int fd, void *data, size_t len)
{
	char *p = data;
	while (len) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int server_send_with_fds(int fd, const void *data, size_t len, const int *fds, size_t nfds)
{
	union {
		char space[CMSG_SPACE(sizeof(int) * SERVER_NFDS)];
		struct cmsghdr align;
	} control;
	if (nfds > SERVER_NFDS)
		return -1;
	memset(&control, 0, sizeof(control));
	struct iovec iov = { (void *)data, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space,
			      .msg_controllen = CMSG_SPACE(sizeof(int) * nfds) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	ssize_t n;
	do
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	/* the descriptors went with the first byte; the rest of the data is plain */
	return server_write_all(fd, (const char *)data + n, len - (size_t)n);
}

static void close_received(struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int got;
			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			close(got);
		}
	}
}

int server_recv_with_fds(int fd, void *data, size_t len, int *fds, size_t nfds)
{
	union {
		char space[CMSG_SPACE(sizeof(int) * SERVER_NFDS)];
		struct cmsghdr align;
	} control;
	if (nfds > SERVER_NFDS || len == 0)
		return -1;
	memset(&control, 0, sizeof(control));
	struct iovec iov = { data, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space,
			      .msg_controllen = sizeof(control.space) };
	ssize_t n;
	do
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if ((msg.msg_flags & MSG_CTRUNC) || !c || c->cmsg_level != SOL_SOCKET ||
	    c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int) * nfds)) {
		close_received(&msg);
		return -1;
	}
	memcpy(fds, CMSG_DATA(c), sizeof(int) * nfds);
	if (server_read_all(fd, (char *)data + n, len - (size_t)n) != 0) {
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		return -1;
	}
	return 0;
}

int server_send_reply(int fd, enum server_reply_kind kind, int value)
{
	struct server_reply r = { (int32_t)kind, (int32_t)value };
	return server_write_all(fd, &r, sizeof(r));
}

int server_read_reply(int fd, struct server_reply *reply)
{
	return server_read_all(fd, reply, sizeof(*reply));
}
