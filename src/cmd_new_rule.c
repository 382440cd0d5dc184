/* Rule scaffolding (see cmd_new_rule.h). The template is a working rule, not a skeleton:
 * a new user runs its tests, sees them pass, and changes one thing at a time. */
#include "cmd_new_rule.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules.h"

/* "@ID@" and "@DIR@" are replaced when the file is written. */
static const char template_text[] =
	"-- @ID@: what this rule checks, and why (for the people who maintain it).\n"
	"--\n"
	"-- Run its tests:  postlint test @DIR@\n"
	"-- Turn it on:     plugins = { \"./@DIR@\" } in .lintrc (paths are relative to it)\n"
	"-- Read its docs:  postlint explain @ID@\n"
	"-- The rule API:   docs/rule-api.md in the postlint sources\n"
	"\n"
	"return {\n"
	"  id = \"@ID@\",  -- kebab-case; must match the file name\n"
	"  summary = \"Say it plainly instead of using office jargon\",  -- for `postlint rules`\n"
	"  docs = [[\n"
	"Why the rule exists, with a bad and a good example (shown by `postlint explain @ID@`).\n"
	"\n"
	"    Bad:  Let's circle back on the launch date.\n"
	"    Good: Let's talk again about the launch date.\n"
	"\n"
	"Set your own phrases in .lintrc:\n"
	"\n"
	"    rules = { [\"@ID@\"] = { \"warning\", phrases = { [\"touch base\"] = \"talk\" } } }\n"
	"]],\n"
	"  severity = \"warning\",  -- \"error\", \"warning\" or \"info\"; .lintrc may override\n"
	"  fixable = true,        -- it reports fixes that `--fix` may apply unattended\n"
	"\n"
	"  -- Defaults. A .lintrc may change them; values of another type are refused there.\n"
	"  options = {\n"
	"    phrases = { [\"circle back\"] = \"talk again\", [\"deep dive\"] = \"close look\" },\n"
	"  },\n"
	"\n"
	"  -- Called once per post. Ranges are 1-based inclusive byte offsets into post.text (what\n"
	"  -- string.find returns); tokens (post.words, post.links, ...) carry first and last.\n"
	"  check = function(post, ctx)\n"
	"    local list = {}\n"
	"    for phrase in pairs(ctx.options.phrases) do\n"
	"      list[#list + 1] = phrase\n"
	"    end\n"
	"    -- whole words, case-insensitive, over NFC case-folded text; quotations are skipped\n"
	"    for _, m in ipairs(post:find(lint.phrases(list))) do\n"
	"      local replacement = ctx.options.phrases[m.phrase]\n"
	"      ctx:report{\n"
	"        message = \"Jargon: say \\\"\" .. replacement .. \"\\\" instead of \\\"\" .. m.text .. \"\\\"\",\n"
	"        first = m.first, last = m.last,\n"
	"        -- a fix is safe to apply unattended; use `suggestions` when a person must decide\n"
	"        fix = { first = m.first, last = m.last, text = replacement },\n"
	"      }\n"
	"    end\n"
	"  end,\n"
	"\n"
	"  -- Run by `postlint test`: valid texts give no problem from this rule; each invalid one\n"
	"  -- gives the listed problems (message: text or Lua pattern; line, column: 1-based) and,\n"
	"  -- with `output`, that text once the fixes are applied.\n"
	"  tests = {\n"
	"    valid = {\n"
	"      \"Let's talk again about the launch date.\",\n"
	"      \"> We should circle back. (a quotation is not our own words)\",\n"
	"    },\n"
	"    invalid = {\n"
	"      {\n"
	"        name = \"a phrase, fixed\",\n"
	"        text = \"Let's circle back on the launch date.\",\n"
	"        errors = { { message = \"^Jargon: say \\\"talk again\\\"\", line = 1, column = 7 } },\n"
	"        output = \"Let's talk again on the launch date.\",\n"
	"      },\n"
	"      {\n"
	"        name = \"options from a test\",\n"
	"        text = \"---\\nplatform: linkedin\\n---\\nTime to touch base.\\n\",\n"
	"        options = { phrases = { [\"touch base\"] = \"talk\" } },\n"
	"        errors = { { line = 4, column = 9 } },\n"
	"        output = \"---\\nplatform: linkedin\\n---\\nTime to talk.\\n\",\n"
	"      },\n"
	"    },\n"
	"  },\n"
	"}\n";

static void expand(struct buf *out, const char *id, const char *dir)
{
	for (const char *p = template_text; *p;) {
		if (strncmp(p, "@ID@", 4) == 0) {
			buf_adds(out, id);
			p += 4;
		} else if (strncmp(p, "@DIR@", 5) == 0) {
			buf_adds(out, dir);
			p += 5;
		} else {
			buf_addc(out, *p++);
		}
	}
}

/* mkdir -p */
static int make_dirs(const char *path, struct buf *err)
{
	struct buf partial = BUF_INIT;
	int rc = 0;
	for (const char *p = path;; p++) {
		if ((*p == '/' || *p == '\0') && p != path) {
			buf_reset(&partial);
			buf_add(&partial, path, (size_t)(p - path));
			if (mkdir(partial.ptr, 0777) < 0 && errno != EEXIST) {
				buf_addf(err, "cannot create folder '%s': %s", partial.ptr, strerror(errno));
				rc = -1;
				break;
			}
		}
		if (*p == '\0')
			break;
	}
	buf_release(&partial);
	return rc;
}

int new_rule_write(const char *name, const char *dir, struct buf *out, struct buf *err)
{
	if (!ruleset_valid_id(name)) {
		buf_addf(err, "new-rule: '%s' is not a rule id: use kebab-case, like 'no-jargon'", name);
		return -1;
	}
	if (!dir)
		dir = ".";
	struct buf rules_dir = BUF_INIT, path = BUF_INIT, text = BUF_INIT;
	buf_addf(&rules_dir, "%s/rules", dir);
	buf_addf(&path, "%s/%s.lua", rules_dir.ptr, name);
	const char *shown_dir = strcmp(dir, ".") == 0 ? "." : dir;
	while (shown_dir[0] == '.' && shown_dir[1] == '/')
		shown_dir += 2;
	int rc = -1;
	if (make_dirs(rules_dir.ptr, err) == 0) {
		/* O_EXCL: never overwrite someone's rule, even one created a moment ago */
		int fd = open(path.ptr, O_WRONLY | O_CREAT | O_EXCL, 0666);
		if (fd < 0) {
			if (errno == EEXIST)
				buf_addf(err, "new-rule: '%s' exists already; not overwritten", path.ptr);
			else
				buf_addf(err, "new-rule: cannot create '%s': %s", path.ptr,
					 strerror(errno));
		} else {
			expand(&text, name, shown_dir);
			FILE *f = fdopen(fd, "w");
			bool ok = f && fwrite(text.ptr, 1, text.len, f) == text.len;
			ok = (f ? fclose(f) == 0 : (close(fd), false)) && ok;
			if (!ok) {
				buf_addf(err, "new-rule: cannot write '%s'", path.ptr);
				unlink(path.ptr);
			} else {
				buf_adds(out, path.ptr);
				rc = 0;
			}
		}
	}
	buf_release(&rules_dir);
	buf_release(&path);
	buf_release(&text);
	return rc;
}
