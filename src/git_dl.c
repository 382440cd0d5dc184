/* Loading libgit2 at its first use (the build with POSTLINT_STATIC_LIBGIT2=OFF; the default
 * build links it, below). Linked the usual way, libgit2 and the fifteen libraries
 * it needs (krb5, mbedtls, libssh2, libcrypto, pcre2, ...) are mapped and relocated before
 * main: 8.3 million instructions and 245 page faults, about 6 ms of every start on the
 * benchmark's machine, a third of a one-post lint, and paid by commands that never read git
 * (help, rules, explain, test, new-rule). Loaded here, at the first git call (source_git.c),
 * only the commands that read git pay for it. The dynamic loader's work is the same, and a
 * little more: each of its symbols is first sought in the executable's own libraries. */
#define GIT_DL_DEFINE
#include "git_dl.h"

#include <dlfcn.h>
#include <stdlib.h>

#ifdef GIT_DL_STATIC
/* The build that links Debian's static libgit2 (POSTLINT_STATIC_LIBGIT2, the default): the
 * pointers are the functions themselves, and there is nothing to load. Linked statically,
 * libgit2 costs a start almost nothing (its code is mapped and read as it runs, with none of
 * the fifteen libraries and their relocations: a one-post lint 8.5 -> 4.6 ms), so the
 * reason for loading it late is gone; POSTLINT_LIBGIT2 has no effect here. */
#define GIT_DL_POINTER(name) __typeof__(name) *git_dl_##name = name;
GIT_DL_FUNCTIONS(GIT_DL_POINTER)
#undef GIT_DL_POINTER

int git_dl_load(struct buf *err)
{
	(void)err;
	return 0;
}

bool git_dl_linked(void)
{
	return true;
}
#else
#define GIT_DL_POINTER(name) __typeof__(name) *git_dl_##name;
GIT_DL_FUNCTIONS(GIT_DL_POINTER)
#undef GIT_DL_POINTER

bool git_dl_linked(void)
{
	return false;
}

int git_dl_load(struct buf *err)
{
	const char *wanted = getenv("POSTLINT_LIBGIT2");
	const char *library = wanted && *wanted ? wanted : GIT_DL_LIBRARY;
	/* RTLD_LAZY: Debian builds libgit2 and most of its libraries with BIND_NOW anyway; for
	 * the others, RTLD_NOW bound every symbol of them at once (2.5 M instructions, a
	 * tenth of a one-post lint) where a run calls few */
	void *handle = dlopen(library, RTLD_LAZY | RTLD_LOCAL);
	if (!handle) {
		buf_addf(err, "cannot load libgit2: %s", dlerror());
		return -1;
	}
	const char *missing = NULL;
#define GIT_DL_RESOLVE(name)                                                       \
	git_dl_##name = (__typeof__(git_dl_##name))dlsym(handle, #name);           \
	if (!git_dl_##name && !missing)                                            \
		missing = #name;
	GIT_DL_FUNCTIONS(GIT_DL_RESOLVE)
#undef GIT_DL_RESOLVE
	if (missing) {
		buf_addf(err, "cannot load libgit2 (%s): it has no %s", library, missing);
		return -1;
	}
	/* libgit2 changes its soname with every minor version, whose structures (options,
	 * revspecs) may differ: POSTLINT_LIBGIT2 may name another one, which must not be used */
	int major = 0, minor = 0, rev = 0;
	git_dl_git_libgit2_version(&major, &minor, &rev);
	if (major != LIBGIT2_VER_MAJOR || minor != LIBGIT2_VER_MINOR) {
		buf_addf(err, "cannot load libgit2 (%s): it is %d.%d.%d, postlint was built for %d.%d",
			 library, major, minor, rev, LIBGIT2_VER_MAJOR, LIBGIT2_VER_MINOR);
		return -1;
	}
	/* the handle is never closed: libgit2 stays until exit, as a linked library would */
	return 0;
}
#endif
