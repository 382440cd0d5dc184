/* The pipeline for one run: rules loaded once into a sandboxed Lua host, then each post goes
 * post -> rules -> findings -> switches -> sorted report.
 *
 * A session owns its host and ruleset. It borrows the config store. It never prints. */
#ifndef POSTLINT_SESSION_H
#define POSTLINT_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "collected.h"
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
	/* the state is to lint many posts: its collector is generational (host.c says why) */
	bool many_posts;
	/* the rules' tests are read (postlint test): the built-in rules are loaded whole */
	bool with_tests;
	/* what the rules across posts may keep of their collected data over the run (shared by
	 * the sessions of --jobs), or NULL: no bound (rule tests) */
	const struct collect_budget *collect_budget;
};

struct session {
	struct session_options opts;
	struct config_store *configs;
	struct host *host;
	struct ruleset *rules;
	size_t rule_errors; /* rule-error findings so far: they make the exit code 2 */
	char **rule_paths;  /* session_add_rules: reloaded with the rest after a reset */
	size_t nrule_paths;
	/* the process ends after this session's run (session_ends_with_process: a lint; or
	 * made ahead by the resident server, session_warm.c, for a child that exits after its
	 * run), so its state is left to the exit, not freed object by object */
	bool ends_with_process;
	bool warm; /* that state is still the one made ahead (see session.c, warm_state_misfits) */
};

/* Creates the host and loads the built-in rules and the plugins of every config in the
 * store. Rule files that fail to load are in session->rules->errors. NULL if no Lua state
 * could be made. */
struct session *session_new(const struct session_options *opts, struct config_store *configs);
/* The session is to lint many posts after all (opts.many_posts, from now on). */
void session_expect_many_posts(struct session *s);
/* The process ends after this session's run: session_free leaves its Lua state to the exit
 * (host_leave_to_exit). */
void session_ends_with_process(struct session *s);
void session_free(struct session *s);
/* Loads the plugins of configs added to the store since (so that the Lua state and built-in
 * rules can be made before the posts and their configs are found). */
void session_load_plugins(struct session *s);

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

/* session_lint, then the collect functions of the rules across posts on the same post, into
 * *out (when not NULL; initialised here) for session_lint_set. */
void session_lint_collect(struct session *s, struct post *post, const char *abs_path,
			  const struct config *cfg, struct report *report, struct collected *out);
/* Only the collect functions, for a post of the calendar that is not linted (context).
 * False when the post cannot be given to rules (then *out is untouched). */
bool session_collect(struct session *s, struct post *post, const char *abs_path,
		     const struct config *cfg, struct collected *out);
/* Whether any loaded rule has a collect function. */
bool session_has_collect(const struct session *s);

/* One post of a calendar for rules across posts (check_set). */
struct set_post {
	struct post *post;
	const char *abs_path;      /* for config globs */
	const struct config *cfg;  /* its config, or NULL */
	struct report *report;     /* where findings about it go; NULL: context, not linted */
	/* its data from the rules' collect functions, or NULL: session_lint_set collects it
	 * itself (post must then be whole, not stripped) */
	const struct collected *collected;
};

/* Runs the check_set rules once over all posts (grouped by effective options when configs
 * differ). Findings go to the linted posts' reports, unsorted and without in-file switches
 * applied: session_merge_set does that for each post. session_set.c. */
enum set_rules {
	SET_RULES_ALL,
	SET_RULES_WITHOUT_COLLECT, /* the rules that need whole posts */
	SET_RULES_WITH_COLLECT,    /* the rules that read post.collected */
};
void session_lint_set(struct session *s, struct set_post *posts, size_t n, enum set_rules which);
/* The same rules in parts that may run at the same time, each in its own session (the
 * sessions of --jobs load the same rules): part `part` of `parts` is a run of consecutive
 * rules in rule order, so that the parts' findings about a post, joined in part order, are
 * what session_lint_set gives. posts[].post and .collected are only read. */
void session_lint_set_part(struct session *s, struct set_post *posts, size_t n,
			   enum set_rules which, size_t part, size_t parts);
/* Whether any loaded rule is a check_set rule of `which`; how many. */
bool session_has_set_rules_of(const struct session *s, enum set_rules which);
size_t session_count_set_rules(const struct session *s, enum set_rules which);
/* Runs one rule's check_set with the given options (for rule tests); posts without a
 * config get platforms and lang as defaults. */
void session_lint_set_one(struct session *s, const struct rule *rule, const struct value *options,
			  const char *const *platforms, const char *lang, struct set_post *posts,
			  size_t n);
/* Moves set findings about post into its report (built by session_lint or a cache), applying
 * the post's in-file switches, then locates and sorts the report again. It only reads s (the
 * rule ids), so that two threads merge different posts at once (cmd_lint.c's
 * prepare_delivery): it must not run rules, count rule errors or change s. */
void session_merge_set(struct session *s, struct post *post, struct report *set_findings,
		       struct report *report);
/* Whether any rule has a check_set. */
bool session_has_set_rules(const struct session *s);

/* Lints with exactly one rule and the given options (for rule tests). */
void session_lint_one(struct session *s, struct post *post, const struct rule *rule,
		      const struct value *options, const char *const *platforms, const char *lang,
		      struct report *report);

/* Whether the rule runs under cfg at all (built-in, or its plugin is enabled). */
bool session_rule_available(const struct session *s, const struct rule *r,
			    const struct config *cfg);

#endif
