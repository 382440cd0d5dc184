/* Rules across posts: check_set(posts, ctx) over a calendar (see session.h).
 *
 * Every usable post of the calendar is handed to the rule, each as its own post table (the
 * same fields and methods as check's post, plus post.linted and post.time). Rules of one
 * origin share the tables during one session_lint_set, as check's rules share a post, so
 * lib.analysis computes each post's analysis once for all of them. A rule reports with
 * ctx:report{ post = p, ... }; reports about posts that are not being linted, or for which
 * the rule is off (config, --only, front matter), are dropped.
 *
 * Budgets: the usual per-call budget plus an allowance per post and per byte, and a second
 * of wall clock per 1,000 posts, so that a calendar of thousands of posts is not cut short by
 * a limit meant for runaway rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lua/api_internal.h"
#include "lua/host.h"
#include "session_internal.h"
#include "suppress.h"
#include "timing.h"
#include "util/xalloc.h"

#define SET_INSTRUCTIONS_PER_POST 2000000LL
#define SET_INSTRUCTIONS_PER_BYTE 100LL
#define SET_MEMORY_PER_POST (256u << 10)
#define SET_MEMORY_PER_BYTE 64u
#define SET_POSTS_PER_SECOND 1000u
/* ... and a built-in rule's uncounted time a millisecond per 50 posts (see run_group) */
#define SET_POSTS_PER_UNCOUNTED_MS 50u

/* registry[&lists_key] = { [origin] = { post tables } } while a set run lasts; light_lists_key
 * the same for the light posts of rules with collect */
static char lists_key, light_lists_key;

struct set_entry {
	struct post_view view;       /* the whole post (owner: this entry) */
	struct post_view light_view; /* for rules with collect: post.collected (owner: this) */
	struct set_post *src;
	struct collected *own; /* collected here, when the caller had not (owned, or NULL) */
	struct file_config fc;
	bool usable; /* rules see it (it parsed, it is text, it is not oversized) */
	/* for the rule being run, on linted posts */
	bool enabled;
	enum severity severity;
	bool forced;
	const struct value *options;
	size_t reported; /* reports about it by the rule being run */
};

struct set_call {
	const struct rule *rule;
	const void *origin;
	struct set_entry *entries;
	size_t n;
	const struct value *options;
	bool cache_options; /* config overrides (not a rule test's own options) */
	bool light;         /* the rule has collect: light posts */
};

static bool wanted(const struct session *s, const struct rule *r, enum set_rules which)
{
	return r->has_check_set && !session_rule_off_for_run(s, r) &&
	       (which == SET_RULES_ALL || (which == SET_RULES_WITH_COLLECT) == r->has_collect);
}

bool session_has_set_rules_of(const struct session *s, enum set_rules which)
{
	for (size_t i = 0; i < s->rules->nrules; i++)
		if (wanted(s, &s->rules->rules[i], which))
			return true;
	return false;
}

size_t session_count_set_rules(const struct session *s, enum set_rules which)
{
	size_t count = 0;
	for (size_t i = 0; i < s->rules->nrules; i++)
		count += wanted(s, &s->rules->rules[i], which);
	return count;
}

bool session_has_set_rules(const struct session *s)
{
	return session_has_set_rules_of(s, SET_RULES_ALL);
}

/* Pushes the origin's list of post tables, building it on first use. */
static void push_posts(lua_State *L, const struct set_call *c)
{
	const void *key = c->light ? &light_lists_key : &lists_key;
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_rawsetp(L, LUA_REGISTRYINDEX, key);
	}
	if (lua_rawgetp(L, -1, c->origin) == LUA_TTABLE) {
		lua_remove(L, -2);
		return;
	}
	lua_pop(L, 1);
	lua_createtable(L, (int)c->n, 0);
	lua_Integer k = 0;
	struct api_post_tables tables;
	api_post_tables_open(L, &tables);
	for (size_t i = 0; i < c->n; i++) {
		if (!c->entries[i].usable)
			continue;
		api_post_tables_push(L, &tables,
				     c->light ? &c->entries[i].light_view : &c->entries[i].view);
		lua_rawseti(L, tables.base - 1, ++k);
	}
	api_post_tables_close(L, &tables);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, -3, c->origin);
	lua_remove(L, -2); /* posts */
}

