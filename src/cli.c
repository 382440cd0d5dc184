/* Command-line options (see cli.h). */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "util/xalloc.h"

enum opt_id {
	OPT_FORMAT,
	OPT_RULE,
	OPT_ONLY,
	OPT_CONFIG,
	OPT_MAX_WARNINGS,
	OPT_NO_COLOR,
	OPT_COLOR,
	OPT_QUIET,
	OPT_VERBOSE,
	OPT_RULES_DIR,
	OPT_FIX,
	OPT_FIX_DRY_RUN,
	OPT_DIFF,
	OPT_UNSAFE_FIXES,
	OPT_PRINT_CONFIG,
	OPT_DIR,
	OPT_HELP,
	OPT_VERSION,
	OPT_STDIN,
	OPT_STDIN_FILENAME,
	OPT_STAGED,
	OPT_SINCE,
	OPT_REV,
	OPT_CACHE,
	OPT_FORCE,
	OPT_PLATFORM,
	OPT_JOBS,
	OPT_IDLE,
};

struct opt {
	enum opt_id id;
	const char *name;  /* long name without "--" */
	char short_name;   /* or 0 */
	const char *value; /* value name, or NULL for a switch */
	const char *help;
};

static const struct opt options[] = {
	{ OPT_FORMAT, "format", 'f', "FORMAT", "output format: text (default), json, json-lines, gcc, sarif, "
					  "checkstyle or github" },
	{ OPT_RULE, "rule", 0, "ID[=SEVERITY]",
	  "set a rule's severity for this run (error, warning, info, off); without =SEVERITY, "
	  "turn the rule on at its default severity. Repeatable" },
	{ OPT_ONLY, "only", 0, "ID[,ID...]", "run only these rules" },
	{ OPT_CONFIG, "config", 'c', "FILE", "use this .lintrc for every file instead of discovery" },
	{ OPT_MAX_WARNINGS, "max-warnings", 0, "N", "exit 1 when there are more than N warnings" },
	{ OPT_NO_COLOR, "no-color", 0, NULL, "never colour the output (NO_COLOR is honoured too)" },
	{ OPT_COLOR, "color", 0, NULL, "colour the output even when it is not a terminal" },
	{ OPT_QUIET, "quiet", 'q', NULL, "report errors only" },
	{ OPT_VERBOSE, "verbose", 'v', NULL, "show rule errors' Lua tracebacks; with test, list "
						"the passing cases too" },
	{ OPT_FIX, "fix", 0, NULL, "apply the safe fixes to the files, then report what is left" },
	{ OPT_FIX_DRY_RUN, "fix-dry-run", 0, NULL, "like --fix, but print the fixed text instead "
						    "of writing it" },
	{ OPT_DIFF, "diff", 0, NULL, "print the fixes as a unified diff (for git apply or "
				     "patch -p1); write nothing" },
	{ OPT_UNSAFE_FIXES, "unsafe-fixes", 0, NULL, "with --fix, --fix-dry-run or --diff: also "
						    "apply each problem's first suggestion" },
	{ OPT_RULES_DIR, "rules-dir", 0, "DIR", "load the built-in rules from DIR instead of the "
						"copies in the binary (for rule development)" },
	{ OPT_PRINT_CONFIG, "print-config", 0, "PATH", "print the effective configuration for PATH" },
	{ OPT_DIR, "dir", 0, "DIR", "with new-rule: the plugin folder to write DIR/rules/NAME.lua "
				 "into (default: the current folder)" },
	{ OPT_HELP, "help", 'h', NULL, "show this help" },
	{ OPT_VERSION, "version", 'V', NULL, "show version information" },
	{ OPT_STDIN, "stdin", 0, NULL, "lint standard input instead of files (for editors); with "
				       "length: measure it" },
	{ OPT_STDIN_FILENAME, "stdin-filename", 0, "PATH", "with --stdin: lint it as if it were "
							 "PATH (config, overrides, output)" },
	{ OPT_STAGED, "staged", 0, NULL, "lint the staged version of the posts staged for commit" },
	{ OPT_SINCE, "since", 0, "REF", "lint the posts changed since REF (from its merge base "
					"with HEAD), as committed at HEAD" },
	{ OPT_REV, "rev", 0, "A..B", "lint the posts changed in a range (A...B: since the merge "
				     "base), as committed at B" },
	{ OPT_CACHE, "cache", 0, NULL, "reuse results of unchanged posts (kept in the git folder)" },
	{ OPT_FORCE, "force", 0, NULL, "hook install: replace a pre-commit hook postlint did not "
				       "write" },
	{ OPT_PLATFORM, "platform", 0, "P", "length: measure for this platform, or all" },
	{ OPT_JOBS, "jobs", 'j', "N", "lint with N threads (default: the number of cores; 1: no "
				      "threads). The output is the same for every N" },
	{ OPT_IDLE, "idle", 0, "MINUTES", "server start: stop the server after this many minutes "
					  "without a request (default 30)" },
};

