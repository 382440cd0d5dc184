/* postlint: argv -> options -> command -> exit code. Each command lives in a cmd_*.c of its
 * own (lint: cmd_lint.c); the small ones that only look at the rules are here. */
#define _DEFAULT_SOURCE /* sbrk, madvise */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jansson.h>
#include <lua.h>
#include <yaml.h>

#include "cli.h"
#include "cmd.h"
#include "cmd_lint.h"
#include "cmd_hook.h"
#include "cmd_new_rule.h"
#include "cmd_length.h"
#include "config.h"
#include "lsp/lsp.h"
#include "lua/api.h"
#include "lua/host.h"
#include "phrase_set.h"
#include "ruletest.h"
#include "server.h"
#include "session.h"
#include "source.h"
#include "unicode.h"
#include "util/xalloc.h"
#include "version.h"

/* A session for the commands that look at rules: built-ins plus the plugins of the
 * .lintrc that governs the working directory (or --config). */
static struct session *rules_session(const struct cli *cli, struct config_store **configs,
				     const struct config **cfg)
{
	*configs = config_store_new(cli->config_path);
	char *cwd = source_absolute(".");
	*cfg = config_store_for(*configs, cwd, true);
	free(cwd);
	cmd_print_lines(stderr, "postlint: ", config_store_errors(*configs));
	struct session_options opts = cmd_session_options(cli);
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
	bool trouble = cmd_report_load_errors(s);
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
	cmd_report_load_errors(s);
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
		cmd_print_lines(stderr, "postlint: ", config_store_errors(configs));
		rc = EXIT_TROUBLE;
	} else {
		struct session_options opts = cmd_session_options(cli);
		struct session *s = session_new(&opts, configs);
		struct buf errors = BUF_INIT, out = BUF_INIT;
		if (!s || cmd_report_load_errors(s) || config_check_rules(cfg, s->rules, &errors)) {
			cmd_print_lines(stderr, "postlint: ", errors.ptr);
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
	struct session_options opts = cmd_session_options(cli);
	opts.with_tests = true;
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
	const char *git = source_git_version(); /* loads libgit2: exits first when it cannot */
	/* "(linked)": built with POSTLINT_STATIC_LIBS (CMakeLists.txt), their .a files linked in */
#ifdef POSTLINT_STATIC_LIBS
	const char *linked = " (linked)";
#else
	const char *linked = "";
#endif
	printf("postlint %s\n", POSTLINT_VERSION);
	printf("  %s%s, libgit2 %s, utf8proc %s%s, libyaml %s%s, jansson %s%s\n", LUA_RELEASE,
	       linked, git, uni_library_version(), linked, yaml_get_version_string(), linked,
	       JANSSON_VERSION, linked);
}

/* A run on its own, or in a child of the resident server (server.c). */
static int run_postlint(int argc, char **argv)
{
	host_watchdog_unblock(); /* before any thread: they inherit the mask */
	struct cli cli;
	struct buf err = BUF_INIT;
	if (cli_parse(argc, argv, &cli, &err) < 0) {
		fprintf(stderr, "postlint: %s\n", err.ptr);
		buf_release(&err);
		cli_release(&cli);
		return EXIT_TROUBLE;
	}
	buf_release(&err);
	/* libgit2 is loaded at the first git call: the commands that never read git never
	 * pay for it (source_git.c) */
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
	case CMD_SERVER:
		rc = cmd_server(&cli, run_postlint);
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

/* The heap a one-post lint fills (the rules' Lua state, the post and its tokens: about 450 KB
 * of brk heap and a 128 KB chunk of the Lua pool), made at once. Touched page by page, each
 * of its pages faulted on its own - about half of a one-post run's 270 page faults, and on a
 * virtual machine a fault costs 1.5 us here; one madvise(MADV_POPULATE_WRITE) makes them
 * for 0.5 us a page (a one-post lint 269 -> 149 page faults, 2.13 -> 1.94 ms of CPU; 1,000
 * and 10,000 posts no slower; populating more than a post uses cost the time back). */
#define STARTING_HEAP (640u << 10)

/* The program break at main's start: the heap begins there (glibc's first sbrk). */
static char *initial_break;

/* Whether the environment tunes glibc's malloc: then the heap is left as tuned (the hooks
 * grow it 16 MB at a time on 2 MB pages: glibc.malloc.top_pad, glibc.malloc.hugetlb). */
static bool malloc_tuned(void)
{
	static const char *const legacy[] = { "MALLOC_TOP_PAD_", "MALLOC_TRIM_THRESHOLD_",
					      "MALLOC_MMAP_THRESHOLD_", "MALLOC_ARENA_MAX" };
	const char *tunables = getenv("GLIBC_TUNABLES");
	if (tunables && strstr(tunables, "glibc.malloc."))
		return true;
	for (size_t i = 0; i < sizeof(legacy) / sizeof(*legacy); i++)
		if (getenv(legacy[i]))
			return true;
	return false;
}

static void prefault_heap(void)
{
#ifdef MADV_POPULATE_WRITE
	if (malloc_tuned() || initial_break == (char *)-1)
		return;
	/* glibc grows the heap by the request and this pad (and keeps that much at its top
	 * when it trims). Setting it also fixes glibc's mmap threshold at 128 KB (no longer
	 * raised as large blocks are freed): 100,000 posts took 6.37 s with it, 6.51 s
	 * without, in turn. */
	mallopt(M_TOP_PAD, (int)STARTING_HEAP);
	/* blocks under glibc's 128 KB mmap threshold until the heap grows (the first at once
	 * when it has not been made yet; otherwise when what its top has left is taken), then
	 * given back: the heap's new part stays, as the top (volatile: a malloc whose block is
	 * freed unused is elided) */
	char *start = sbrk(0);
	void *volatile blocks[8];
	size_t n = 0;
	while (n < 8 && (blocks[n] = malloc(96u << 10)) != NULL && (n++, sbrk(0) == start))
		;
	while (n > 0)
		free(blocks[--n]);
	char *end = sbrk(0);
	/* from the heap's start: what was made before (finding a server's socket made the
	 * heap) has pages still untouched, and the pages made already are passed over. Its
	 * size, the main arena's, bounds it too (a heap that could not grow by sbrk, or an
	 * allocator that is not glibc's, such as the sanitizers' and valgrind's, says 0). */
	size_t made = mallinfo2().arena;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = (uintptr_t)initial_break, hi = (uintptr_t)end;
	if (made == 0 || start == (char *)-1 || end == (char *)-1 || hi <= lo)
		return;
	if (hi - lo > made)
		lo = hi - made;
	lo = (lo + page - 1) & ~(page - 1);
	if (lo < hi)
		(void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE); /* (a hint) */
#endif
}

int main(int argc, char **argv)
{
	initial_break = sbrk(0);
	api_lint_precompiled(builtin_phrase_sets, builtin_phrase_sets_count);
	/* with a server of this binary running, it runs the command, everything loaded
	 * (server.h); the language server, resident itself, runs here */
	bool lsp = false;
	for (int i = 1; i < argc; i++)
		lsp |= strcmp(argv[i], "lsp") == 0;
	int rc = lsp ? -1 : server_forward(argc, argv);
	if (rc >= 0)
		return rc;
	prefault_heap();
	return run_postlint(argc, argv);
}