/* Protected: check_set(posts, ctx). Rules get a copy of the list, so one that reorders it
 * (table.sort by time) does not change what the next rule sees. */
static int call_check_set(lua_State *L)
{
	const struct set_call *c = lua_touserdata(L, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->rule->ref);
	lua_getfield(L, -1, "check_set");
	push_posts(L, c);
	lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
	lua_createtable(L, (int)n, 0);
	/* post.linted for this call, set on every table (a post may be context for one rule and
	 * linted for another): a plain field, not a metamethod call per post and read. Its key
	 * is pushed once (looked up among Lua's strings per post, it was 1% of a commit's hook) */
	lua_pushliteral(L, "linted");
	lua_Integer k = 0;
	for (size_t i = 0; i < c->n && k < n; i++) {
		if (!c->entries[i].usable)
			continue;
		lua_rawgeti(L, -3, ++k); /* (posts, the copy, the key) */
		lua_pushvalue(L, -2);
		lua_pushboolean(L, c->entries[i].view.linted);
		lua_rawset(L, -3);
		lua_rawseti(L, -3, k);
	}
	lua_pop(L, 1);
	lua_remove(L, -2);
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->rule->ctx_ref);
	session_push_options(L, c->rule, c->options, c->cache_options);
	lua_setfield(L, -2, "options");
	lua_call(L, 2, 0);
	return 0;
}

static int call_release(lua_State *L)
{
	lua_pushnil(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &lists_key);
	lua_pushnil(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &light_lists_key);
	api_release_posts(L);
	return 0;
}

static bool retarget(struct rule_run *run, const struct post_view *view)
{
	/* only views of this run's entries reach here: api_post_view checked the handle, and
	 * handles of earlier runs (and of check's posts) were ended by api_release_posts */
	if (!view->in_set)
		return false;
	struct set_entry *e = view->owner;
	if (!view->linted || !e->enabled)
		return false;
	/* the cap on reports is per post, as for check: a calendar of thousands of posts may
	 * well have more than API_MAX_REPORTS findings in all */
	if (++e->reported > API_MAX_REPORTS) {
		if (e->reported == API_MAX_REPORTS + 1)
			report_addf(e->src->report, run->rule_id, SEVERITY_INFO, view->post->body_start,
				    view->post->body_start, "rule '%s' reported more than %d problems "
				    "here; only the first %d are shown", run->rule_id,
				    API_MAX_REPORTS, API_MAX_REPORTS);
		return false;
	}
	run->reported = 0;
	run->post = view->post;
	run->report = e->src->report;
	run->severity = e->severity;
	run->severity_forced = e->forced;
	return true;
}

