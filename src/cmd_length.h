/* The `length` command (cmd_length.c). */
#ifndef POSTLINT_CMD_LENGTH_H
#define POSTLINT_CMD_LENGTH_H

#include "cli.h"

/* Prints each post's length per platform and part; returns the exit code (0 within limits,
 * 1 over a limit, 2 trouble). */
int cmd_length(const struct cli *cli);

#endif
