/* The pipeline for one run: rules loaded once into a sandboxed Lua host, then each post goes
 * post -> rules -> findings -> switches -> sorted report.
 *
 * A session owns its host and ruleset. It borrows the config store. It never prints. */
#ifndef POSTLINT_SESSION_H
#define POSTLINT_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "finding.h"
#include "post.h"
#include "rules.h"
#include "util/buf.h"

/* --rule ID[=SEVERITY] */
struct rule_override {
	char *id;
	enum severity severity;
	bool use_default; /* no severity given: the rule's own default, even if config says off */
};

struct session_options {
	const char *rules_dir;                 /* --rules-dir: built-in rules from disk */
	const struct rule_override *overrides; /* --rule */
	size_t noverrides;
	char **only; /* --only: NULL-terminated rule ids, or NULL for all */
};

struct session {
	struct session_options opts;
	struct config_store *configs;
	struct host *host;
	struct ruleset *rules;
	size_t rule_errors; /* rule-error findings so far: they make the exit code 2 */
	char **rule_paths;  /* session_add_rules: reloaded with the rest after a reset */
	size_t nrule_paths;
};

/* Creates the host and loads the built-in rules and the plugins of every config in the
 * store. Rule files that fail to load are in session->rules->errors. NULL if no Lua state
 * could be made. */
struct session *session_new(const struct session_options *opts, struct config_store *configs);
void session_free(struct session *s);

/* Loads the rules at path (a .lua file alone, or a plugin folder) as one more origin, and
 * again whenever the host is reset (for `postlint test PATH`). */
void session_add_rules(struct session *s, const char *path);

/* Checks the --rule and --only ids against the loaded rules. Appends messages to errors;
 * returns their count. */
size_t session_check_cli(struct session *s, struct buf *errors);

/* Lints one post under config cfg into report (initialised by the caller). abs_path is
 * the file's absolute path, for config globs. */
void session_lint(struct session *s, struct post *post, const char *abs_path,
		  const struct config *cfg, struct report *report);

/* Lints with exactly one rule and the given options (for rule tests). */
void session_lint_one(struct session *s, struct post *post, const struct rule *rule,
		      const struct value *options, const char *const *platforms, const char *lang,
		      struct report *report);

/* Whether the rule runs under cfg at all (built-in, or its plugin is enabled). */
bool session_rule_available(const struct session *s, const struct rule *r,
			    const struct config *cfg);

#endif
