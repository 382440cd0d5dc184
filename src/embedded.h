/* Files compiled into the binary: the built-in rules and their Lua libraries (rules/), and the
 * bundled plugin packs (plugins/). Generated at build time by cmake/embed.cmake. */
#ifndef POSTLINT_EMBEDDED_H
#define POSTLINT_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* path inside its folder, e.g. "invite-conversation.lua", "lib/words.lua" */
	const char *data;
	size_t len;
	const unsigned char *bytecode; /* the file compiled by luac at build time, or NULL */
	size_t bytecode_len;
	/* a rule file's bytecode without its `tests` field, which only `postlint test` reads
	 * (tools/compile_lua.c), or NULL */
	const unsigned char *lint_bytecode;
	size_t lint_bytecode_len;
};

extern const struct embedded_file builtin_rule_files[];
extern const size_t builtin_rule_files_count;

#endif