/* Runs rule r once for the linted posts whose options are `options`. */
static void run_group(struct session *s, size_t index, struct set_entry *entries, size_t n,
		      const struct value *options, bool cache_options)
{
	const struct rule *r = &s->rules->rules[index];
	size_t bytes = 0, usable = 0;
	struct set_entry *first = NULL;
	for (size_t i = 0; i < n; i++) {
		struct set_entry *e = &entries[i];
		e->view.linted = e->src->report && e->enabled && e->options == options;
		e->light_view.linted = e->view.linted;
		if (e->view.linted && !first)
			first = e;
		if (e->usable) {
			bytes += e->view.post->len;
			usable++;
		}
	}
	const struct config *cfg = first->src->cfg;
	struct rule_run run = { .rule_id = r->id, .retarget = retarget,
				.collect_slot = r->has_collect ? (int)r->collect_slot : -1 };
	struct set_call call = { .rule = r, .origin = &s->rules->origins[r->origin],
				 .entries = entries, .n = n, .options = options,
				 .cache_options = cache_options, .light = r->has_collect };
	long long budget = (cfg ? cfg->limits.instructions : HOST_DEFAULT_INSTRUCTIONS) +
			   SET_INSTRUCTIONS_PER_POST * (long long)usable +
			   SET_INSTRUCTIONS_PER_BYTE * (long long)bytes;
	size_t memory = (cfg ? cfg->limits.memory : HOST_DEFAULT_MEMORY) +
			SET_MEMORY_PER_POST * usable + SET_MEMORY_PER_BYTE * bytes;
	/* the wall-clock limit grows with the calendar too: a second per 1,000 posts */
	int seconds = cfg && cfg->limits.seconds > 0 ? cfg->limits.seconds : HOST_WATCHDOG_SECONDS;
	host_set_watchdog(s->host, seconds + (int)(usable / SET_POSTS_PER_SECOND));
	host_set_memory_limit(s->host, memory);
	host_set_context(s->host, &run);
	char label[300];
	snprintf(label, sizeof(label), "rule '%s' on the calendar (%zu posts)", r->id, usable);
	host_set_label(s->host, label);
	struct host_error err;
	/* a built-in rule's calendar takes longer the more posts it has (cross-post-duplicate
	 * 0.7 s at 100,000): counted after a fixed 200 ms, the rest of its Lua ran with the
	 * VM stopping at every instruction (30-80 ms more at 100,000 posts) */
	if (rule_compiled_in(s->rules, r))
		host_trust_next_call(s->host, HOST_TRUSTED_UNCOUNTED_MS +
						      (int)(usable / SET_POSTS_PER_UNCOUNTED_MS));
	long long started = timing_now();
	int rc = host_call(s->host, call_check_set, &call, budget, &err);
	timing_add(r->id, started);
	host_set_context(s->host, NULL);
	finding_release(&run.pending);
	if (rc == 0)
		return;
	/* one rule-error, on the first linted post: the others would only repeat it */
	s->rule_errors++;
	struct post *p = first->view.post;
	report_addf(first->src->report, RULE_ERROR, SEVERITY_ERROR, p->body_start, p->body_start,
		    "rule '%s' %s across %zu posts: %s", r->id,
		    err.kind == HOST_ERR_BUDGET || err.kind == HOST_ERR_MEMORY ? "was stopped"
									 : "failed",
		    usable, err.message);
	if (err.traceback[0]) {
		struct report *rep = first->src->report;
		rep->findings.items[rep->findings.len - 1].detail = xstrdup(err.traceback);
	}
	if (host_needs_reset(s->host))
		session_reset_host(s);
}

static void release(struct session *s)
{
	struct host_error err;
	if (host_call(s->host, call_release, NULL, 0, &err) < 0)
		session_reset_host(s);
}

/* Rule index's collect failed on some posts: a rule-error on each such linted post, and one
 * (on the first linted post) for the posts that are only context. */
static void report_collect_errors(struct session *s, size_t index, struct set_entry *entries,
				  size_t n)
{
	const struct rule *r = &s->rules->rules[index];
	struct set_entry *first_linted = NULL, *context_failed = NULL;
	size_t context_failures = 0;
	for (size_t i = 0; i < n; i++) {
		struct set_entry *e = &entries[i];
		const struct collected *c = e->light_view.collected;
		if (e->src->report && e->usable && !first_linted)
			first_linted = e;
		if (!c || r->collect_slot >= c->n || !c->errors[r->collect_slot])
			continue;
		if (e->src->report) {
			struct post *p = e->view.post;
			s->rule_errors++;
			report_addf(e->src->report, RULE_ERROR, SEVERITY_ERROR, p->body_start,
				    p->body_start, "rule '%s' failed in collect: %s", r->id,
				    c->errors[r->collect_slot]);
		} else if (context_failures++ == 0) {
			context_failed = e;
		}
	}
	if (context_failed && first_linted) {
		struct post *p = first_linted->view.post;
		s->rule_errors++;
		report_addf(first_linted->src->report, RULE_ERROR, SEVERITY_ERROR, p->body_start,
			    p->body_start, "rule '%s' failed in collect on %zu other post%s (first: "
			    "%s): %s", r->id, context_failures, context_failures == 1 ? "" : "s",
			    context_failed->view.post->path,
			    context_failed->light_view.collected->errors[r->collect_slot]);
	}
}

