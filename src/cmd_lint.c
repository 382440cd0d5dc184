/* The lint command: sources -> (worker threads) post -> rules -> fixes -> reports, printed
 * and written in file order by the main thread (see cmd_lint.h). */
#include "cmd_lint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "calendar.h"
#include "cmd.h"
#include "config.h"
#include "diff.h"
#include "fixer.h"
#include "fmt.h"
#include "jobs.h"
#include "print_ahead.h"
#include "lua/api.h"
#include "post.h"
#include "safe_write.h"
#include "session.h"
#include "source.h"
#include "timing.h"
#include "util/hash.h"
#include "util/xalloc.h"

static void count(struct summary *sum, const struct report *r)
{
	sum->files++;
	if (r->findings.len)
		sum->files_with_problems++;
	for (size_t i = 0; i < r->findings.len; i++) {
		const struct finding *f = &r->findings.items[i];
		if (f->severity == SEVERITY_ERROR)
			sum->errors++;
		else if (f->severity == SEVERITY_WARNING)
			sum->warnings++;
		else
			sum->infos++;
		if (f->nfix)
			sum->fixable++;
		else if (f->nsuggestions)
			sum->suggestive++;
	}
}

static bool use_color(const struct cli *cli)
{
	if (cli->color_set)
		return cli->color;
	const char *no = getenv("NO_COLOR");
	return isatty(STDOUT_FILENO) && !(no && *no);
}

struct bad_configs;

/* collect_pass, once every post is computed: check_set of the rules with collect over the
 * collected data of the linted and the context posts, in parts that the threads run at the
 * same time, each part's rules in its thread's session (session_lint_set_part): prepared by
 * calendar_prepare, run by calendar_part, joined by collected_job. */
struct calendar_pass {
	struct set_post *posts; /* the calendar; part 0 reports into the calendar's reports */
	size_t n;
	size_t parts;           /* 0: the cache's calendar entry answered */
	struct set_post **part_posts;  /* per part: its posts (part 0: posts; the others: copies
					* with the part's own reports) */
	struct report **part_reports;  /* per part from 1: a report per post (linted ones) */
	bool *part_failed;             /* per part: a rule error */
	size_t *before; /* per post: findings in its calendar report before the rules ran */
	bool keyed;
	uint64_t key[2];
	long long started;
};

/* From this many files, a run that waited for its calendar prepares its output on two
 * threads (below that, starting the thread costs more than it saves); at most this many
 * files ahead of the printing, each in a buffer of its own, reused. */
#define PRINT_AHEAD_MIN_FILES 64
#define PRINT_AHEAD_WINDOW 256

/* What every file of a lint run shares. */
struct lint_run {
	const struct cli *cli;
	struct session *s;
	struct cache *cache;  /* --cache, or NULL */
	struct calendar *set; /* findings of the rules across posts, or NULL */
	const struct formatter *fmt;
	struct fmt_ctx *ctx;
	struct summary *sum;
	struct buf *diff; /* --diff */
	const struct source_file *files; /* the list linted: a file's index is its calendar key */
	const struct bad_configs *bad;
	struct file_result *results;     /* per file, computed by any thread (--jobs) */
	bool trouble;
	/* --jobs: the calendar runs on the main thread while the workers lint */
	const struct source_list *all;
	struct source_list *calendar; /* (its blobs are read on the main thread, when needed) */
	struct session_options opts;
	struct config_store *configs;
	/* rules across posts with collect: the workers collect their data from every post
	 * (linted, and the calendar's context posts after them) and check_set runs once all
	 * are done */
	bool collect_pass;
	struct context_result *context;
	unsigned threads; /* the threads that lint, the caller's included */
	struct calendar_pass pass;
	/* the output prepared on a helper thread too (print_ahead.h), or NULL; file i's is in
	 * slot i % PRINT_AHEAD_WINDOW of ahead_out */
	struct print_ahead *ahead;
	struct buf *ahead_out;
};

/* The results of a run with a collect pass, left to the process's exit (cmd_lint always
 * ends the process) and reachable from here until then: every post and report of the run
 * is held until the calendar is judged, and freeing them one by one as they are printed
 * was a third of the printing at 100,000 posts (glibc's free, chunk merging and
 * malloc_consolidate on memory gone cold), on the main thread while the other cores idle.
 * Nothing is allocated in its place: the memory peaked when the calendar was judged.
 * (Volatile: a store that is never read back would be dropped, and the results lost.) */
static struct file_result *volatile results_left_to_exit;
/* ...and so are the calendar's context posts (the hook's 10,000 light posts and their
 * collected data: freeing them was 4% of a new commit's instructions, after its output) */
