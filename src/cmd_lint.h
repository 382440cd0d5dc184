/* The lint command (cmd_lint.c): postlint [OPTIONS] [PATH...], --stdin, the git modes and
 * the fix modes. */
#ifndef POSTLINT_CMD_LINT_H
#define POSTLINT_CMD_LINT_H

#include "cli.h"

/* Lints what cli names and prints the reports; returns the exit code. */
int cmd_lint(const struct cli *cli);

#endif
