/* The lint pipeline (see session.h). */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api_internal.h"
#include "lua/host.h"
#include "session_internal.h"
#include "session_warm.h"
#include "suppress.h"
#include "timing.h"
#include "util/strjoin.h"
#include "util/xalloc.h"

/* Instructions a rule may spend per byte of post on top of the configured budget, so that
 * long posts are not cut short by a limit meant for runaway rules. */
#define INSTRUCTIONS_PER_BYTE 50
#define MEMORY_PER_BYTE 4

static void load_rules_path(struct ruleset *rs, const char *path)
{
	size_t n = strlen(path);
	if (n > 4 && strcmp(path + n - 4, ".lua") == 0)
		ruleset_load_file(rs, path);
	else
		ruleset_load_plugin(rs, path, path, path);
}

/* Whether a session made ahead by the server must give way to a new state: its state holds
 * what the built-in rules built on the sample post (about 4 MB more than a new state), and a
 * .lintrc's memory_mb counts the whole state, so under one the run would hit the cap where
 * it does not on its own. */
static bool warm_state_misfits(const struct session *s)
{
	if (!s->warm)
		return false;
	for (size_t i = 0; i < config_store_count(s->configs); i++)
		if (config_store_get(s->configs, i)->limits.memory != HOST_DEFAULT_MEMORY)
			return true;
	return false;
}

/* Plugins of the configs in the store not loaded yet, in the order the configs name them. */
static void load_plugins(struct session *s)
{
	for (size_t i = 0; i < config_store_count(s->configs); i++) {
		const struct config *c = config_store_get(s->configs, i);
		for (size_t p = 0; c->plugin_dirs && c->plugin_dirs[p]; p++) {
			bool loaded = false;
			for (size_t o = 0; o < s->rules->norigins; o++)
				if (s->rules->origins[o].dir &&
				    strcmp(s->rules->origins[o].dir, c->plugin_dirs[p]) == 0)
					loaded = true;
			if (!loaded)
				ruleset_load_plugin(s->rules, c->plugins[p], c->plugin_dirs[p],
						    c->plugins[p]);
		}
	}
}

/* The rules, into a new state: its collector paused while they load (host_pause_collector),
 * and generational from the start for a run of many posts. */
static void load_rules(struct session *s)
{
	host_pause_collector(s->host);
	s->rules = ruleset_new(s->host);
	s->rules->with_tests = s->opts.with_tests;
	ruleset_load_builtin(s->rules, s->opts.rules_dir);
	load_plugins(s);
	for (size_t i = 0; i < s->nrule_paths; i++)
		load_rules_path(s->rules, s->rule_paths[i]);
	if (s->opts.many_posts)
		host_collect_generationally(s->host);
}

/* The plugins of the configs in the store; a state made ahead that the configs' limits do
 * not fit is replaced first (the new one loads them with the rest). */
static void load_config_plugins(struct session *s)
{
	if (warm_state_misfits(s))
		session_reset_host(s);
	else
		load_plugins(s);
}

void session_load_plugins(struct session *s)
{
	load_config_plugins(s);
}

void session_add_rules(struct session *s, const char *path)
{
	s->rule_paths = xrealloc(s->rule_paths, (s->nrule_paths + 1) * sizeof(char *));
	s->rule_paths[s->nrule_paths++] = xstrdup(path);
	load_rules_path(s->rules, path);
}

struct session *session_new(const struct session_options *opts, struct config_store *configs)
{
	struct session *s = session_take_warm(opts, configs);
	if (s) {
		load_config_plugins(s);
		if (opts->many_posts)
			host_collect_generationally(s->host);
		return s;
	}
	struct host_limits limits = { HOST_DEFAULT_INSTRUCTIONS, HOST_DEFAULT_MEMORY, 0 };
	struct host *h = host_new(&limits);
	if (!h)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->opts = *opts;
	s->configs = configs;
	s->host = h;
	load_rules(s);
	return s;
}

void session_ends_with_process(struct session *s)
{
	s->ends_with_process = true;
}

