/* What the commands share: exit codes, printing messages, and the session a command's
 * options ask for. */
#ifndef POSTLINT_CMD_H
#define POSTLINT_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "session.h"

enum exit_code {
	EXIT_OK = 0,       /* no problem at error level, warnings within --max-warnings */
	EXIT_PROBLEMS = 1, /* problems found */
	EXIT_TROUBLE = 2,  /* usage, configuration, I/O or rule errors */
};

/* Prints each non-empty line of text (may be NULL) to f after prefix. */
void cmd_print_lines(FILE *f, const char *prefix, const char *text);
/* The session options of the command line (--rules-dir, --rule, --only). */
struct session_options cmd_session_options(const struct cli *cli);
/* Rule files that failed to load: printed once; true when there were any (a failure). */
bool cmd_report_load_errors(const struct session *s);

#endif
