/* The pre-commit hook (see cmd_hook.h). The hook is a small shell script that names the
 * postlint binary that installed it (falling back to postlint on PATH), marked by a line
 * that later runs recognise, so that a hook of the user's own is never overwritten or
 * removed by accident. */
#include "cmd_hook.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define HOOK_MARKER "# postlint pre-commit hook"
#define BACKUP_SUFFIX ".before-postlint"

/* Appends s to b quoted for the shell: '...' with each ' written as '\''. */
static void add_shell_quoted(struct buf *b, const char *s)
{
	buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}

/* glibc's heap on transparent huge pages (hugetlb=1: madvise), and grown at least 16 MB at a
 * time (top_pad), so that whole 2 MB pages fit in each growth: the hook's page faults
 * 3,972 -> 643 and its time 76 -> 55 ms on the benchmark's VM (hugetlb alone: 2,094 faults;
 * top_pad 8 MB: 71 ms, 32 MB as 16). Setting top_pad (to any value) also turns off glibc's
 * dynamic mmap threshold: a block of 128 KB to 32 MB that outgrows the heap is mapped and
 * unmapped each time; those timings include it. The pre-commit framework's entry
 * (.pre-commit-hooks.yaml) says the same. */
#define HOOK_TUNABLES "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=16777216"

static void hook_script(struct buf *b)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	buf_adds(b, "#!/bin/sh\n" HOOK_MARKER ": lints what the commit will contain.\n"
		    "# Written by `postlint hook install`; `postlint hook uninstall` removes it.\n"
		    "# Skip it once with `git commit --no-verify`.\n"
		    "postlint=");
	add_shell_quoted(b, n > 0 ? self : "postlint");
	buf_adds(b, "\n[ -x \"$postlint\" ] || postlint=postlint\n"
		    "# glibc's heap on 2 MB pages (transparent huge pages, when the system gives them\n"
		    "# on request), grown 16 MB at a time so that they fit: the hook reads the\n"
		    "# calendar's thousands of posts, and where a page fault is dear (a VM) faults were\n"
		    "# a third of its time. First, so that a value of your own (glibc reads them in\n"
		    "# order) has the last word (any top_pad keeps glibc's dynamic mmap\n"
		    "# threshold off).\n"
		    "GLIBC_TUNABLES=\"" HOOK_TUNABLES "${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}\"\n"
		    "export GLIBC_TUNABLES\n"
		    "# --cache: results of unchanged posts (and of the calendar's other posts) are reused\n"
		    "exec \"$postlint\" --staged --cache\n");
}

/* 1: a file postlint wrote; 0: someone else's; -1: no file. */
static int ours(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[256];
	int result = 0;
	for (int i = 0; i < 3 && fgets(line, sizeof(line), f); i++)
		if (strncmp(line, HOOK_MARKER, strlen(HOOK_MARKER)) == 0)
			result = 1;
	fclose(f);
	return result;
}

static int make_dirs(const char *dir)
{
	char *copy = xstrdup(dir);
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(copy, 0777);
		*p = '/';
	}
	int rc = mkdir(copy, 0777) == 0 || errno == EEXIST ? 0 : -1;
	free(copy);
	return rc;
}

/* Writes through a temporary file and rename, so a failed write leaves no half hook. */
static int write_executable(const char *path, const struct buf *text, FILE *err)
{
	struct buf tmp = BUF_INIT;
	buf_addf(&tmp, "%s.postlint-tmp", path);
	FILE *f = fopen(tmp.ptr, "w");
	int rc = -1;
	if (!f) {
		fprintf(err, "postlint: cannot write '%s': %s\n", tmp.ptr, strerror(errno));
		goto done;
	}
	bool ok = fwrite(text->ptr, 1, text->len, f) == text->len;
	ok &= fclose(f) == 0;
	if (!ok || chmod(tmp.ptr, 0755) != 0 || rename(tmp.ptr, path) != 0) {
		fprintf(err, "postlint: cannot write '%s': %s\n", path, strerror(errno));
		unlink(tmp.ptr);
		goto done;
	}
	rc = 0;
done:
	buf_release(&tmp);
	return rc;
}

static char *hook_path(FILE *err)
{
	struct buf msg = BUF_INIT;
	char *dir = source_git_hooks_dir(&msg);
	if (!dir) {
		fprintf(err, "postlint: hook: %s\n", msg.ptr);
		buf_release(&msg);
		return NULL;
	}
	buf_release(&msg);
	if (make_dirs(dir) != 0) {
		fprintf(err, "postlint: cannot create '%s': %s\n", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	struct buf p = BUF_INIT;
	buf_addf(&p, "%s/pre-commit", dir);
	free(dir);
	return buf_detach(&p, NULL);
}

int hook_install(bool force, FILE *out, FILE *err)
{
	char *path = hook_path(err);
	if (!path)
		return -1;
	int rc = -1;
	struct buf text = BUF_INIT, backup = BUF_INIT;
	int state = ours(path);
	if (state == 0 && !force) {
		fprintf(err, "postlint: '%s' is a pre-commit hook postlint did not write; "
			     "use `postlint hook install --force` to replace it (it is kept as "
			     "pre-commit" BACKUP_SUFFIX ")\n", path);
		goto done;
	}
	if (state == 0) {
		buf_addf(&backup, "%s" BACKUP_SUFFIX, path);
		if (rename(path, backup.ptr) != 0) {
			fprintf(err, "postlint: cannot keep the old hook as '%s': %s\n", backup.ptr,
				strerror(errno));
			goto done;
		}
		fprintf(out, "kept the old hook as %s\n", backup.ptr);
	}
	hook_script(&text);
	if (write_executable(path, &text, err) < 0)
		goto done;
	fprintf(out, "installed %s: `git commit` now runs `postlint --staged --cache`\n", path);
	rc = 0;
done:
	buf_release(&text);
	buf_release(&backup);
	free(path);
	return rc;
}

int hook_uninstall(FILE *out, FILE *err)
{
	char *path = hook_path(err);
	if (!path)
		return -1;
	int rc = -1;
	int state = ours(path);
	if (state < 0) {
		fprintf(out, "no pre-commit hook at %s: nothing to remove\n", path);
		rc = 0;
	} else if (state == 0) {
		fprintf(err, "postlint: '%s' was not written by postlint: left alone\n", path);
	} else if (unlink(path) != 0) {
		fprintf(err, "postlint: cannot remove '%s': %s\n", path, strerror(errno));
	} else {
		fprintf(out, "removed %s\n", path);
		struct buf backup = BUF_INIT;
		buf_addf(&backup, "%s" BACKUP_SUFFIX, path);
		if (access(backup.ptr, F_OK) == 0 && rename(backup.ptr, path) == 0)
			fprintf(out, "restored the hook it had replaced\n");
		buf_release(&backup);
		rc = 0;
	}
	free(path);
	return rc;
}
