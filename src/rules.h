/* The rule registry: loads rule files into a host, validates each rule table, and keeps
 * its metadata in C (for listing, config validation and output) plus a reference to the
 * table in that host's Lua state (for running it).
 *
 * A rule comes from an origin: the built-in rules (embedded, or --rules-dir), or a plugin
 * folder. Rules of one origin may require each other's modules and share the post table;
 * rules of different origins share nothing. A rule file that fails to load or validate is
 * recorded in `errors` with its file and line; the other rules load normally. */
#ifndef POSTLINT_RULES_H
#define POSTLINT_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "lua/host.h"
#include "value.h"

struct rule_origin {
	char *name;               /* "builtin" or the plugin's name */
	struct module_root root;  /* where require() looks */
	char *dir;                /* owned copy of root.dir (NULL when embedded) */
	char *display;            /* owned copy of root.display */
	bool builtin;
	/* from the plugin's init.lua, when it has one (NULL otherwise); a name there replaces
	 * the name the .lintrc used */
	char *version;
	char *description;
};

struct rule {
	char *id;
	char *summary;
	char *docs;
	enum severity severity;
	bool fixable;
	struct value *options; /* defaults: a map */
	char *file;            /* display path, e.g. "rules/self-focus.lua" */
	size_t origin;         /* index into ruleset origins */
	bool has_check, has_check_set, has_tests;
	/* collect(post, ctx) -> data: run on every post in the per-post pass; check_set then
	 * gets light posts carrying post.collected instead of whole posts */
	bool has_collect;
	size_t collect_slot; /* with has_collect: its place in struct collected (rules.c) */
	int ref;     /* registry reference to the rule table */
	int ctx_ref; /* registry reference to its ctx table */
	int options_cache_ref; /* registry: { [overrides*] = options table } */
};

struct ruleset {
	struct host *host;
	struct rule *rules;
	size_t nrules, rules_cap;
	size_t ncollect; /* rules with collect: their slots are 0..ncollect-1, in load order */
	struct rule_origin *origins;
	size_t norigins, origins_cap;
	char **errors; /* "file:line: message" */
	size_t nerrors, errors_cap;
	/* load the built-in rules' tests (postlint test), and their files whole; a lint
	 * leaves out the tests and the names of locals (tools/compile_lua.c says why) */
	bool with_tests;
};

struct ruleset *ruleset_new(struct host *host);
void ruleset_free(struct ruleset *rs);

/* Whether the rule is one of the built-in rules compiled into the binary (not --rules-dir,
 * not a plugin): postlint's own code, run as trusted (host_trust_next_call). */
bool rule_compiled_in(const struct ruleset *rs, const struct rule *r);
/* Loads the built-in rules: from dir when given (--rules-dir), else the embedded copies. */
void ruleset_load_builtin(struct ruleset *rs, const char *dir);
/* Loads a plugin folder: its init.lua metadata (name, version, description) when present,
 * then the .lua files of its rules folder (or of the folder itself, init.lua excepted). */
void ruleset_load_plugin(struct ruleset *rs, const char *name, const char *dir,
			 const char *display);
/* Loads one rule file as its own origin (for `postlint test FILE`). */
void ruleset_load_file(struct ruleset *rs, const char *path);

/* Whether id is a valid rule id (kebab-case: lower-case letters, digits, single hyphens). */
bool ruleset_valid_id(const char *id);

const struct rule *ruleset_find(const struct ruleset *rs, const char *id);
size_t ruleset_index(const struct ruleset *rs, const struct rule *r);

#endif
