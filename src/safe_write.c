/* Safe replacement of a file's contents (see safe_write.h). */
#define _GNU_SOURCE /* mkostemp */
#include "safe_write.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xalloc.h"

/* Whether the file at fd holds exactly expected[0..len). */
static bool holds(int fd, const char *expected, size_t len)
{
	char chunk[65536];
	size_t pos = 0;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		if (n == 0)
			return pos == len;
		if ((size_t)n > len - pos || memcmp(chunk, expected + pos, (size_t)n) != 0)
			return false;
		pos += (size_t)n;
	}
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static bool same_file_state(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* The temporary file: hidden, next to the target, named after it so a leftover (power cut
 * between create and rename) says where it came from. */
static char *temp_template(const char *target)
{
	const char *slash = strrchr(target, '/');
	size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
	const char *base = target + dirlen;
	size_t n = dirlen + strlen(base) + 32;
	char *t = xmalloc(n);
	memcpy(t, target, dirlen);
	snprintf(t + dirlen, n - dirlen, ".%s.postlint-XXXXXX", base);
	return t;
}

int safe_write(const char *path, const char *expected, size_t expected_len, const char *data,
	       size_t len, struct buf *err)
{
	char *target = realpath(path, NULL);
	if (!target) {
		buf_addf(err, "cannot resolve the file: %s", strerror(errno));
		return -1;
	}
	int rc = SAFE_WRITE_FAILED;
	char *tmp = NULL;
	int tfd = -1;
	int fd = open(target, O_RDONLY | O_CLOEXEC);
	struct stat before, after;
	if (fd < 0 || fstat(fd, &before) < 0) {
		buf_addf(err, "cannot open the file again: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(before.st_mode)) {
		buf_adds(err, "not a regular file: not written");
		goto out;
	}
	/* checked by mode, not access(): root may write anything, but a file its owner made
	 * read-only is a request to leave it alone */
	if ((before.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0) {
		buf_adds(err, "the file is read-only: not written");
		goto out;
	}
	if (!holds(fd, expected, expected_len)) {
		buf_adds(err, "the file changed on disk since it was read: not written");
		rc = SAFE_WRITE_CHANGED;
		goto out;
	}
	tmp = temp_template(target);
	tfd = mkostemp(tmp, O_CLOEXEC);
	if (tfd < 0) {
		buf_addf(err, "cannot create a temporary file next to it: %s", strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (write_all(tfd, data, len) < 0 || fsync(tfd) < 0) {
		buf_addf(err, "cannot write the fixed text: %s", strerror(errno));
		goto out;
	}
	if (fchmod(tfd, before.st_mode & 07777) < 0) {
		buf_addf(err, "cannot keep the file's mode: %s", strerror(errno));
		goto out;
	}
	/* the owner is kept where the system allows it (root, or a group we belong to) */
	if (fchown(tfd, before.st_uid, before.st_gid) < 0 && errno != EPERM) {
		buf_addf(err, "cannot keep the file's owner: %s", strerror(errno));
		goto out;
	}
	if (close(tfd) < 0) {
		tfd = -1;
		buf_addf(err, "cannot write the fixed text: %s", strerror(errno));
		goto out;
	}
	tfd = -1;
	/* last look before the rename: the file is the one we read and nobody saved over it */
	if (stat(target, &after) < 0 || !same_file_state(&before, &after)) {
		buf_adds(err, "the file changed on disk since it was read: not written");
		rc = SAFE_WRITE_CHANGED;
		goto out;
	}
	if (rename(tmp, target) < 0) {
		buf_addf(err, "cannot replace the file: %s", strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	rc = 0;
out:
	if (tfd >= 0)
		close(tfd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	if (fd >= 0)
		close(fd);
	free(target);
	return rc;
}