static struct context_result *volatile context_left_to_exit;

/* One file's lint, computed by any thread and delivered (fixes written, set findings merged,
 * printed) by the main thread in file order. */
struct file_result {
	struct report r;
	struct post *post;      /* the linted post (NULL: not read) */
	struct fixer_result *fr; /* fix modes (owned); a pointer: the thousands of results
				  * waiting for the calendar have none */
	char *read_error;       /* the file could not be read */
	struct collected col;   /* collect_pass: its data for the rules across posts */
	size_t rule_errors;     /* rule errors while linting it */
	bool skipped;           /* its .lintrc is broken: already reported */
	bool keyed;             /* --cache: key is its entry's (see cache_lint) */
	bool printed_ahead;     /* merged and formatted into its slot (prepare_delivery) */
	uint64_t key[2];
};

/* A post of the calendar that is not linted: its collected data (collect_pass). */
struct context_result {
	struct post *post; /* shrunk to path and meta, or NULL when rules cannot see it */
	struct collected col;
	bool from_pack; /* answered by the cache's pack of light posts before the run */
	bool deferred;  /* ...seen by rules: its light post is made if the calendar is judged */
	bool computed;  /* read and collected (or found unusable) by context_compute */
	bool keyed;     /* --cache: key is its entry's (cache_post_key; the pack's too) */
	uint64_t key[2];
};

/* After the fix loop changed a file: write it, or add its diff, as cli asks. Returns false
 * when the file was not written (said on stderr), leaving it untouched; *trouble tells
 * whether that is an I/O problem (exit 2) or, for a staged blob whose work tree file has
 * other changes, simply a fix postlint may not make. */
static bool deliver_fixes(const struct lint_run *run, const struct source_file *f,
			  const struct post *fixed, const struct fixer_result *fr, bool *trouble)
{
	struct buf err = BUF_INIT;
	int rc = 0;
	*trouble = false;
	if (run->cli->fix_mode == FIX_DIFF) {
		rc = diff_unified(f->display, fr->original, fr->original_len, fixed->text, fixed->len,
				  run->diff, &err);
	} else if (run->cli->fix_mode == FIX_WRITE && f->origin != SOURCE_STDIN) {
		/* a blob from git is written to the work tree only where the work tree holds the
		 * same bytes; the index is never touched */
		rc = safe_write(f->abs_path, fr->original, fr->original_len, fixed->text, fixed->len,
				&err);
		if (rc == SAFE_WRITE_CHANGED && f->origin == SOURCE_GIT) {
			/* the user has unstaged edits there: not an error, a fix we may not make */
			fprintf(stderr, "postlint: %s: the work tree file differs from the version "
					"linted (staged or committed): fixes not written\n", f->display);
			buf_release(&err);
			return false;
		}
	}
	if (rc < 0) {
		fprintf(stderr, "postlint: %s: %s\n", f->display, err.ptr);
		*trouble = true;
	}
	buf_release(&err);
	return rc == 0;
}

/* The fix modes, after the fix loop (fixer_run) made post: deliver the fixes. Returns the
 * post whose findings are in *r: the fixed text, or the original when the fixes could not be
 * delivered. Takes post and fr. */
static struct post *fix_deliver(const struct lint_run *run, const struct source_file *f,
				struct post *post, struct fixer_result fr, struct report *r,
				bool *trouble)
{
	if (fr.applied && !deliver_fixes(run, f, post, &fr, trouble)) {
		/* not written: what the user has is the original, so report on that */
		post_free(post);
		report_release(r);
		post = fr.first;
		*r = fr.first_report;
		fr.first = NULL;
	} else if (fr.applied) {
		r->fixes_applied = fr.applied;
		run->sum->fixed += fr.applied;
		run->sum->files_fixed++;
		/* --fix --staged: the commit holds the unfixed blob until it is staged again */
		if (f->origin == SOURCE_GIT && run->cli->fix_mode == FIX_WRITE)
			run->sum->restage++;
	}
	if (r->fixes_applied && run->set) {
		/* rules across posts judged the text as read: their findings move by line */
		struct report moved;
		report_init(&moved, f->display);
		calendar_merge(run->set, run->s, (size_t)(f - run->files), fr.first, &moved);
		fixer_move_findings(post, &moved, r);
		report_release(&moved);
	}
	fixer_result_release(&fr);
	return post;
}

static bool is_bad(const struct bad_configs *bad, const struct config *c);

