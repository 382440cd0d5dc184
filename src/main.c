/* postlint: argv -> options -> command -> exit code. The only place that calls exit codes
 * by name and decides what goes to stdout and stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lua.h>
#include <yaml.h>

#include "cache.h"
#include "calendar.h"
#include "cli.h"
#include "cmd_hook.h"
#include "cmd_new_rule.h"
#include "cmd_length.h"
#include "config.h"
#include "diff.h"
#include "fixer.h"
#include "fmt.h"
#include "jobs.h"
#include "lsp/lsp.h"
#include "post.h"
#include "ruletest.h"
#include "safe_write.h"
#include "session.h"
#include "source.h"
#include "unicode.h"
#include "util/xalloc.h"
#include "version.h"

enum exit_code {
	EXIT_OK = 0,       /* no problem at error level, warnings within --max-warnings */
	EXIT_PROBLEMS = 1, /* problems found */
	EXIT_TROUBLE = 2,  /* usage, configuration, I/O or rule errors */
};

static void print_lines(FILE *f, const char *prefix, const char *text)
{
	if (!text)
		return;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n)
			fprintf(f, "%s%.*s\n", prefix, (int)n, p);
		p += n + (nl ? 1 : 0);
	}
}

static struct session_options session_options_of(const struct cli *cli)
{
	return (struct session_options){ .rules_dir = cli->rules_dir, .overrides = cli->overrides,
					 .noverrides = cli->noverrides, .only = cli->only };
}

/* Rule files that failed to load: printed once, and they make the run a failure. */
static bool report_load_errors(const struct session *s)
{
	for (size_t i = 0; i < s->rules->nerrors; i++)
		fprintf(stderr, "postlint: %s\n", s->rules->errors[i]);
	return s->rules->nerrors > 0;
}

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
	const struct source_list *all, *calendar;
	struct session_options opts;
	struct config_store *configs;
};

/* One file's lint, computed by any thread and delivered (fixes written, set findings merged,
 * printed) by the main thread in file order. */