static const struct {
	const char *name;
	enum cli_command command;
} commands[] = {
	{ "rules", CMD_RULES },
	{ "explain", CMD_EXPLAIN },
	{ "test", CMD_TEST },
	{ "new-rule", CMD_NEW_RULE },
	{ "help", CMD_HELP },
	{ "lsp", CMD_LSP },
	{ "hook", CMD_HOOK },
	{ "length", CMD_LENGTH },
	{ "server", CMD_SERVER },
};

void cli_usage(struct buf *out)
{
	buf_adds(out,
		 "usage: postlint [OPTIONS] [PATH...]     lint posts (default: the project here)\n"
		 "       postlint rules                   list the rules\n"
		 "       postlint explain RULE            show a rule's documentation and options\n"
		 "       postlint test [PATH...]          run rules' embedded tests\n"
		 "       postlint new-rule NAME [--dir DIR]  write a new rule, with tests, to start from\n"
		 "       postlint --stdin [--stdin-filename PATH]   lint standard input\n"
		 "       postlint lsp                     run the language server (stdio)\n"
		 "       postlint hook install|uninstall  the git pre-commit hook\n"
		 "       postlint length [FILE...|--stdin] each post's length per platform and part\n"
		 "       postlint server start|stop|status   keep postlint loaded for fast runs\n"
		 "       postlint --version | --help\n\noptions:\n");
	for (size_t i = 0; i < sizeof(options) / sizeof(*options); i++) {
		const struct opt *o = &options[i];
		struct buf left = BUF_INIT;
		if (o->short_name)
			buf_addf(&left, "-%c, ", o->short_name);
		else
			buf_adds(&left, "    ");
		buf_addf(&left, "--%s%s%s", o->name, o->value ? " " : "", o->value ? o->value : "");
		buf_addf(out, "  %-28s %s\n", left.ptr, o->help);
		buf_release(&left);
	}
	buf_adds(out, "\nexit codes: 0 no errors (and warnings within --max-warnings), 1 problems,\n"
		      "            2 usage, configuration, I/O or rule errors, or libgit2 missing\n");
}

static const struct opt *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(*options); i++)
		if (strlen(options[i].name) == len && strncmp(options[i].name, name, len) == 0)
			return &options[i];
	return NULL;
}

static const struct opt *find_short(char c)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(*options); i++)
		if (options[i].short_name == c)
			return &options[i];
	return NULL;
}

static int add_rule_override(struct cli *cli, const char *value, struct buf *err)
{
	struct rule_override o = { 0 };
	const char *eq = strchr(value, '=');
	if (eq) {
		bool ok;
		o.severity = severity_parse(eq + 1, &ok);
		if (!ok) {
			buf_addf(err, "--rule %s: severity must be error, warning, info or off", value);
			return -1;
		}
		o.id = xstrndup(value, (size_t)(eq - value));
	} else {
		o.id = xstrdup(value);
		o.use_default = true;
	}
	cli->overrides = xrealloc(cli->overrides, (cli->noverrides + 1) * sizeof(*cli->overrides));
	cli->overrides[cli->noverrides++] = o;
	return 0;
}

static int add_only(struct cli *cli, const char *value)
{
	size_t n = 0;
	while (cli->only && cli->only[n])
		n++;
	char *copy = xstrdup(value);
	for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
		cli->only = xrealloc(cli->only, (n + 2) * sizeof(char *));
		cli->only[n++] = xstrdup(tok);
		cli->only[n] = NULL;
	}
	free(copy);
	return 0;
}

static int set_fix_mode(struct cli *cli, enum fix_mode mode, struct buf *err)
{
	if (cli->fix_mode != FIX_NONE && cli->fix_mode != mode) {
		buf_adds(err, "--fix, --fix-dry-run and --diff exclude each other");
		return -1;
	}
	cli->fix_mode = mode;
	return 0;
}

