/* `postlint new-rule NAME [--dir DIR]`: scaffolding for a team's own rule. */
#ifndef POSTLINT_CMD_NEW_RULE_H
#define POSTLINT_CMD_NEW_RULE_H

#include "util/buf.h"

/* Writes DIR/rules/NAME.lua (DIR: a plugin folder, created when missing; "." when NULL): a
 * commented rule with docs, options, a check and tests that pass `postlint test DIR` as
 * written. Never overwrites a file. Returns 0 with the written path in out, or -1 with a
 * message in err. */
int new_rule_write(const char *name, const char *dir, struct buf *out, struct buf *err);

#endif
