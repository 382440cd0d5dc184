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
	CMD_LENGTH,
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
	struct rule_override *overrides;
	size_t noverrides;
	char **only; /* NULL-terminated */
	const char *platform; /* length --platform: a name or "all" */
	bool read_stdin;      /* --stdin */
};

/* Parses argv into *cli. Returns 0, or -1 with a message in err (a usage error). */
int cli_parse(int argc, char **argv, struct cli *cli, struct buf *err);
void cli_release(struct cli *cli);
void cli_usage(struct buf *out);

#endif