void session_expect_many_posts(struct session *s)
{
	if (!s->opts.many_posts) {
		s->opts.many_posts = true;
		host_collect_generationally(s->host);
	}
}

void session_free(struct session *s)
{
	if (!s)
		return;
	/* the Lua state of 4.5 MB took 1-2 ms to free, between the output and the exit code */
	ruleset_free(s->rules);
	if (s->ends_with_process)
		host_leave_to_exit(s->host);
	else
		host_free(s->host);
	for (size_t i = 0; i < s->nrule_paths; i++)
		free(s->rule_paths[i]);
	free(s->rule_paths);
	free(s);
}

/* After a rule ran out of budget or memory, start over with a fresh state (tech-notes 1.7):
 * nothing a broken run left behind can reach the next post. */
void session_reset_host(struct session *s)
{
	/* the state made ahead shares its pages with the server: freeing it would only copy
	 * them (4.5 MB), and the child that took it exits after its run */
	if (!s->warm) {
		ruleset_free(s->rules);
		host_free(s->host);
	}
	s->warm = false;
	struct host_limits limits = { HOST_DEFAULT_INSTRUCTIONS, HOST_DEFAULT_MEMORY, 0 };
	s->host = host_new(&limits);
	if (!s->host) {
		fprintf(stderr, "postlint: cannot create a new Lua state\n");
		exit(2);
	}
	load_rules(s);
}

size_t session_check_cli(struct session *s, struct buf *errors)
{
	size_t count = 0;
	for (size_t i = 0; i < s->opts.noverrides; i++) {
		if (!ruleset_find(s->rules, s->opts.overrides[i].id)) {
			buf_addf(errors, "--rule: unknown rule '%s' (see `postlint rules`)\n",
				 s->opts.overrides[i].id);
			count++;
		}
	}
	for (char **id = s->opts.only; id && *id; id++) {
		if (!ruleset_find(s->rules, *id)) {
			buf_addf(errors, "--only: unknown rule '%s' (see `postlint rules`)\n", *id);
			count++;
		}
	}
	return count;
}

bool session_rule_available(const struct session *s, const struct rule *r, const struct config *cfg)
{
	const struct rule_origin *o = &s->rules->origins[r->origin];
	return o->builtin || (cfg && config_has_plugin(cfg, o->dir));
}

struct check_call {
	const struct rule *rule;
	const void *origin;
	const struct post_view *view;
	const struct value *options; /* overrides, or NULL */
	bool cache_options;          /* the overrides outlive the session (config, not a test) */
};

/* Pushes the rule's options: its defaults with the overrides on top, cached per overrides
 * table (configs live as long as the session). */
void session_push_options(lua_State *L, const struct rule *r, const struct value *overrides,
			  bool cache)
{
	if (!cache) {
		api_push_value(L, r->options);
		for (size_t i = 0; overrides && i < overrides->len; i++) {
			api_push_value(L, overrides->items[i]);
			lua_setfield(L, -2, overrides->keys[i]);
		}
		return;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->options_cache_ref);
	const void *key = overrides ? (const void *)overrides : (const void *)r;
	if (lua_rawgetp(L, -1, key) == LUA_TTABLE) {
		lua_remove(L, -2);
		return;
	}
	lua_pop(L, 1);
	api_push_value(L, r->options);
	for (size_t i = 0; overrides && i < overrides->len; i++) {
		api_push_value(L, overrides->items[i]);
		lua_setfield(L, -2, overrides->keys[i]);
	}
	lua_pushvalue(L, -1);
	lua_rawsetp(L, -3, key);
	lua_remove(L, -2);
}

/* Protected: check(post, ctx). */
static int call_check(lua_State *L)
{
	const struct check_call *c = lua_touserdata(L, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->rule->ref);
	lua_getfield(L, -1, "check");
	api_push_post(L, c->view, c->origin);
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->rule->ctx_ref);
	session_push_options(L, c->rule, c->options, c->cache_options);
	lua_setfield(L, -2, "options");
	lua_call(L, 2, 0);
	return 0;
}

static int call_release(lua_State *L)
{
	api_release_posts(L);
	return 0;
}

