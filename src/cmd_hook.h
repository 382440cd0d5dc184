/* `postlint hook install|uninstall`: the git pre-commit hook that runs `postlint --staged`. */
#ifndef POSTLINT_CMD_HOOK_H
#define POSTLINT_CMD_HOOK_H

#include <stdbool.h>
#include <stdio.h>

/* Installs (force: over a hook postlint did not write, which is kept beside it) or removes
 * the hook of the repository at the working directory. Messages go to out (what was done)
 * and err (why not). Returns 0, or -1 when nothing could be done. */
int hook_install(bool force, FILE *out, FILE *err);
int hook_uninstall(FILE *out, FILE *err);

#endif
