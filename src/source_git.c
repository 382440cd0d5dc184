/* libgit2, for the work tree: which repository a path is in, and what .gitignore hides.
 * With diff.c (patches for --diff), the only file that includes git2.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "source.h"
#include "util/xalloc.h"

_Static_assert(LIBGIT2_VER_MAJOR > 1 || (LIBGIT2_VER_MAJOR == 1 && LIBGIT2_VER_MINOR >= 5),
	       "postlint needs libgit2 1.5 or newer");

struct git_repo {
	git_repository *repo;
	char *workdir;
};

void source_git_init(void)
{
	git_libgit2_init();
}

void source_git_shutdown(void)
{
	git_libgit2_shutdown();
}

const char *source_git_version(void)
{
	static char version[32];
	int major, minor, rev;
	git_libgit2_version(&major, &minor, &rev);
	snprintf(version, sizeof(version), "%d.%d.%d", major, minor, rev);
	return version;
}

struct git_repo *source_git_open(const char *path)
{
	git_repository *repo = NULL;
	if (git_repository_open_ext(&repo, path, 0, NULL) != 0)
		return NULL;
	struct git_repo *r = xcalloc(1, sizeof(*r));
	r->repo = repo;
	const char *wd = git_repository_workdir(repo);
	if (wd) {
		size_t n = strlen(wd);
		while (n > 1 && wd[n - 1] == '/')
			n--;
		r->workdir = xstrndup(wd, n);
	}
	return r;
}

void source_git_close(struct git_repo *r)
{
	if (!r)
		return;
	git_repository_free(r->repo);
	free(r->workdir);
	free(r);
}

const char *source_git_workdir(const struct git_repo *r)
{
	return r->workdir;
}

bool source_git_ignored(struct git_repo *r, const char *abs_path)
{
	if (!r->workdir)
		return false;
	size_t n = strlen(r->workdir);
	if (strncmp(abs_path, r->workdir, n) != 0 || abs_path[n] != '/')
		return false;
	int ignored = 0;
	if (git_ignore_path_is_ignored(&ignored, r->repo, abs_path + n + 1) != 0)
		return false;
	return ignored == 1;
}
