/* Command-line parsing: a declarative option table and the usage text (libgit2 src/cli
 * style). Parsing never exits; main decides what to print and which code to return. */
#ifndef POSTLINT_CLI_H
#define POSTLINT_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "session.h"
#include "util/buf.h"

enum cli_command {
	CMD_LINT,
	CMD_RULES,
	CMD_EXPLAIN,
	CMD_TEST,
	CMD_HELP,
	CMD_VERSION,
	CMD_PRINT_CONFIG,
	CMD_LSP,
	CMD_NEW_RULE,
	CMD_HOOK,
	CMD_LENGTH,
	CMD_SERVER,
};

/* What happens to safe fixes. */
enum fix_mode {
	FIX_NONE,
	FIX_WRITE,   /* --fix */
	FIX_DRY_RUN, /* --fix-dry-run: fixed text printed, nothing written */
	FIX_DIFF,    /* --diff: a unified diff of the fixes, nothing written */
};

struct cli {
	enum cli_command command;
	char **args; /* paths (lint, test) or the rule id (explain); borrowed from argv */
	size_t nargs;
	const char *format;
	bool color, color_set;
	bool quiet;
	bool verbose;
	long max_warnings; /* -1: no limit */
	const char *config_path;
	const char *rules_dir;
	const char *print_config_path;
	const char *new_rule_dir; /* new-rule --dir */
	struct rule_override *overrides;
	size_t noverrides;
	char **only; /* NULL-terminated */
	enum fix_mode fix_mode;
	bool unsafe_fixes; /* --unsafe-fixes: first suggestions too */
	bool stdin_input;          /* --stdin (lint, length) */
	const char *stdin_filename; /* --stdin-filename, or NULL */
	bool staged;       /* --staged */
	const char *since; /* --since REF */
	const char *rev;   /* --rev A..B */
	bool cache;        /* --cache */
	bool force;        /* hook install --force */
	const char *platform; /* length --platform: a name or "all" */
	int jobs;          /* --jobs N; 0: not given (the number of cores) */
	int idle_minutes;  /* server start --idle N; 0: not given */
};

/* Most threads --jobs may ask for. */
#define CLI_MAX_JOBS 64

/* Parses argv into *cli. Returns 0, or -1 with a message in err (a usage error). */
int cli_parse(int argc, char **argv, struct cli *cli, struct buf *err);
void cli_release(struct cli *cli);
void cli_usage(struct buf *out);

#endif