struct file_result {
	struct report r;
	struct post *post;      /* the linted post (NULL: not read) */
	struct fixer_result fr; /* fix modes */
	char *read_error;       /* the file could not be read */
	size_t rule_errors;     /* rule errors while linting it */
	bool skipped;           /* its .lintrc is broken: already reported */
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
		if (rc < 0 && f->origin == SOURCE_GIT && strstr(err.ptr, "changed on disk")) {
			buf_reset(&err);
			buf_adds(&err, "the work tree file differs from the version linted (staged or "
				       "committed): fixes not written");
			fprintf(stderr, "postlint: %s: %s\n", f->display, err.ptr);
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
		report_init(r, f->display);
		post = post_new(f->display, fr.original, fr.original_len);
		fr.original = NULL;
		session_lint(run->s, post, f->abs_path, f->config, r);
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
		struct post *before = post_new(f->display, fr.original, fr.original_len);
		fr.original = NULL;
		calendar_merge(run->set, run->s, (size_t)(f - run->files), before, &moved);
		fixer_move_findings(post, &moved, r);
		post_free(before);
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
		cache_lint(run->cache, s, res->post, f->abs_path, f->config, &res->r);
	} else {
		res->post = fixer_run(s, f->display, data, len, f->abs_path, f->config,
				      run->cli->unsafe_fixes, &res->r, &res->fr);
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
	if (cli->fix_mode != FIX_NONE)
		post = fix_deliver(run, f, post, res->fr, r, &trouble);
	if (!r->fixes_applied)
		calendar_merge(run->set, run->s, i, post, r);
	trouble |= run->s->rule_errors > rule_errors;
	if (cli->fix_mode != FIX_DIFF)
		run->fmt->file(run->ctx, r, post);
	if (cli->fix_mode == FIX_WRITE && f->origin == SOURCE_STDIN) /* an editor's filter */
		fwrite(post->text, 1, post->len, stdout);
	count(run->sum, r);
	post_free(post);
	report_release(r);
	return trouble;
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
	session_free(state);
}

static void compute_job(void *state, size_t i, void *ud)
{
	lint_compute(ud, state, i);
}

static void deliver_job(size_t i, void *ud)
{
	struct lint_run *run = ud;
	run->trouble |= lint_deliver(run, i);
}

/* Rules across posts: their findings join each file's report when it is delivered. */
static void calendar_job(void *ud)
{
	struct lint_run *run = ud;
	run->set = calendar_lint(run->s, run->all, run->calendar);
	run->trouble |= run->s->rule_errors > 0;
}

/* Threads besides the main one: --jobs (default: the cores), never more than the files
 * call for, and none for a few files (a commit, an editor), where a worker's Lua state and
 * rules would cost more than they save. */
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

static int cmd_lint(const struct cli *cli)
{
	bool trouble = false;
	struct config_store *configs = config_store_new(cli->config_path);
	struct source_list files = { 0 }, calendar = { 0 };
	struct buf errors = BUF_INIT;
	struct source_query query = { cli->args, cli->nargs, cli->staged, cli->since, cli->rev };
	bool fatal = false;
	if (cli->stdin_input ? source_collect_stdin(cli->stdin_filename, configs, &files, &errors)
			     : source_select(&query, configs, &files, &calendar, &errors, &fatal))
		trouble = true;
	print_lines(stderr, "postlint: ", errors.ptr);
	buf_reset(&errors);
	if (fatal) {
		config_store_free(configs);
		source_list_release(&files);
		source_list_release(&calendar);
		buf_release(&errors);
		return EXIT_TROUBLE;
	}
	if (config_store_errors(configs)) {
		print_lines(stderr, "postlint: ", config_store_errors(configs));
		trouble = true;
	}
	struct session_options opts = session_options_of(cli);
	struct session *s = session_new(&opts, configs);
	if (!s) {
		fprintf(stderr, "postlint: cannot create a Lua state\n");
		config_store_free(configs);
		source_list_release(&files);
		source_list_release(&calendar);
		buf_release(&errors);
		return EXIT_TROUBLE;
	}
	trouble |= report_load_errors(s);
	struct bad_configs bad = { xcalloc(config_store_count(configs) + 1, sizeof(void *)), 0 };
	for (size_t i = 0; i < config_store_count(configs); i++) {
		const struct config *c = config_store_get(configs, i);
		if (config_check_rules(c, s->rules, &errors)) {
			bad.items[bad.len++] = c;
			trouble = true;
		}
	}
	if (session_check_cli(s, &errors)) {
		print_lines(stderr, "postlint: ", errors.ptr);
		free(bad.items);
		buf_release(&errors);
		session_free(s);
		config_store_free(configs);
		source_list_release(&files);
		source_list_release(&calendar);
		return EXIT_TROUBLE;
	}
	print_lines(stderr, "postlint: ", errors.ptr);
	buf_reset(&errors);
	struct cache *cache = cli->cache ? cache_open(s, &errors) : NULL;
	print_lines(stderr, "postlint: ", errors.ptr);

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
	struct lint_run run = { cli, s, cache, NULL, fmt, &ctx, &sum, &diff, files.items, &bad,
				xcalloc(files.len ? files.len : 1, sizeof(struct file_result)),
				false, &files, &calendar, opts, configs };
	if (cli->fix_mode != FIX_DIFF)
		fmt->begin(&ctx);
	struct jobs jobs = { .n = files.len, .threads = lint_threads(cli, files.len), .ud = &run,
			     .caller_state = s, .state_new = worker_session,
			     .state_free = worker_session_free, .first = calendar_job,
			     .compute = compute_job, .deliver = deliver_job };
	jobs_run(&jobs);
	trouble |= run.trouble;
	free(run.results);
	struct calendar *set = run.set;
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

	cache_close(cache);
	calendar_free(set);
	source_list_release(&calendar);
	free(bad.items);
	buf_release(&errors);
	session_free(s);
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

/* A session for the commands that look at rules: built-ins plus the plugins of the
 * .lintrc that governs the working directory (or --config). */
static struct session *rules_session(const struct cli *cli, struct config_store **configs,
				     const struct config **cfg)
{
	*configs = config_store_new(cli->config_path);
	char *cwd = source_absolute(".");
	*cfg = config_store_for(*configs, cwd, true);
	free(cwd);
	print_lines(stderr, "postlint: ", config_store_errors(*configs));
	struct session_options opts = session_options_of(cli);
	return session_new(&opts, *configs);
}

static int cmd_rules(const struct cli *cli)
{
	struct config_store *configs;
	const struct config *cfg;
	struct session *s = rules_session(cli, &configs, &cfg);
	if (!s) {
		config_store_free(configs);
		return EXIT_TROUBLE;
	}
	bool trouble = report_load_errors(s);
	for (size_t i = 0; i < s->rules->nrules; i++) {
		const struct rule *r = &s->rules->rules[i];
		if (!session_rule_available(s, r, cfg))
			continue;
		const struct rule_origin *o = &s->rules->origins[r->origin];
		printf("%-24s %-8s %-8s %s%s%s%s\n", r->id, severity_name(r->severity),
		       r->fixable ? "fixable" : "", r->summary, o->builtin ? "" : " [",
		       o->builtin ? "" : o->name, o->builtin ? "" : "]");
	}
	session_free(s);
	config_store_free(configs);
	return trouble ? EXIT_TROUBLE : EXIT_OK;
}

static void describe_default(struct buf *b, const struct value *v)
{
	switch (v->type) {
	case VALUE_STRING:
		buf_addf(b, "\"%s\"", v->string);
		break;
	case VALUE_NUMBER:
		buf_addf(b, "%g", v->number);
		break;
	case VALUE_BOOL:
		buf_adds(b, v->boolean ? "true" : "false");
		break;
	case VALUE_LIST:
		buf_addf(b, "{ %zu entries }", v->len);
		break;
	case VALUE_MAP:
		buf_addf(b, "{ %zu keys }", v->len);
		break;
	default:
		buf_adds(b, "nil");
	}
}

static int cmd_explain(const struct cli *cli)
{
	struct config_store *configs;
	const struct config *cfg;
	struct session *s = rules_session(cli, &configs, &cfg);
	if (!s) {
		config_store_free(configs);
		return EXIT_TROUBLE;
	}
	report_load_errors(s);
	const char *id = cli->args[0];
	const struct rule *r = ruleset_find(s->rules, id);
	int rc = EXIT_OK;
	if (!r) {
		fprintf(stderr, "postlint: unknown rule '%s' (see `postlint rules`)\n", id);
		rc = EXIT_TROUBLE;
	} else {
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s: %s\n\n", r->id, r->summary);
		buf_addf(&b, "severity: %s    fixable: %s    source: %s\n\n", severity_name(r->severity),
			 r->fixable ? "yes" : "no", r->file);
		const struct rule_origin *o = &s->rules->origins[r->origin];
		if (!o->builtin)
			buf_addf(&b, "plugin: %s%s%s%s%s\n\n", o->name, o->version ? " " : "",
				 o->version ? o->version : "", o->description ? " - " : "",
				 o->description ? o->description : "");
		buf_adds(&b, r->docs);
		if (b.ptr[b.len - 1] != '\n')
			buf_addc(&b, '\n');
		if (r->options->len) {
			buf_adds(&b, "\noptions (set in .lintrc: rules = { [\"");
			buf_adds(&b, r->id);
			buf_adds(&b, "\"] = { \"warning\", option = value } }):\n");
			for (size_t i = 0; i < r->options->len; i++) {
				buf_addf(&b, "  %-22s default ", r->options->keys[i]);
				describe_default(&b, r->options->items[i]);
				buf_addc(&b, '\n');
			}
		}
		fputs(b.ptr, stdout);
		buf_release(&b);
	}
	session_free(s);
	config_store_free(configs);
	return rc;
}

static int cmd_print_config(const struct cli *cli)
{
	struct config_store *configs = config_store_new(cli->config_path);
	char *abs = source_absolute(cli->print_config_path);
	const struct config *cfg = config_store_for(configs, abs, false);
	int rc = EXIT_OK;
	if (!cfg) {
		print_lines(stderr, "postlint: ", config_store_errors(configs));
		rc = EXIT_TROUBLE;
	} else {
		struct session_options opts = session_options_of(cli);
		struct session *s = session_new(&opts, configs);
		struct buf errors = BUF_INIT, out = BUF_INIT;
		if (!s || report_load_errors(s) || config_check_rules(cfg, s->rules, &errors)) {
			print_lines(stderr, "postlint: ", errors.ptr);
			rc = EXIT_TROUBLE;
		} else {
			config_describe(cfg, s->rules, abs, &out);
			fputs(out.ptr, stdout);
		}
		buf_release(&errors);
		buf_release(&out);
		session_free(s);
	}
	free(abs);
	config_store_free(configs);
	return rc;
}

static int cmd_test(const struct cli *cli)
{
	struct config_store *configs = config_store_new(NULL);
	struct session_options opts = session_options_of(cli);
	struct session *s = session_new(&opts, configs);
	if (!s) {
		config_store_free(configs);
		return EXIT_TROUBLE;
	}
	/* with paths: their rules only (folders as plugins, .lua files alone) */
	size_t first_origin = cli->nargs ? s->rules->norigins : 0;
	size_t builtin_errors = s->rules->nerrors;
	for (size_t i = 0; i < cli->nargs; i++)
		session_add_rules(s, cli->args[i]);
	bool trouble = false;
	for (size_t i = cli->nargs ? builtin_errors : 0; i < s->rules->nerrors; i++) {
		fprintf(stderr, "postlint: %s\n", s->rules->errors[i]);
		trouble = true;
	}
	struct ruletest_totals totals = { 0 };
	ruletest_run(s, first_origin, stdout, cli->verbose, &totals);
	printf("%zu passed, %zu failed\n", totals.passed, totals.failed);
	session_free(s);
	config_store_free(configs);
	if (trouble)
		return EXIT_TROUBLE;
	return totals.failed ? EXIT_PROBLEMS : EXIT_OK;
}

static int cmd_new_rule(const struct cli *cli)
{
	struct buf path = BUF_INIT, err = BUF_INIT;
	int rc = EXIT_OK;
	if (new_rule_write(cli->args[0], cli->new_rule_dir, &path, &err) < 0) {
		fprintf(stderr, "postlint: %s\n", err.ptr);
		rc = EXIT_TROUBLE;
	} else {
		const char *dir = cli->new_rule_dir ? cli->new_rule_dir : ".";
		printf("wrote %s\n  test it:   postlint test %s\n  enable it: plugins = { \"%s%s\" } "
		       "in .lintrc\n", path.ptr, dir, dir[0] == '.' || dir[0] == '/' ? "" : "./",
		       dir);
	}
	buf_release(&path);
	buf_release(&err);
	return rc;
}

static void print_version(void)
{
	printf("postlint %s\n", POSTLINT_VERSION);
	printf("  %s, libgit2 %s, utf8proc %s, libyaml %s\n", LUA_RELEASE, source_git_version(),
	       uni_library_version(), yaml_get_version_string());
}

int main(int argc, char **argv)
{
	struct cli cli;
	struct buf err = BUF_INIT;
	if (cli_parse(argc, argv, &cli, &err) < 0) {
		fprintf(stderr, "postlint: %s\n", err.ptr);
		buf_release(&err);
		cli_release(&cli);
		return EXIT_TROUBLE;
	}
	buf_release(&err);
	source_git_init();
	int rc = EXIT_OK;
	switch (cli.command) {
	case CMD_LINT:
		rc = cmd_lint(&cli);
		break;
	case CMD_RULES:
		rc = cmd_rules(&cli);
		break;
	case CMD_EXPLAIN:
		rc = cmd_explain(&cli);
		break;
	case CMD_TEST:
		rc = cmd_test(&cli);
		break;
	case CMD_PRINT_CONFIG:
		rc = cmd_print_config(&cli);
		break;
	case CMD_NEW_RULE:
		rc = cmd_new_rule(&cli);
		break;
	case CMD_LSP:
		rc = lsp_main(&cli);
		break;
	case CMD_LENGTH:
		rc = cmd_length(&cli);
		break;
	case CMD_VERSION:
		print_version();
		break;
	case CMD_HOOK:
		if (strcmp(cli.args[0], "install") == 0)
			rc = hook_install(cli.force, stdout, stderr) < 0 ? EXIT_TROUBLE : EXIT_OK;
		else
			rc = hook_uninstall(stdout, stderr) < 0 ? EXIT_TROUBLE : EXIT_OK;
		break;
	case CMD_HELP: {
		struct buf usage = BUF_INIT;
		cli_usage(&usage);
		fputs(usage.ptr, stdout);
		buf_release(&usage);
		break;
	}
	}
	source_git_shutdown();
	cli_release(&cli);
	return rc;
}