/* Lints file i with session s into its result (any thread: touches only that result). */
static void lint_compute(const struct lint_run *run, struct session *s, size_t i)
{
	const struct source_file *f = &run->files[i];
	struct file_result *res = &run->results[i];
	if (!f->config || is_bad(run->bad, f->config)) {
		res->skipped = true;
		return;
	}
	report_init(&res->r, f->display);
	char *data;
	size_t len;
	struct buf err = BUF_INIT;
	if (source_file_read(f, &data, &len, &err) < 0) {
		res->read_error = xstrdup(err.ptr);
		buf_release(&err);
		return;
	}
	buf_release(&err);
	size_t rule_errors = s->rule_errors;
	if (run->cli->fix_mode == FIX_NONE) {
		res->post = post_new(f->display, data, len);
		res->keyed = cache_lint(run->cache, s, res->post, f->abs_path, f->config, &res->r,
					run->collect_pass ? &res->col : NULL, res->key);
		if (run->collect_pass) {
			/* it waits for the calendar: keep it small, with room for one finding of
			 * the rules across posts (most posts that get any get one: joining it then
			 * moves no memory this thread made, where that realloc on the main
			 * thread was an eighth of printing 10,000 posts) */
			post_shrink(res->post, true);
			report_compact(&res->r, 1);
			collected_account(&res->col, run->opts.collect_budget);
			collected_compact(&res->col);
		}
	} else {
		res->fr = xcalloc(1, sizeof(*res->fr));
		res->post = fixer_run(s, f->display, data, len, f->abs_path, f->config,
				      run->cli->unsafe_fixes, &res->r, res->fr);
	}
	res->rule_errors = s->rule_errors - rule_errors;
}

/* Delivers file i's result (main thread, in file order): fixes written or diffed, findings
 * of rules across posts merged, the report printed and counted. Returns true on trouble (a
 * rule error, a file that could not be read or written). */
static bool lint_deliver(const struct lint_run *run, size_t i)
{
	const struct cli *cli = run->cli;
	const struct source_file *f = &run->files[i];
	struct file_result *res = &run->results[i];
	if (res->skipped)
		return false;
	struct report *r = &res->r;
	if (res->read_error) {
		report_addf(r, RULE_IO_ERROR, SEVERITY_ERROR, 0, 0, "%s", res->read_error);
		report_locate(r, NULL);
		r->skipped = true;
		if (cli->fix_mode != FIX_DIFF)
			run->fmt->file(run->ctx, r, NULL);
		count(run->sum, r);
		report_release(r);
		free(res->read_error);
		return true;
	}
	size_t rule_errors = run->s->rule_errors;
	bool trouble = res->rule_errors > 0;
	struct post *post = res->post;
	if (res->fr) {
		post = fix_deliver(run, f, post, *res->fr, r, &trouble);
		free(res->fr);
		res->fr = NULL;
	}
	if (res->printed_ahead) {
		const struct buf *out = &run->ahead_out[i % PRINT_AHEAD_WINDOW];
		fwrite(out->ptr, 1, out->len, run->ctx->out);
	} else {
		if (!r->fixes_applied)
			calendar_merge(run->set, run->s, i, post, r);
		trouble |= run->s->rule_errors > rule_errors;
		if (cli->fix_mode != FIX_DIFF)
			run->fmt->file(run->ctx, r, post);
	}
	if (cli->fix_mode == FIX_WRITE && f->origin == SOURCE_STDIN) /* an editor's filter */
		fwrite(post->text, 1, post->len, stdout);
	count(run->sum, r);
	if (run->collect_pass) {
		/* every result was held for the calendar and the process ends after the run:
		 * what it holds is left to the exit (results_left_to_exit) */
		res->post = post;
		return trouble;
	}
	post_free(post);
	report_release(r);
	collected_release(&res->col);
	return trouble;
}

/* Collects the data of context post k (any thread; touches only its result). */
static void context_compute(const struct lint_run *run, struct session *s, size_t k)
{
	const struct source_file *f = &run->calendar->items[k];
	struct context_result *res = &run->context[k];
	if (res->from_pack || !f->config || is_bad(run->bad, f->config))
		return;
	char *data;
	size_t len;
	if (source_file_read(f, &data, &len, NULL) < 0)
		return; /* context that cannot be read is left out, as before */
	struct post *post = post_new(f->display, data, len);
	res->computed = true;
	if (cache_collect(run->cache, s, post, f->abs_path, f->config, &res->col)) {
		post_shrink(post, false);
		collected_account(&res->col, run->opts.collect_budget);
		collected_compact(&res->col);
		res->post = post;
	} else {
		post_free(post);
	}
}