/* Rule index's collect returned more data over the run than it may keep (collected.h): one
 * rule-error, on the first post the rule is on, and no check_set - the data of the posts
 * counted after the bound was passed is gone, and a calendar judged without it would be
 * judged wrongly. Returns whether the rule went over. */
static bool report_collect_over(struct session *s, size_t index, struct set_entry *entries,
				size_t n)
{
	const struct rule *r = &s->rules->rules[index];
	const struct collect_budget *b = s->opts.collect_budget;
	size_t bytes;
	if (!collect_budget_over(b, r->collect_slot, &bytes))
		return false;
	size_t usable = 0;
	struct set_entry *first = NULL;
	for (size_t i = 0; i < n; i++) {
		usable += entries[i].usable;
		if (entries[i].enabled && !first)
			first = &entries[i];
	}
	if (first) {
		struct post *p = first->view.post;
		s->rule_errors++;
		report_addf(first->src->report, RULE_ERROR, SEVERITY_ERROR, p->body_start,
			    p->body_start, "rule '%s' was stopped across %zu posts: its collect "
			    "returned %zu KB of data in all, more than the %zu KB a rule may keep "
			    "for this run (the memory limit and 2 KB a post)", r->id, usable,
			    bytes >> 10, b->max_bytes >> 10);
	}
	return true;
}

/* Runs the set rules of `which` numbered from..to-1 among them (or only `test_rule`, with
 * `test_options`, for rule tests) over posts. platforms and lang are the defaults of posts
 * without a config. */
static void lint_set(struct session *s, struct set_post *posts, size_t n,
		     const struct rule *test_rule, const struct value *test_options,
		     const char *const *platforms, const char *lang, enum set_rules which,
		     size_t from, size_t to)
{
	struct set_entry *entries = xcalloc(n, sizeof(*entries));
	bool need_collect = false;
	for (size_t ri = 0; ri < s->rules->nrules; ri++) {
		const struct rule *r = &s->rules->rules[ri];
		need_collect |= r->has_collect && (test_rule ? r == test_rule : wanted(s, r, which));
	}
	for (size_t i = 0; i < n; i++) {
		struct set_entry *e = &entries[i];
		e->src = &posts[i];
		if (posts[i].collected) {
			/* collected in the per-post pass, which also checked the input */
			e->usable = posts[i].collected->seen;
		} else {
			struct report scratch;
			report_init(&scratch, posts[i].post->path);
			e->usable = session_check_input(posts[i].post, posts[i].cfg, &scratch);
			report_release(&scratch);
		}
		if (posts[i].cfg)
			file_config_init(&e->fc, posts[i].cfg, posts[i].abs_path);
		e->view = (struct post_view){
			.post = posts[i].post,
			.default_platforms = posts[i].cfg ? e->fc.platforms : platforms,
			.default_lang = e->fc.lang ? e->fc.lang : lang ? lang : "en",
			.in_set = true, .owner = e };
		e->light_view = e->view;
		e->light_view.light = true;
		e->light_view.collected = posts[i].collected;
		if (need_collect && e->usable && !posts[i].collected) {
			/* whole posts (rule tests, --fix, --stdin): collect here */
			e->own = xcalloc(1, sizeof(*e->own));
			collected_init(e->own, s->rules->ncollect);
			post_tokens(e->view.post);
			collect_all(s, &e->view, posts[i].cfg, posts[i].cfg ? &e->fc : NULL, e->own);
			collected_account(e->own, s->opts.collect_budget);
			release(s);
			e->light_view.collected = e->own;
		}
	}
	size_t number = 0; /* of the wanted rule ri */
	for (size_t ri = 0; ri < s->rules->nrules; ri++) {
		const struct rule *r = &s->rules->rules[ri];
		if (test_rule ? r != test_rule : !wanted(s, r, which))
			continue;
		if (!test_rule && (number++ < from || number > to))
			continue;
		for (size_t i = 0; i < n; i++) {
			struct set_entry *e = &entries[i];
			e->enabled = e->usable && posts[i].report;
			e->reported = 0;
			if (test_rule) {
				e->severity = r->severity ? r->severity : SEVERITY_WARNING;
				e->forced = false;
				e->options = test_options;
			} else if (e->enabled) {
				e->enabled = session_rule_setting(s, r, posts[i].cfg ? &e->fc : NULL,
								  posts[i].post, &e->severity,
								  &e->forced, &e->options);
			}
		}
		if (r->has_collect)
			report_collect_errors(s, ri, entries, n);
		if (r->has_collect && report_collect_over(s, ri, entries, n))
			continue;
		/* one call per distinct options among the linted posts (usually one) */
		bool *done = xcalloc(n, sizeof(bool));
		for (size_t i = 0; i < n; i++) {
			if (!entries[i].enabled || done[i])
				continue;
			for (size_t k = i; k < n; k++)
				if (entries[k].enabled && entries[k].options == entries[i].options)
					done[k] = true;
			run_group(s, ri, entries, n, entries[i].options, !test_rule);
		}
		free(done);
	}
	release(s);
	for (size_t i = 0; i < n; i++) {
		file_config_release(&entries[i].fc);
		if (entries[i].own) {
			collected_release(entries[i].own);
			free(entries[i].own);
		}
	}
	free(entries);
}

