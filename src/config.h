/* Configuration: .lintrc files (a Lua chunk run in an empty sandbox), their discovery, and
 * the effective settings of one post.
 *
 * config.c is the only reader of .lintrc. A config is immutable once loaded; the store owns
 * every config it loads and hands out borrowed pointers valid until config_store_free. */
#ifndef POSTLINT_CONFIG_H
#define POSTLINT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "finding.h"
#include "length.h"
#include "lua/host.h"
#include "util/buf.h"
#include "value.h"

struct ruleset;

/* No platform takes posts of more than 63,206 characters (Facebook); a body four times
 * that is surely not a post, and rules are not run on it (bounded time and memory). */
#define CONFIG_DEFAULT_MAX_POST_KB 256

struct rule_setting {
	char *id;
	enum severity severity;
	bool has_severity;
	struct value *options; /* map of option overrides, or NULL */
	int line;              /* in the .lintrc */
};

struct rule_settings {
	struct rule_setting *items;
	size_t len, cap;
};

struct config_override {
	char **files; /* NULL-terminated globs */
	struct rule_settings rules;
	char **platforms; /* NULL-terminated, or NULL */
	char *lang;
	int line;
};

struct config {
	char *path;   /* the .lintrc, or NULL for the defaults */
	char *dir;    /* absolute folder that globs are relative to */
	char *source; /* the .lintrc text, for line numbers in messages */
	/* path, dir and source hashed (config_identify): the config's part of the cache's keys,
	 * worked out once rather than for every post */
	uint64_t identity[2];
	char **platforms; /* default platforms, NULL-terminated, or NULL */
	char *lang;       /* default language when a post's cannot be told */
	char **include;   /* NULL-terminated globs, or NULL: every post file */
	char **exclude;
	char **plugins;     /* as written */
	char **plugin_dirs; /* resolved absolute folders, parallel to plugins */
	char **extensions; /* post file extensions, with the dot */
	struct rule_settings rules;
	struct config_override *overrides;
	size_t noverrides;
	struct host_limits limits;
	size_t max_post_bytes; /* bodies larger than this are not given to rules */
	struct length_overrides platform_limits; /* `platform_limits = { mastodon = { limit = N } }` */
	/* Problems found while loading ("path:line: message\n" each), reported together with
	 * the rule checks by config_check_rules. A config with problems lints nothing. */
	struct buf problems;
	size_t nproblems;
};

/* Loads and validates the shape of a .lintrc. Returns NULL with "path:line: message" in err
 * when it cannot be read or run; problems with its keys and values are kept in the config
 * (see problems) so that they are reported with the rule checks, in line order. */
struct config *config_load(const char *path, struct buf *err);
/* Built-in defaults for dir (no .lintrc). */
struct config *config_default(const char *dir);
/* Sets c->identity from c->path, c->dir and c->source (config_load and config_default do). */
void config_identify(struct config *c);
void config_free(struct config *c);

/* Whether this config enables the plugin in folder dir (absolute). */
bool config_has_plugin(const struct config *c, const char *dir);

/* Checks rule ids, severities and options against the loaded rules. Appends the load-time
 * problems and one message per new problem ("path:line: message\n"), sorted by line, to
 * errors and returns their count. */
size_t config_check_rules(const struct config *c, const struct ruleset *rs, struct buf *errors);

/* Whether the file (absolute path) is a post this config lints when walking folders:
 * extension, include and exclude. */
bool config_wants(const struct config *c, const char *abs_path);
/* Whether exclude matches the file (files named on the command line are checked only so). */
bool config_excludes(const struct config *c, const char *abs_path);

/* The settings that apply to one file: its config and which overrides match it, worked out
 * once per file (glob matching is not repeated for every rule). */
struct file_config {
	const struct config *config;
	bool *overrides;                /* per override: does it match? (owned; NULL if none) */
	const char *const *platforms;  /* effective default platforms, or NULL */
	const char *lang;               /* effective default language, or NULL */
};

void file_config_init(struct file_config *fc, const struct config *c, const char *abs_path);
void file_config_release(struct file_config *fc);

/* The effective severity and option overrides of a rule for the file: rules, then matching
 * overrides in order. Returns false when the config says nothing about the rule. */
bool config_rule_for(const struct file_config *fc, const char *rule_id, enum severity *severity,
		     bool *has_severity, const struct value **options);

/* Writes the effective config for a file as JSON-like text (for --print-config). */
void config_describe(const struct config *c, const struct ruleset *rs, const char *abs_path,
		     struct buf *out);

/* ---- discovery -------------------------------------------------------------------------- */

struct config_store;

/* forced_path: --config FILE (used for every file), or NULL to discover .lintrc files. */
struct config_store *config_store_new(const char *forced_path);
void config_store_free(struct config_store *cs);
/* The config governing a file or folder (absolute path): the nearest .lintrc from its folder
 * up to the repository root. NULL if that .lintrc is broken (the error is recorded). */
const struct config *config_store_for(struct config_store *cs, const char *abs_path,
				      bool is_dir);
/* Every config loaded so far, in load order. */
size_t config_store_count(const struct config_store *cs);
const struct config *config_store_get(const struct config_store *cs, size_t i);
/* Errors of broken .lintrc files (each "path:line: message\n"). */
const char *config_store_errors(const struct config_store *cs);

#endif