/* --jobs callbacks */
static void *worker_session(void *ud)
{
	struct lint_run *run = ud;
	return session_new(&run->opts, run->configs);
}

static void worker_session_free(void *state, void *ud)
{
	(void)ud;
	session_ends_with_process(state); /* (as the main session: see the end of cmd_lint) */
	session_free(state);
}

static void compute_job(void *state, size_t i, void *ud)
{
	const struct lint_run *run = ud;
	size_t nfiles = run->all->len;
	if (i < nfiles)
		lint_compute(run, state, i);
	else
		context_compute(run, state, i - nfiles);
}

static void deliver_job(size_t i, void *ud)
{
	struct lint_run *run = ud;
	long long started = timing_now();
	if (run->ahead)
		print_ahead_wait(run->ahead, i);
	run->trouble |= lint_deliver(run, i);
	timing_add("(host: merge and print)", started);
}

/* File i's delivery made ahead of it (print_ahead.h; any thread, file i's result only): the
 * calendar's findings joined to its report (reading the session's rules, changing nothing
 * shared) and its output formatted to a buffer; lint_deliver then writes it in order. */
static void prepare_delivery(size_t i, void *ud)
{
	const struct lint_run *run = ud;
	struct file_result *res = &run->results[i];
	if (res->skipped || res->read_error || !res->post)
		return;
	calendar_merge(run->set, run->s, i, res->post, &res->r);
	struct buf *out = &run->ahead_out[i % PRINT_AHEAD_WINDOW];
	buf_reset(out);
	run->fmt->file_to_buf(run->ctx, &res->r, res->post, out);
	res->printed_ahead = true;
}

/* Rules across posts that read whole posts: their findings join each file's report when it
 * is delivered. With collect_pass, only the rules without collect run here. */
static void calendar_job(void *ud)
{
	struct lint_run *run = ud;
	long long started = timing_now();
	calendar_lint(run->set, run->s, run->all, run->calendar,
		      run->collect_pass ? SET_RULES_WITHOUT_COLLECT : SET_RULES_ALL);
	timing_add("(host: calendar, whole posts)", started);
	run->trouble |= run->s->rule_errors > 0;
}

/* --cache: the calendar's context posts read this run go to the pack of light posts, so that
 * the next run (the next commit's hook) need not read them. Linted posts are not kept: a run
 * over the whole repository has no context to answer, and a commit's few posts cost the next
 * hook a few reads. */
static void keep_light_posts(const struct lint_run *run)
{
	if (!run->cache)
		return;
	for (size_t k = 0; k < run->calendar->len; k++) {
		const struct context_result *res = &run->context[k];
		if (res->computed)
			cache_light_keep(run->cache, run->s, &run->calendar->items[k], res->post,
					 &res->col);
	}
}

/* Before the run: the calendar's posts the cache's pack knows need no blob read and no
 * collect; the others are read from git now, on this thread (libgit2 stays on one). Without
 * rules across posts nothing is read. */
static void prepare_calendar(const struct lint_run *run)
{
	if (!run->set)
		return;
	long long started = timing_now();
	struct source_list *calendar = run->calendar;
	/* with --cache, each context post's entry key (the calendar key's part, and the pack's
	 * key), and the pack asked for the posts it holds */
	bool keys = run->cache && run->collect_pass;
	bool *skip = keys && !session_has_set_rules_of(run->s, SET_RULES_WITHOUT_COLLECT)
			     ? xcalloc(calendar->len + 1, sizeof(bool))
			     : NULL;
	for (size_t k = 0; keys && k < calendar->len; k++) {
		const struct source_file *f = &calendar->items[k];
		struct context_result *res = &run->context[k];
		res->keyed = f->blob_id[0] != '\0';
		if (res->keyed)
			cache_post_key(run->cache, f, res->key);
		if (!skip)
			continue;
		if (!f->config || is_bad(run->bad, f->config))
			skip[k] = true;
		else if (res->keyed && cache_light_peek(run->cache, res->key, &res->deferred))
			skip[k] = res->from_pack = true;
	}
	source_git_read_unread(calendar, skip);
	free(skip);
	timing_add("(host: calendar, prepare)", started);
}

/* --cache: the key of a calendar, mixed from its posts' entry keys in the order they are
 * handed to the rules (see cache_calendar_find); none (ok false) once a post has no key - a
 * rule failed on it, or it is context read from disk rather than git. */
struct calendar_key {
	uint64_t h[2];
	bool ok;
};

