/* libFuzzer target: loading a .lintrc (a Lua chunk run in an empty sandbox under the
 * instruction and memory budgets, then the shape of its keys checked). The input is written
 * to a .lintrc in a private temporary folder, since config_load reads a file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "lua/host.h"
#include "util/buf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The watchdog ends a .lintrc stuck in C with _exit(2), which libFuzzer never sees: the run
 * failed without saying which input did it. abort() (async-signal-safe) is a deadly signal
 * to libFuzzer, which then saves the input to the artifacts folder. */
static void abort_on_watchdog(int code)
{
	(void)code;
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	host_watchdog_on_exit(abort_on_watchdog);
	return 0;
}

static char lintrc_path[256];

static void remove_folder(void)
{
	unlink(lintrc_path);
	char *slash = strrchr(lintrc_path, '/');
	if (slash) {
		*slash = '\0';
		rmdir(lintrc_path);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!lintrc_path[0]) {
		char dir[] = "/tmp/postlint-fuzz-XXXXXX";
		if (!mkdtemp(dir))
			abort();
		snprintf(lintrc_path, sizeof(lintrc_path), "%s/.lintrc", dir);
		atexit(remove_folder);
	}
	FILE *f = fopen(lintrc_path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	struct buf err = BUF_INIT;
	struct config *c = config_load(lintrc_path, &err);
	/* either a config or a message naming the file, never both or neither */
	if ((c != NULL) == (err.len > 0))
		abort();
	if (!c && !strstr(err.ptr, lintrc_path))
		abort();
	config_free(c);
	buf_release(&err);
	return 0;
}