static int apply(struct cli *cli, const struct opt *o, const char *value, struct buf *err)
{
	switch (o->id) {
	case OPT_FIX:
		return set_fix_mode(cli, FIX_WRITE, err);
	case OPT_FIX_DRY_RUN:
		return set_fix_mode(cli, FIX_DRY_RUN, err);
	case OPT_DIFF:
		return set_fix_mode(cli, FIX_DIFF, err);
	case OPT_UNSAFE_FIXES:
		cli->unsafe_fixes = true;
		return 0;
	case OPT_FORMAT:
		if (!fmt_find(value)) {
			buf_addf(err, "unknown format '%s' (formats: %s)", value, fmt_names());
			return -1;
		}
		cli->format = value;
		return 0;
	case OPT_RULE:
		return add_rule_override(cli, value, err);
	case OPT_ONLY:
		return add_only(cli, value);
	case OPT_CONFIG:
		cli->config_path = value;
		return 0;
	case OPT_JOBS: {
		char *end;
		errno = 0;
		long n = strtol(value, &end, 10);
		if (errno || *end || end == value || n < 1 || n > CLI_MAX_JOBS) {
			buf_addf(err, "--jobs needs a number from 1 to %d, not '%s'", CLI_MAX_JOBS,
				 value);
			return -1;
		}
		cli->jobs = (int)n;
		return 0;
	}
	case OPT_IDLE: {
		char *end;
		errno = 0;
		long n = strtol(value, &end, 10);
		if (errno || *end || end == value || n < 1 || n > 7 * 24 * 60) {
			buf_addf(err, "--idle needs a number of minutes from 1 to %d, not '%s'",
				 7 * 24 * 60, value);
			return -1;
		}
		cli->idle_minutes = (int)n;
		return 0;
	}
	case OPT_MAX_WARNINGS: {
		char *end;
		errno = 0;
		long n = strtol(value, &end, 10);
		if (errno || *end || n < 0) {
			buf_addf(err, "--max-warnings needs a number of 0 or more, not '%s'", value);
			return -1;
		}
		cli->max_warnings = n;
		return 0;
	}
	case OPT_NO_COLOR:
		cli->color = false;
		cli->color_set = true;
		return 0;
	case OPT_COLOR:
		cli->color = true;
		cli->color_set = true;
		return 0;
	case OPT_QUIET:
		cli->quiet = true;
		return 0;
	case OPT_VERBOSE:
		cli->verbose = true;
		return 0;
	case OPT_RULES_DIR:
		cli->rules_dir = value;
		return 0;
	case OPT_PRINT_CONFIG:
		cli->print_config_path = value;
		cli->command = CMD_PRINT_CONFIG;
		return 0;
	case OPT_DIR:
		cli->new_rule_dir = value;
		return 0;
	case OPT_HELP:
		cli->command = CMD_HELP;
		return 0;
	case OPT_VERSION:
		cli->command = CMD_VERSION;
		return 0;
	case OPT_STDIN:
		cli->stdin_input = true;
		return 0;
	case OPT_STDIN_FILENAME:
		cli->stdin_filename = value;
		return 0;
	case OPT_STAGED:
		cli->staged = true;
		return 0;
	case OPT_SINCE:
		cli->since = value;
		return 0;
	case OPT_REV:
		cli->rev = value;
		return 0;
	case OPT_CACHE:
		cli->cache = true;
		return 0;
	case OPT_FORCE:
		cli->force = true;
		return 0;
	case OPT_PLATFORM:
		cli->platform = value;
		return 0;
	}
	return 0;
}