/* Calls fn (a rule's check or collect, with call) on post under cfg's limits, which grow
 * with the post's size; the watchdog names it "<what> '<id>' on '<path>'" and POSTLINT_TIMING
 * counts it under row. */
static int call_on_post(struct session *s, const struct rule *r, const struct post *post,
			const struct config *cfg, struct rule_run *run, lua_CFunction fn, void *call,
			const char *what, const char *row, struct host_error *err)
{
	long long budget = cfg ? cfg->limits.instructions : HOST_DEFAULT_INSTRUCTIONS;
	host_set_watchdog(s->host, cfg ? cfg->limits.seconds : 0);
	size_t memory = cfg ? cfg->limits.memory : HOST_DEFAULT_MEMORY;
	host_set_memory_limit(s->host, memory + MEMORY_PER_BYTE * post->len);
	host_set_context(s->host, run);
	const char *parts[] = { what, " '", r->id, "' on '", post->path, "'" };
	host_set_label_parts(s->host, parts, sizeof(parts) / sizeof(parts[0]));
	if (rule_compiled_in(s->rules, r))
		host_trust_next_call(s->host, HOST_TRUSTED_UNCOUNTED_MS);
	long long started = timing_now();
	int rc = host_call(s->host, fn, call, budget + INSTRUCTIONS_PER_BYTE * (long long)post->len,
			   err);
	timing_add(row, started);
	host_set_context(s->host, NULL);
	finding_release(&run->pending);
	return rc;
}

static void run_rule(struct session *s, size_t index, const struct post_view *view,
		     enum severity severity, bool forced, const struct value *options,
		     bool cache_options, const struct config *cfg, struct report *report)
{
	struct post *post = view->post;
	const struct rule *r = &s->rules->rules[index];
	struct rule_run run = { .post = post, .report = report, .rule_id = r->id,
				.severity = severity, .severity_forced = forced, .collect_slot = -1 };
	struct check_call call = { .rule = r, .origin = &s->rules->origins[r->origin],
				   .view = view, .options = options, .cache_options = cache_options };
	struct host_error err;
	int rc = call_on_post(s, r, post, cfg, &run, call_check, &call, "rule", r->id, &err);
	if (run.reported > API_MAX_REPORTS)
		report_addf(report, r->id, SEVERITY_INFO, post->body_start, post->body_start,
			    "rule '%s' reported %zu problems here; only the first %d are shown",
			    r->id, run.reported, API_MAX_REPORTS);
	if (rc == 0) {
		/* The cap is shared by all rules: a rule that keeps most of it between calls
		 * (in its globals, caught by its own pcall) would make the next rules fail
		 * under its name. If memory stays high after a full collection, blame the rule
		 * that just ran and start over with a fresh state. */
		size_t high = host_memory_limit(s->host) / 4 * 3;
		if (host_memory(s->host) > high) {
			host_collect(s->host);
			if (host_memory(s->host) > high) {
				s->rule_errors++;
				report_addf(report, RULE_ERROR, SEVERITY_ERROR, post->body_start,
					    post->body_start, "rule '%s' was stopped: it keeps %zu MB "
					    "between calls (of %zu MB for rules)", r->id,
					    host_memory(s->host) >> 20, host_memory_limit(s->host) >> 20);
				session_reset_host(s);
			}
		}
		return;
	}
	s->rule_errors++;
	const char *what = err.kind == HOST_ERR_BUDGET ? "was stopped"
			   : err.kind == HOST_ERR_MEMORY ? "was stopped"
							 : "failed";
	if (err.kind == HOST_ERR_MEMORY && err.where[0])
		report_addf(report, RULE_ERROR, SEVERITY_ERROR, post->body_start, post->body_start,
			    "rule '%s' %s: %s: %s", r->id, what, err.where, err.message);
	else
		report_addf(report, RULE_ERROR, SEVERITY_ERROR, post->body_start, post->body_start,
			    "rule '%s' %s: %s", r->id, what, err.message);
	if (err.traceback[0])
		report->findings.items[report->findings.len - 1].detail = xstrdup(err.traceback);
	if (host_needs_reset(s->host))
		session_reset_host(s);
}