/* Posts of a calendar from which the garbage is collected before its tables are built (below).
 * A few posts' tables weigh little, and a full collection costs 1 ms in a state with every
 * library of the rules loaded (4.5 MB: the resident server's), a tenth of a commit's run. */
#define COLLECT_BEFORE_SET 256

void session_lint_set(struct session *s, struct set_post *posts, size_t n, enum set_rules which)
{
	session_lint_set_part(s, posts, n, which, 0, 1);
}

void session_lint_set_part(struct session *s, struct set_post *posts, size_t n,
			   enum set_rules which, size_t part, size_t parts)
{
	size_t count = session_count_set_rules(s, which);
	size_t from = part * count / parts, to = (part + 1) * count / parts;
	if (from >= to || n == 0)
		return;
	/* The state linted posts one by one before: its garbage is collected now, before the
	 * rules across posts build a table per post. Left to the incremental collector, a cycle
	 * caught midway let the heap peak some 11 MB higher in about a third of the runs over
	 * 10,000 posts (74-75 MB against 62-64 MB peak RSS, decided by chance); a full
	 * collection here costs half a millisecond at 10,000 posts. */
	long long started = timing_now();
	if (n >= COLLECT_BEFORE_SET)
		host_collect(s->host);
	timing_add("(host: collect garbage)", started);
	lint_set(s, posts, n, NULL, NULL, NULL, NULL, which, from, to);
}

void session_lint_set_one(struct session *s, const struct rule *rule, const struct value *options,
			  const char *const *platforms, const char *lang, struct set_post *posts,
			  size_t n)
{
	if (rule->has_check_set && n > 0)
		lint_set(s, posts, n, rule, options, platforms, lang, SET_RULES_ALL, 0, SIZE_MAX);
}

void session_merge_set(struct session *s, struct post *post, struct report *set_findings,
		       struct report *report)
{
	if (!set_findings || set_findings->findings.len == 0)
		return;
	suppress_apply(post, set_findings, session_rule_exists, s);
	size_t located = report->findings.len; /* the post's own, located when it was linted */
	for (size_t i = 0; i < set_findings->findings.len; i++) {
		struct finding *f = &set_findings->findings.items[i];
		/* switches naming unknown rules were reported when the post was linted */
		if (f->internal && strcmp(f->rule, RULE_DIRECTIVE) == 0) {
			finding_release(f);
			continue;
		}
		report_add(report, f);
	}
	set_findings->findings.len = 0;
	report_locate_from(report, post, located);
	report_sort(report);
}