static void calendar_key_add(struct calendar_key *k, const uint64_t post_key[2], bool has_key,
			     bool linted)
{
	k->ok = k->ok && has_key;
	if (k->ok) {
		hash128_mix(k->h, post_key, 2 * sizeof(*post_key));
		hash128_word(k->h, linted);
	}
}

/* The calendar's posts in the order the rules see them, into the pass (posts, n, and the
 * key mixed from their entries' keys). A context post the pack answered counts by its key
 * before its light post is made (deferred). */
static void gather_calendar(struct lint_run *run)
{
	struct calendar_pass *cp = &run->pass;
	size_t nfiles = run->all->len, ncontext = run->calendar->len;
	struct set_post *posts = xcalloc(nfiles + ncontext + 1, sizeof(*posts));
	size_t n = 0;
	struct calendar_key key = { { 0x9e3779b97f4a7c15ULL, 0xc2b2ae3d27d4eb4fULL },
				    run->cache != NULL };
	for (size_t i = 0; i < nfiles; i++) {
		const struct source_file *f = &run->files[i];
		struct file_result *res = &run->results[i];
		if (!res->post || res->skipped)
			continue;
		posts[n++] = (struct set_post){ .post = res->post, .abs_path = f->abs_path,
						.cfg = f->config,
						.report = calendar_report(run->set, i),
						.collected = &res->col };
		calendar_key_add(&key, res->key, res->keyed, true);
	}
	for (size_t k = 0; k < ncontext; k++) {
		const struct source_file *f = &run->calendar->items[k];
		struct context_result *res = &run->context[k];
		if (!res->post && !res->deferred)
			continue;
		posts[n++] = (struct set_post){ .post = res->post, .abs_path = f->abs_path,
						.cfg = f->config, .collected = &res->col };
		calendar_key_add(&key, res->key, res->keyed, false);
	}
	cp->posts = posts;
	cp->n = n;
	cp->keyed = key.ok;
	memcpy(cp->key, key.h, sizeof(cp->key));
}

/* The light posts of the context posts the pack answered, made now that the calendar is
 * judged. One whose payload turns out damaged is read from git and collected here (this is
 * the main thread: libgit2 stays on it). Returns whether there were any. */
static bool load_deferred(struct lint_run *run)
{
	long long started = timing_now();
	size_t ncontext = run->calendar->len;
	bool any = false, *skip = NULL; /* (for the git reads: all but the damaged ones) */
	const struct collect_budget *budget = run->opts.collect_budget;
	size_t *sums = budget ? xcalloc(budget->nslots + 1, sizeof(*sums)) : NULL;
	for (size_t k = 0; k < ncontext; k++) {
		struct context_result *res = &run->context[k];
		if (!res->deferred)
			continue;
		any = true;
		res->deferred = false;
		if (cache_light_load(run->cache, run->s, res->key, run->calendar->items[k].display,
				     &res->post, &res->col)) {
			if (sums) /* the pack's data, mapped: counted, nothing to drop */
				collected_tally(&res->col, sums, budget->nslots);
			continue;
		}
		res->from_pack = false;
		if (!skip) {
			skip = xcalloc(ncontext, sizeof(*skip));
			for (size_t i = 0; i < ncontext; i++)
				skip[i] = true;
		}
		skip[k] = false;
	}
	if (skip) {
		source_git_read_unread(run->calendar, skip);
		for (size_t k = 0; k < ncontext; k++)
			if (!skip[k])
				context_compute(run, run->s, k);
		free(skip);
	}
	if (sums)
		collect_budget_add(budget, sums);
	free(sums);
	if (any)
		timing_add("(host: calendar, light posts)", started);
	return any;
}

static size_t calendar_prepare(void *ud)
{
	struct lint_run *run = ud;
	struct calendar_pass *cp = &run->pass;
	cp->started = timing_now();
	gather_calendar(run);
	if (cp->keyed && cache_calendar_find(run->cache, cp->key, cp->posts, cp->n))
		return cp->parts = 0;
	if (load_deferred(run)) {
		/* again, with the light posts (a damaged one that git could not give is left out,
		 * and the key no longer names it) */
		free(cp->posts);
		gather_calendar(run);
	}
	struct set_post *posts = cp->posts;
	size_t n = cp->n;
	cp->before = xcalloc(n + 1, sizeof(*cp->before));
	for (size_t k = 0; k < n; k++)
		cp->before[k] = posts[k].report ? posts[k].report->findings.len : 0;
	/* one part per thread, each at least one rule; a single part is session_lint_set */
	size_t rules = session_count_set_rules(run->s, SET_RULES_WITH_COLLECT);
	cp->parts = run->threads < rules ? run->threads : rules;
	if (cp->parts == 0)
		cp->parts = 1;
	cp->part_failed = xcalloc(cp->parts, sizeof(*cp->part_failed));
	cp->part_posts = xcalloc(cp->parts, sizeof(*cp->part_posts));
	cp->part_reports = xcalloc(cp->parts, sizeof(*cp->part_reports));
	cp->part_posts[0] = posts;
	for (size_t part = 1; part < cp->parts; part++) {
		struct set_post *own = xcalloc(n + 1, sizeof(*own));
		struct report *reports = xcalloc(n + 1, sizeof(*reports)); /* empty, no path */
		for (size_t k = 0; k < n; k++) {
			own[k] = posts[k];
			if (posts[k].report)
				own[k].report = &reports[k];
		}
		cp->part_posts[part] = own;
		cp->part_reports[part] = reports;
	}
	return cp->parts;
}