/* collect's data is kept for every post of a calendar until check_set runs: bounded so that
 * a rule cannot make the host hold gigabytes for a large repository */
#define COLLECT_MAX_BYTES (64u << 10)

struct collect_call {
	const struct rule *rule;
	const void *origin;
	const struct post_view *view;
	const struct value *options;
	struct value *holder; /* a list: the data goes in as its only item */
};

/* Protected: holder[1] = collect(post, ctx) as plain data. */
static int call_collect(lua_State *L)
{
	const struct collect_call *c = lua_touserdata(L, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->rule->ref);
	lua_getfield(L, -1, "collect");
	api_push_post(L, c->view, c->origin);
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->rule->ctx_ref);
	session_push_options(L, c->rule, c->options, true);
	lua_setfield(L, -2, "options");
	lua_call(L, 2, 1);
	char what[200];
	const char *parts[] = { "collect of rule '", c->rule->id, "' returned data" };
	str_join(what, sizeof(what), parts, sizeof(parts) / sizeof(parts[0]));
	/* bounded as it is converted: measured afterwards, a table repeated many times in the
	 * data took seconds and gigabytes to convert first */
	api_to_value(L, -1, c->holder, NULL, what, COLLECT_MAX_BYTES);
	return 0;
}

/* Runs rule index's collect on the post of view into out (its data, or its error). */
static void run_collect(struct session *s, size_t index, const struct post_view *view,
			const struct config *cfg, const struct file_config *fc,
			struct collected *out)
{
	struct post *post = view->post;
	const struct rule *r = &s->rules->rules[index];
	enum severity severity;
	bool forced;
	const struct value *options = NULL;
	if (!session_rule_setting(s, r, fc, post, &severity, &forced, &options))
		options = NULL; /* off for this post, which is still context for the others */
	struct rule_run run = { .rule_id = r->id, .collect_slot = -1 };
	struct collect_call call = { .rule = r, .origin = &s->rules->origins[r->origin],
				     .view = view, .options = options,
				     .holder = value_new(VALUE_LIST) };
	char row[200];
	const char *parts[] = { r->id, " (collect)" };
	str_join(row, sizeof(row), parts, sizeof(parts) / sizeof(parts[0]));
	struct host_error err;
	int rc = call_on_post(s, r, post, cfg, &run, call_collect, &call, "collect of rule", row,
			      &err);
	if (rc == 0 && call.holder->len == 1 && call.holder->items[0]->type != VALUE_NIL) {
		out->values[r->collect_slot] = call.holder->items[0];
		call.holder->len = 0;
	} else if (rc != 0) {
		out->errors[r->collect_slot] = xstrdup(err.message);
	}
	value_free(call.holder);
	if (rc != 0 && host_needs_reset(s->host))
		session_reset_host(s);
}

/* Whether --only (when given) names rule r. */
static bool in_only(const struct session *s, const struct rule *r)
{
	if (!s->opts.only)
		return true;
	for (char **id = s->opts.only; *id; id++)
		if (strcmp(*id, r->id) == 0)
			return true;
	return false;
}

/* The last --rule naming rule r (it wins), or NULL. */
static const struct rule_override *cli_override(const struct session *s, const struct rule *r)
{
	const struct rule_override *last = NULL;
	for (size_t k = 0; k < s->opts.noverrides; k++)
		if (strcmp(s->opts.overrides[k].id, r->id) == 0)
			last = &s->opts.overrides[k];
	return last;
}

bool session_rule_off_for_run(const struct session *s, const struct rule *r)
{
	const struct rule_override *o = cli_override(s, r);
	return (o && !o->use_default && o->severity == SEVERITY_OFF) || !in_only(s, r);
}

/* The collect functions of every rule that has one, on the post of view. */
void collect_all(struct session *s, const struct post_view *view, const struct config *cfg,
			const struct file_config *fc, struct collected *out)
{
	for (size_t i = 0; i < s->rules->nrules; i++)
		if (s->rules->rules[i].has_collect && !session_rule_off_for_run(s, &s->rules->rules[i]))
			run_collect(s, i, view, cfg, fc, out);
}