int cli_parse(int argc, char **argv, struct cli *cli, struct buf *err)
{
	memset(cli, 0, sizeof(*cli));
	cli->format = "text";
	cli->max_warnings = -1;
	cli->args = xcalloc((size_t)argc + 1, sizeof(char *));
	bool options_done = false, command_seen = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!options_done && strcmp(a, "--") == 0) {
			options_done = true;
			continue;
		}
		if (!options_done && a[0] == '-' && a[1] != '\0') {
			const struct opt *o;
			const char *value = NULL;
			if (a[1] == '-') {
				const char *name = a + 2;
				const char *eq = strchr(name, '=');
				o = find_long(name, eq ? (size_t)(eq - name) : strlen(name));
				if (!o) {
					buf_addf(err, "unknown option '%s' (see postlint --help)", a);
					return -1;
				}
				if (eq) {
					if (!o->value) {
						buf_addf(err, "option '--%s' takes no value", o->name);
						return -1;
					}
					value = eq + 1;
				}
			} else {
				o = find_short(a[1]);
				if (!o || a[2] != '\0') {
					buf_addf(err, "unknown option '%s' (see postlint --help)", a);
					return -1;
				}
			}
			if (o->value && !value) {
				if (i + 1 >= argc) {
					buf_addf(err, "option '--%s' needs a value (%s)", o->name, o->value);
					return -1;
				}
				value = argv[++i];
			}
			if (apply(cli, o, value, err) < 0)
				return -1;
			continue;
		}
		if (!command_seen && cli->nargs == 0 && cli->command == CMD_LINT) {
			bool matched = false;
			for (size_t k = 0; k < sizeof(commands) / sizeof(*commands); k++) {
				if (strcmp(a, commands[k].name) == 0) {
					cli->command = commands[k].command;
					matched = true;
				}
			}
			command_seen = true;
			if (matched)
				continue;
		}
		cli->args[cli->nargs++] = argv[i];
	}
	if (cli->command == CMD_EXPLAIN && cli->nargs != 1) {
		buf_adds(err, "usage: postlint explain RULE");
		return -1;
	}
	if (cli->unsafe_fixes && cli->fix_mode == FIX_NONE) {
		buf_adds(err, "--unsafe-fixes goes with --fix, --fix-dry-run or --diff");
		return -1;
	}
	if (cli->fix_mode != FIX_NONE && cli->command != CMD_LINT) {
		buf_adds(err, "--fix, --fix-dry-run and --diff apply to linting only");
		return -1;
	}
	if (cli->command == CMD_NEW_RULE && cli->nargs != 1) {
		buf_adds(err, "usage: postlint new-rule NAME [--dir DIR]");
		return -1;
	}
	if (cli->new_rule_dir && cli->command != CMD_NEW_RULE) {
		buf_adds(err, "--dir is an option of new-rule (postlint new-rule NAME --dir DIR)");
		return -1;
	}
	if (cli->stdin_input && (cli->staged || cli->since || cli->rev)) {
		buf_adds(err, "--stdin lints standard input: it does not go with --staged, --since or "
			      "--rev");
		return -1;
	}
	if ((cli->staged ? 1 : 0) + (cli->since ? 1 : 0) + (cli->rev ? 1 : 0) > 1) {
		buf_adds(err, "--staged, --since and --rev choose what to lint: give one of them");
		return -1;
	}
	if (cli->command == CMD_HOOK && (cli->nargs != 1 || (strcmp(cli->args[0], "install") != 0 &&
							      strcmp(cli->args[0], "uninstall") != 0))) {
		buf_adds(err, "usage: postlint hook install [--force] | postlint hook uninstall");
		return -1;
	}
	if (cli->command == CMD_SERVER &&
	    (cli->nargs != 1 || (strcmp(cli->args[0], "start") != 0 &&
				 strcmp(cli->args[0], "stop") != 0 &&
				 strcmp(cli->args[0], "status") != 0))) {
		buf_adds(err, "usage: postlint server start [--idle MINUTES] | postlint server stop | "
			      "postlint server status");
		return -1;
	}
	if (cli->idle_minutes && !(cli->command == CMD_SERVER && strcmp(cli->args[0], "start") == 0)) {
		buf_adds(err, "--idle is an option of server start (postlint server start --idle "
			      "MINUTES)");
		return -1;
	}
	if (cli->command == CMD_RULES && cli->nargs != 0) {
		buf_adds(err, "usage: postlint rules");
		return -1;
	}
	if (cli->command == CMD_LSP && cli->nargs != 0) {
		buf_adds(err, "usage: postlint lsp (it speaks LSP on stdin and stdout)");
		return -1;
	}
	if (cli->stdin_filename && !cli->stdin_input) {
		buf_adds(err, "--stdin-filename needs --stdin");
		return -1;
	}
	if (cli->stdin_input && cli->nargs != 0) {
		buf_adds(err, "--stdin lints standard input: name no PATH (use --stdin-filename PATH)");
		return -1;
	}
	return 0;
}

void cli_release(struct cli *cli)
{
	for (size_t i = 0; i < cli->noverrides; i++)
		free(cli->overrides[i].id);
	free(cli->overrides);
	for (char **p = cli->only; p && *p; p++)
		free(*p);
	free(cli->only);
	free(cli->args);
	memset(cli, 0, sizeof(*cli));
}