static void calendar_part(void *state, size_t part, void *ud)
{
	struct lint_run *run = ud;
	struct calendar_pass *cp = &run->pass;
	struct session *s = state;
	size_t rule_errors = s->rule_errors;
	session_lint_set_part(s, cp->part_posts[part], cp->n, SET_RULES_WITH_COLLECT, part,
			      cp->parts);
	cp->part_failed[part] = s->rule_errors > rule_errors;
}

static void collected_job(void *ud)
{
	struct lint_run *run = ud;
	struct calendar_pass *cp = &run->pass;
	bool failed = false;
	for (size_t part = 0; part < cp->parts; part++) {
		failed |= cp->part_failed[part];
		if (part == 0)
			continue;
		/* after the parts before it, as one session_lint_set would have reported them */
		for (size_t k = 0; k < cp->n; k++) {
			struct report *from = &cp->part_reports[part][k];
			for (size_t i = 0; i < from->findings.len; i++)
				report_add(cp->posts[k].report, &from->findings.items[i]);
			from->findings.len = 0;
			report_release(from);
		}
		free(cp->part_reports[part]);
		free(cp->part_posts[part]);
	}
	run->trouble |= failed;
	if (cp->parts > 0 && cp->keyed && !failed)
		cache_calendar_keep(run->cache, cp->key, cp->posts, cp->n, cp->before);
	free(cp->part_posts);
	free(cp->part_reports);
	free(cp->part_failed);
	free(cp->before);
	free(cp->posts);
	keep_light_posts(run);
	timing_add("(host: calendar, collected)", cp->started);
	/* printing waited for the calendar, on this thread alone: formatting (and joining the
	 * calendar's findings) was a twentieth of a 10,000-post run's wall time, with the
	 * other cores idle */
	if (run->fmt->file_to_buf && run->cli->fix_mode == FIX_NONE && run->threads > 1 &&
	    run->all->len >= PRINT_AHEAD_MIN_FILES) {
		run->ahead_out = xcalloc(PRINT_AHEAD_WINDOW, sizeof(*run->ahead_out));
		run->ahead = print_ahead_start(run->all->len, PRINT_AHEAD_WINDOW,
					       prepare_delivery, run);
	}
}

/* From this many posts to lint or collect, the Lua states collect generationally (host.c:
 * host_collect_generationally): 4% less CPU time at 10,000 posts, about 2% at 500 and
 * 1,000, nothing at 250, and a loss for a few posts. */
#define MANY_POSTS 1000

/* What a rule across posts may keep of its collected data over a run (collected.h): the
 * largest memory limit of the run's configs (memory_mb: 64 MB unless set), and 2 KB a post -
 * the built-in rules keep a few hundred bytes a post. */
#define COLLECT_BYTES_PER_POST (2u << 10)

static size_t collect_max_bytes(const struct config_store *configs, size_t posts)
{
	size_t memory = config_store_count(configs) ? 0 : HOST_DEFAULT_MEMORY;
	for (size_t i = 0; i < config_store_count(configs); i++)
		if (config_store_get(configs, i)->limits.memory > memory)
			memory = config_store_get(configs, i)->limits.memory;
	return memory + COLLECT_BYTES_PER_POST * posts;
}

/* Threads besides the main one: --jobs (default: the cores), never more than the posts
 * call for, and none for a few (a commit, an editor), where a worker's Lua state and rules
 * would cost more than they save. nfiles counts the posts with work to do: those to lint,
 * and the context posts to read and collect. */
static unsigned lint_threads(const struct cli *cli, size_t nfiles)
{
	if (cli->stdin_input || nfiles < 8)
		return 0;
	size_t jobs = cli->jobs > 0 ? (size_t)cli->jobs : jobs_cores();
	if (jobs > nfiles / 4)
		jobs = nfiles / 4;
	return jobs > 1 ? (unsigned)(jobs - 1) : 0;
}