bool session_has_collect(const struct session *s)
{
	for (size_t i = 0; i < s->rules->nrules; i++)
		if (s->rules->rules[i].has_collect && !session_rule_off_for_run(s, &s->rules->rules[i]))
			return true;
	return false;
}

static void release_posts(struct session *s)
{
	struct host_error err;
	if (host_call(s->host, call_release, NULL, 0, &err) < 0)
		session_reset_host(s); /* stale posts must never reach the next post's rules */
}

/* Rules turned off in front matter: lint: { disable: [ids] } */
static bool disabled_by_front_matter(const struct post *post, const char *id)
{
	const struct value *list = value_map_get(post_meta_lint(post), "disable");
	if (!list)
		return false;
	if (list->type == VALUE_STRING)
		return strcmp(list->string, id) == 0;
	for (size_t i = 0; list->type == VALUE_LIST && i < list->len; i++)
		if (list->items[i]->type == VALUE_STRING && strcmp(list->items[i]->string, id) == 0)
			return true;
	return false;
}

bool session_rule_exists(const char *id, void *ud)
{
	struct session *s = ud;
	return ruleset_find(s->rules, id) != NULL || strcmp(id, RULE_ERROR) == 0;
}

static void check_front_matter_switches(struct session *s, const struct post *post,
					struct report *report)
{
	const struct value *lint = value_map_get(post_meta(post), "lint");
	if (!lint)
		return;
	if (lint->type != VALUE_MAP) {
		report_addf(report, RULE_FRONT_MATTER, SEVERITY_ERROR, post->body_start,
			    post->body_start, "front matter 'lint' must be a mapping like "
					      "'lint: { disable: [rule-id] }'");
		return;
	}
	const struct value *list = value_map_get(lint, "disable");
	for (size_t i = 0; list && list->type == VALUE_LIST && i < list->len; i++) {
		const struct value *v = list->items[i];
		if (v->type == VALUE_STRING && !session_rule_exists(v->string, s))
			report_addf(report, RULE_DIRECTIVE, SEVERITY_WARNING, post->body_start,
				    post->body_start, "unknown rule '%s' in front matter lint.disable "
						      "(line %d)", v->string, v->line);
	}
}

/* Host findings before any rule runs; returns false when the post cannot be linted. */
bool session_check_input(struct post *post, const struct config *cfg, struct report *report)
{
	if (post->binary) {
		report_addf(report, RULE_NOT_TEXT, SEVERITY_ERROR, 0, 0,
			    "not a text file (it contains NUL bytes), so it was not linted");
		report->skipped = true;
		return false;
	}
	if (post->front_matter_failed) {
		size_t off = post->front_matter_error->offset;
		report_addf(report, RULE_FRONT_MATTER, SEVERITY_ERROR, off, off, "%s",
			    post->front_matter_error->message);
		return false;
	}
	size_t max = cfg ? cfg->max_post_bytes : (size_t)CONFIG_DEFAULT_MAX_POST_KB << 10;
	size_t body = post->body_end - post->body_start;
	if (body > max) {
		report_addf(report, RULE_TOO_LARGE, SEVERITY_ERROR, post->body_start, post->body_start,
			    "the body is %zu KB, more than any platform takes (the longest, Facebook, "
			    "takes 63,206 characters), so rules were not run on it (limits.max_post_kb "
			    "is %zu)", body >> 10, max >> 10);
		return false;
	}
	if (post->first_invalid_utf8 < post->len) {
		size_t off = post->first_invalid_utf8;
		report_addf(report, RULE_ENCODING, SEVERITY_ERROR, off, off + 1,
			    "invalid UTF-8 (byte 0x%02X): save the file as UTF-8; the rest was "
			    "linted with this byte ignored", (unsigned char)post->text[off]);
	}
	return true;
}

static void finish(struct post *post, struct report *report)
{
	report_locate(report, post);
	report_sort(report);
}