/* Configs that failed their check against the rules: their files are not linted. */
struct bad_configs {
	const struct config **items;
	size_t len;
};

static bool is_bad(const struct bad_configs *bad, const struct config *c)
{
	for (size_t i = 0; i < bad->len; i++)
		if (bad->items[i] == c)
			return true;
	return false;
}

/* A report to a file or a pipe goes out in large writes. glibc buffers such a stream by
 * its block size, 4 KB for a pipe, /dev/null and most files: one write(2) per 4 KB, 2,400
 * of them for a 10,000-post run's report (9.7 MB). A terminal keeps its line buffering. */
static void buffer_the_report(void)
{
	static char report_buffer[1 << 16];
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, report_buffer, _IOFBF, sizeof(report_buffer));
}

int cmd_lint(const struct cli *cli)
{
	bool trouble = false;
	buffer_the_report();
	struct config_store *configs = config_store_new(cli->config_path);
	struct source_list files = { 0 }, calendar = { 0 };
	struct buf errors = BUF_INIT;
	struct source_query query = { cli->args, cli->nargs, cli->staged, cli->since, cli->rev };
	bool fatal = false;
	/* the Lua state and built-in rules first; the plugins of the configs found with the
	 * posts come after */
	struct session_options opts = cmd_session_options(cli);
	long long started = timing_now();
	struct session *s = session_new(&opts, configs);
	timing_add("(host: Lua state and rules)", started);
	if (!s) {
		fprintf(stderr, "postlint: cannot create a Lua state\n");
		config_store_free(configs);
		buf_release(&errors);
		return EXIT_TROUBLE;
	}
	started = timing_now();
	if (cli->stdin_input ? source_collect_stdin(cli->stdin_filename, configs, &files, &errors)
			     : source_select(&query, configs, &files, &calendar, &errors, &fatal))
		trouble = true;
	timing_add("(host: find the posts)", started);
	cmd_print_lines(stderr, "postlint: ", errors.ptr);
	buf_reset(&errors);
	if (fatal) {
		session_free(s);
		config_store_free(configs);
		source_list_release(&files);
		source_list_release(&calendar);
		buf_release(&errors);
		return EXIT_TROUBLE;
	}
	if (config_store_errors(configs)) {
		cmd_print_lines(stderr, "postlint: ", config_store_errors(configs));
		trouble = true;
	}
	session_load_plugins(s);
	trouble |= cmd_report_load_errors(s);
	struct bad_configs bad = { xcalloc(config_store_count(configs) + 1, sizeof(void *)), 0 };
	for (size_t i = 0; i < config_store_count(configs); i++) {
		const struct config *c = config_store_get(configs, i);
		if (config_check_rules(c, s->rules, &errors)) {
			bad.items[bad.len++] = c;
			trouble = true;
		}
	}
	if (session_check_cli(s, &errors)) {
		cmd_print_lines(stderr, "postlint: ", errors.ptr);
		free(bad.items);
		buf_release(&errors);
		session_free(s);
		config_store_free(configs);
		source_list_release(&files);
		source_list_release(&calendar);
		return EXIT_TROUBLE;
	}
	struct collect_budget budget;
	collect_budget_init(&budget, s->rules->ncollect,
			    collect_max_bytes(configs, files.len + calendar.len));
	s->opts.collect_budget = opts.collect_budget = &budget; /* opts: the workers' sessions */
	cmd_print_lines(stderr, "postlint: ", errors.ptr);
	buf_reset(&errors);
	struct cache *cache = cli->cache ? cache_open(s, &errors) : NULL;
	cache_expect_posts(cache, files.len);
	cmd_print_lines(stderr, "postlint: ", errors.ptr);

	const struct formatter *fmt = fmt_find(cli->format);
	struct fmt_ctx ctx = { .out = stdout, .color = use_color(cli), .quiet = cli->quiet,
			       .verbose = cli->verbose, .rules = s->rules };
	if (cli->fix_mode == FIX_WRITE)
		ctx.mode = FMT_FIXED;
	else if (cli->fix_mode == FIX_DRY_RUN)
		ctx.mode = FMT_FIX_PREVIEW;
	/* --fix --stdin writes the fixed text to stdout, so the report goes to stderr; stdin
	 * that the .lintrc excludes passes through as it came */
	bool stdin_filter = cli->stdin_input && cli->fix_mode == FIX_WRITE;
	if (stdin_filter)
		ctx.out = stderr;
	if (stdin_filter && files.excluded_stdin)
		fwrite(files.excluded_stdin, 1, files.excluded_stdin_len, stdout);
	struct summary sum = { 0 };
	struct buf diff = BUF_INIT;
	struct calendar *set = calendar_new(s, &files);
	/* the fix modes judge the calendar as read, from whole posts: no collect pass */
	bool collect_pass = set && cli->fix_mode == FIX_NONE && session_has_collect(s);
	size_t items = files.len + (collect_pass ? calendar.len : 0);
	struct lint_run run = { cli, s, cache, set, fmt, &ctx, &sum, &diff, files.items, &bad,
				xcalloc(files.len ? files.len : 1, sizeof(struct file_result)),
				false, &files, &calendar, opts, configs, collect_pass,
				xcalloc(calendar.len ? calendar.len : 1,
					sizeof(struct context_result)),
				1, { 0 }, NULL, NULL };
	prepare_calendar(&run);
	if (cli->fix_mode != FIX_DIFF)
		fmt->begin(&ctx);
	/* the context posts the cache's pack answered are items with nothing to do: counted,
	 * the hook's 10,000 of them started a worker (a Lua state and the rules) for none */
	size_t busy = files.len;
	for (size_t k = 0; collect_pass && k < calendar.len; k++)
		busy += !run.context[k].from_pack;
	if (busy >= MANY_POSTS) {
		session_expect_many_posts(s);
		run.opts.many_posts = true; /* the workers' sessions */
	}
	struct jobs jobs = { .n = items, .deliver_n = files.len,
			     .threads = lint_threads(cli, busy), .ud = &run, .caller_state = s,
			     .state_new = worker_session, .state_free = worker_session_free,
			     .first = calendar_job,
			     .after_compute = collect_pass ? collected_job : NULL,
			     .before_tasks = collect_pass ? calendar_prepare : NULL,
			     .task = collect_pass ? calendar_part : NULL,
			     .compute = compute_job, .deliver = deliver_job };
	/* the calendar runs after the workers are done: its largest search may use their cores */
	run.threads = jobs.threads + 1;
	api_similar_set_threads(jobs.threads + 1);
	if (files.len > 0 || !collect_pass)
		jobs_run(&jobs);
	print_ahead_finish(run.ahead);
	for (size_t k = 0; run.ahead_out && k < PRINT_AHEAD_WINDOW; k++)
		buf_release(&run.ahead_out[k]);
	free(run.ahead_out);
	api_similar_set_threads(1);
	trouble |= run.trouble;
	if (collect_pass) {
		results_left_to_exit = run.results;
		context_left_to_exit = run.context;
	} else {
		free(run.results);
		free(run.context); /* (no context post was read: they are read to collect) */
	}
	if (cli->fix_mode == FIX_DIFF) {
		/* stdout carries the patch alone, so that it can be piped to git apply */
		fwrite(diff.ptr, 1, diff.len, stdout);
		fprintf(stderr, "postlint: %zu %s would change %zu %s\n", sum.fixed,
			sum.fixed == 1 ? "fix" : "fixes", sum.files_fixed,
			sum.files_fixed == 1 ? "file" : "files");
	} else {
		fmt->end(&ctx, &sum);
	}
	fflush(stdout);
	buf_release(&diff);
	if (cache && cli->verbose) {
		size_t reused, linted;
		cache_counts(cache, &reused, &linted);
		fprintf(stderr, "postlint: cache: %zu reused, %zu linted (%s)\n", reused, linted,
			cache_dir(cache));
	}

	timing_print(stderr);
	cache_close(cache);
	calendar_free(set);
	source_list_release(&calendar);
	free(bad.items);
	buf_release(&errors);
	/* the process exits after this command (main.c; a server's child likewise) */
	session_ends_with_process(s);
	session_free(s);
	collect_budget_release(&budget);
	config_store_free(configs);
	source_list_release(&files);
	if (trouble)
		return EXIT_TROUBLE;
	if (sum.errors > 0)
		return EXIT_PROBLEMS;
	if (cli->fix_mode == FIX_DIFF && sum.files_fixed > 0)
		return EXIT_PROBLEMS; /* like ruff --diff: a non-empty diff is work left to do */
	if (sum.restage > 0)
		return EXIT_PROBLEMS; /* --fix --staged: stop the commit until the fixes are staged */
	if (cli->max_warnings >= 0 && sum.warnings > (size_t)cli->max_warnings)
		return EXIT_PROBLEMS;
	return EXIT_OK;
}