bool session_rule_setting(const struct session *s, const struct rule *r,
			  const struct file_config *fc, const struct post *post,
			  enum severity *severity_out, bool *forced_out, const struct value **options_out)
{
	if (!session_rule_available(s, r, fc ? fc->config : NULL))
		return false;
	enum severity severity = r->severity;
	bool forced = false;
	const struct value *options = NULL;
	if (fc)
		config_rule_for(fc, r->id, &severity, &forced, &options);
	const struct rule_override *o = cli_override(s, r);
	if (o) {
		severity = o->use_default ? (r->severity ? r->severity : SEVERITY_WARNING)
					  : o->severity;
		forced = !o->use_default;
	}
	if (!in_only(s, r))
		return false;
	if (severity == SEVERITY_OFF || disabled_by_front_matter(post, r->id))
		return false;
	*severity_out = severity;
	*forced_out = forced;
	*options_out = options;
	return true;
}

void session_lint(struct session *s, struct post *post, const char *abs_path,
		  const struct config *cfg, struct report *report)
{
	session_lint_collect(s, post, abs_path, cfg, report, NULL);
}

void session_lint_collect(struct session *s, struct post *post, const char *abs_path,
			  const struct config *cfg, struct report *report, struct collected *out)
{
	if (!session_check_input(post, cfg, report)) {
		finish(post, report);
		return;
	}
	long long started = timing_now();
	post_tokens(post);
	timing_add("(host: tokens)", started);
	struct file_config fc = { 0 };
	if (cfg)
		file_config_init(&fc, cfg, abs_path);
	struct post_view view = { .post = post, .default_platforms = fc.platforms,
				  .default_lang = fc.lang ? fc.lang : "en",
				  .platform_limits = cfg ? &cfg->platform_limits : NULL };
	for (size_t i = 0; i < s->rules->nrules; i++) {
		const struct rule *r = &s->rules->rules[i];
		enum severity severity;
		bool forced;
		const struct value *options;
		if (r->has_check &&
		    session_rule_setting(s, r, cfg ? &fc : NULL, post, &severity, &forced, &options))
			run_rule(s, i, &view, severity, forced, options, true, cfg, report);
	}
	if (out) {
		/* the same post table as the checks: lib.analysis's work is shared */
		collected_init(out, s->rules->ncollect);
		collect_all(s, &view, cfg, cfg ? &fc : NULL, out);
	}
	started = timing_now();
	release_posts(s);
	file_config_release(&fc);
	check_front_matter_switches(s, post, report);
	suppress_apply(post, report, session_rule_exists, s);
	timing_add("(host: after rules)", started);
	finish(post, report);
}

bool session_collect(struct session *s, struct post *post, const char *abs_path,
		     const struct config *cfg, struct collected *out)
{
	struct report scratch;
	report_init(&scratch, post->path);
	bool usable = session_check_input(post, cfg, &scratch);
	report_release(&scratch);
	if (!usable)
		return false;
	post_tokens(post);
	struct file_config fc = { 0 };
	if (cfg)
		file_config_init(&fc, cfg, abs_path);
	struct post_view view = { .post = post, .default_platforms = fc.platforms,
				  .default_lang = fc.lang ? fc.lang : "en",
				  .platform_limits = cfg ? &cfg->platform_limits : NULL };
	collected_init(out, s->rules->ncollect);
	collect_all(s, &view, cfg, cfg ? &fc : NULL, out);
	release_posts(s);
	file_config_release(&fc);
	return true;
}

void session_lint_one(struct session *s, struct post *post, const struct rule *rule,
		      const struct value *options, const char *const *platforms, const char *lang,
		      struct report *report)
{
	if (!session_check_input(post, NULL, report)) {
		finish(post, report);
		return;
	}
	post_tokens(post);
	struct post_view view = { .post = post, .default_platforms = platforms,
				  .default_lang = lang ? lang : "en" };
	size_t index = ruleset_index(s->rules, rule);
	if (rule->has_check)
		run_rule(s, index, &view, rule->severity ? rule->severity : SEVERITY_WARNING, false,
			 options, false, NULL, report);
	release_posts(s);
	suppress_apply(post, report, session_rule_exists, s);
	finish(post, report);
}
