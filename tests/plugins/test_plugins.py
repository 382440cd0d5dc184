#!/usr/bin/env python3
"""End-to-end tests of what teams use to write rules: the README tutorial as written, plugins
(init.lua, require, conflicting ids), `postlint test` and its failure reports, `new-rule`,
and the bundled packs enabled from a .lintrc. Real binary, files in temp folders.

Usage: test_plugins.py --postlint PATH [unittest options]
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

POSTLINT = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(args, cwd, env=None):
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    full_env.pop("POSTLINT_PLUGIN_PATH", None)
    if env:
        full_env.update(env)
    return subprocess.run([POSTLINT] + args, cwd=cwd, capture_output=True, text=True,
                          env=full_env, timeout=120)


class Case(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="postlint-plugins-")
        subprocess.run(["git", "init", "-q", self.dir], check=True)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, rel, text):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def lint_json(self, *args):
        r = run(["--format", "json", *args], self.dir)
        self.assertIn(r.returncode, (0, 1), r.stdout + r.stderr)
        return json.loads(r.stdout)


def tutorial_steps():
    """The README tutorial in order: ("file", path, text) and ("run", argv, expected output)."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    start = readme.index("## Tutorial: your team's first rule")
    section = readme[start:readme.index("\n## ", start + 10)]
    steps = []
    for m in re.finditer(r"```(\w+)[ \t]*([^\n]*)\n(.*?)```", section, re.S):
        lang, info, body = m.groups()
        if info.startswith("file="):
            steps.append(("file", info[5:].strip(), body))
        elif lang == "console" and info == "tutorial":
            command, output = None, []
            for line in body.split("\n"):
                if line.startswith("$ "):
                    if command:
                        steps.append(("run", command, "\n".join(output).rstrip("\n")))
                    command, output = line[2:].split(), []
                else:
                    output.append(line)
            if command:
                steps.append(("run", command, "\n".join(output).rstrip("\n")))
    return steps


class Tutorial(Case):
    def test_readme_tutorial_runs_as_written(self):
        """A new user: new-rule in a new plugin folder, `postlint test`, the rule edited,
        tested, enabled in .lintrc, and seen firing with its fix - outputs as printed."""
        steps = tutorial_steps()
        self.assertGreaterEqual(sum(1 for s in steps if s[0] == "run"), 4)
        self.assertGreaterEqual(sum(1 for s in steps if s[0] == "file"), 4)
        for kind, what, text in steps:
            if kind == "file":
                self.write(what, text)
                continue
            self.assertEqual(what[0], "postlint")
            r = run(what[1:], self.dir)
            self.assertEqual((r.stdout + r.stderr).rstrip("\n"), text, " ".join(what))
            self.assertIn(r.returncode, (0, 1) if what[1:2] != ["test"] else (0,))
        # the rule fired with its fix, and --fix applied it
        self.assertIn('fix: replace "deep dive" with "close look"', steps[-2][2])
        self.assertEqual(steps[-1][1][1:], ["--fix", "posts/launch.md"])
        with open(os.path.join(self.dir, "posts/launch.md"), encoding="utf-8") as f:
            self.assertIn("After a close look into your feedback", f.read())
        # and the user's .lintrc option reaches the rule
        self.write("posts/more.md", "---\ngoal: replies\n---\nWe leverage it. What do you think?\n")
        data = self.lint_json("posts/more.md")
        [d] = [d for d in data["diagnostics"] if d["rule"] == "no-jargon"]
        self.assertEqual(d["fix"]["edits"], [{"start": 25, "end": 33, "text": "use"}])

    def test_tutorial_files_are_the_worked_example(self):
        for kind, path, text in tutorial_steps():
            if kind == "file" and path.startswith("lint/acme-style/"):
                example = os.path.join(ROOT, "examples/custom-rules", path[len("lint/acme-style/"):])
                with open(example, encoding="utf-8") as f:
                    self.assertEqual(f.read(), text, path)

    def test_worked_example_passes_its_tests(self):
        r = run(["test", os.path.join(ROOT, "examples/custom-rules")], self.dir)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"\n[1-9]\d* passed, 0 failed\n$")


RULE = """return {
  id = "no-synergy", summary = "s", docs = "d", fixable = true,
  check = function(post, ctx)
    for _, m in ipairs(post:find(lint.phrases{ "synergy" })) do
      ctx:report{ message = "Jargon: " .. m.text, at = m,
        fix = { first = m.first, last = m.last, text = "teamwork" },
        suggestions = { { title = "Reword it", edits = { { first = m.first, last = m.last, text = "working together" } } } } }
    end
  end,
  tests = { valid = { "We work well together." }, invalid = { %s } },
}
"""


class TestRunner(Case):
    def run_case(self, case):
        self.write("plug/rules/no-synergy.lua", RULE % case)
        return run(["test", "plug"], self.dir)

    def test_a_right_case_passes(self):
        r = self.run_case('{ name = "fixed", text = "Real synergy.", errors = { { message = "^Jargon", '
                          'line = 1, column = 6, end_line = 1, end_column = 13, suggestions = { '
                          '{ title = "Reword", output = "Real working together." } } } }, '
                          'output = "Real teamwork." }')
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertTrue(r.stdout.endswith("2 passed, 0 failed\n"), r.stdout)

    def test_wrong_expectations_exit_1_and_name_the_case(self):
        cases = {
            'errors = 2': "expected 2 problems, got 1",
            'errors = { { message = "^Buzzword" } }': 'problem 1: message does not match "^Buzzword"',
            'errors = { { column = 7 } }': "problem 1: expected at column 7, got 1:6",
            'errors = { { end_column = 12 } }': "problem 1: expected to end at column 12, got 1:13",
            'errors = { { suggestions = 2 } }': "problem 1: expected 2 suggestions, got 1",
            'errors = { { suggestions = { { title = "Delete" } } } }':
                'suggestion 1: title "Reword it" does not match "Delete"',
            'errors = { { suggestions = { { output = "Real teamwork." } } } }':
                "  - Real teamwork.\n  + Real working together.",
            'errors = 1, output = "Real team spirit."':
                "output differs (- expected, + actual):\n  - Real team spirit.\n  + Real teamwork.",
        }
        for expectation, report in cases.items():
            with self.subTest(expectation=expectation):
                r = self.run_case('{ name = "the case", text = "Real synergy.", %s }' % expectation)
                self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
                self.assertIn('not ok 2 - no-synergy invalid #1 "the case"\n', r.stdout)
                self.assertIn(report, r.stdout)
                self.assertIn('  text: "Real synergy."', r.stdout)
                self.assertIn("  got: 1:6-1:13 Jargon: synergy [no-synergy]", r.stdout)
                self.assertTrue(r.stdout.endswith("1 passed, 1 failed\n"), r.stdout)

    def test_a_valid_case_that_fires_fails(self):
        self.write("plug/rules/no-synergy.lua", (RULE % '{ text = "synergy", errors = 1 }')
                   .replace('valid = { "We work well together." }', 'valid = { "ok", "so much synergy" }'))
        r = run(["test", "plug"], self.dir)
        self.assertEqual(r.returncode, 1)
        self.assertIn("not ok 2 - no-synergy valid #2\n  expected no problems", r.stdout)

    def test_case_path_is_the_posts_path(self):
        self.write("plug/rules/drafts-only.lua", """return {
  id = "drafts-only", summary = "s", docs = "d",
  check = function(post, ctx)
    if post.path:find("^drafts/") then ctx:report{ message = "draft" } end
  end,
  tests = { valid = { "x" }, invalid = { { path = "drafts/a.md", text = "x", errors = 1 } } },
}
""")
        r = run(["test", "plug"], self.dir)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_a_runaway_rule_does_not_stop_the_other_rules_tests(self):
        # before: the host reset after a budget error dropped the rules given on the command
        # line, so every later case failed with "the rule did not reload"
        self.write("plug/rules/a-loop.lua", """return { id = "a-loop", summary = "s", docs = "d",
  check = function() while true do end end,
  tests = { valid = { "x" }, invalid = { { text = "x", errors = 1 } } } }
""")
        self.write("plug/rules/no-synergy.lua", RULE % '{ text = "synergy", errors = 1 }')
        r = run(["test", "plug"], self.dir)
        self.assertEqual(r.returncode, 1)
        self.assertIn("instruction budget", r.stdout)
        self.assertNotIn("did not reload", r.stdout)
        self.assertIn("not ok 1 - a-loop valid #1", r.stdout)
        self.assertTrue(r.stdout.endswith("3 passed, 1 failed\n"), r.stdout)

    def test_a_single_rule_file(self):
        path = self.write("one/no-synergy.lua", RULE % '{ text = "synergy", errors = 1 }')
        r = run(["test", path], self.dir)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(r.stdout.endswith("2 passed, 0 failed\n"), r.stdout)


class Plugins(Case):
    def test_init_lua_metadata_is_shown(self):
        self.write("lint/brand/init.lua", 'return { name = "acme", version = "2.1.0", '
                   'description = "Acme house style" }\n')
        self.write("lint/brand/rules/no-synergy.lua", RULE % '{ text = "synergy", errors = 1 }')
        self.write(".lintrc", 'plugins = { "./lint/brand" }\n')
        r = run(["rules"], self.dir)
        self.assertRegex(r.stdout, r"no-synergy .*\[acme\]")
        r = run(["explain", "no-synergy"], self.dir)
        self.assertIn("plugin: acme 2.1.0 - Acme house style", r.stdout)
        r = run(["test", "lint/brand"], self.dir)
        self.assertTrue(r.stdout.startswith("# acme 2.1.0 (lint/brand): Acme house style\n"), r.stdout)
        # init.lua is metadata, not a rule, also in a plugin without rules/
        self.write("flat/init.lua", 'return { name = "flat" }\n')
        self.write("flat/no-synergy.lua", RULE % '{ text = "synergy", errors = 1 }')
        r = run(["test", "flat"], self.dir)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_bad_init_lua_is_an_error_with_file_and_line(self):
        self.write("lint/brand/init.lua", 'return {\n  name = "acme",\n  author = "me",\n}\n')
        self.write("lint/brand/rules/no-synergy.lua", RULE % '{ text = "synergy", errors = 1 }')
        self.write(".lintrc", 'plugins = { "./lint/brand" }\n')
        self.write("p.md", "Hello")
        r = run(["p.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("lint/brand/init.lua: unknown field 'author' in init.lua", r.stderr)
        self.write("lint/brand/init.lua", 'return {\n  name = "acme",\n  version = 2 +\n}\n')
        r = run(["p.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("lint/brand/init.lua:4:", r.stderr)

    def test_require_stays_inside_the_plugin_folder(self):
        self.write("lint/brand/lib/words.lua", 'return { "synergy" }\n')
        self.write("lint/secret.lua", 'return { "leak" }\n')
        self.write("lint/brand/rules/uses-lib.lua", """local words = require("lib.words")
return { id = "uses-lib", summary = "s", docs = "d",
  check = function(post, ctx)
    for _, m in ipairs(post:find(lint.phrases(words))) do ctx:report{ message = "found", at = m } end
  end,
  tests = { valid = { "x" }, invalid = { { text = "synergy", errors = 1 } } } }
""")
        r = run(["test", "lint/brand"], self.dir)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for name in ["..secret", "../secret", "/etc/passwd"]:
            with self.subTest(name=name):
                self.write("lint/other/rules/escape.lua", 'local s = require("%s")\n'
                           'return { id = "escape", summary = "s", docs = "d", '
                           'check = function() end }\n' % name)
                r = run(["test", "lint/other"], self.dir)
                self.assertEqual(r.returncode, 2)
                self.assertIn("lint/other/rules/escape.lua", r.stderr)
                self.assertNotIn("leak", r.stdout + r.stderr)

    def test_conflicting_rule_ids_name_both_files(self):
        for plugin in ["lint/a", "lint/b"]:
            self.write(plugin + "/rules/no-synergy.lua", RULE % '{ text = "synergy", errors = 1 }')
        self.write(".lintrc", 'plugins = { "./lint/a", "./lint/b" }\n')
        self.write("p.md", "---\ngoal: replies\n---\nWhat do you think?\n")
        r = run(["p.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("lint/b/rules/no-synergy.lua: rule id 'no-synergy' is already defined by "
                      "lint/a/rules/no-synergy.lua", r.stderr)
        # a plugin rule that takes a built-in id names both as well
        self.write("lint/c/rules/self-focus.lua", (RULE % '{ text = "synergy", errors = 1 }')
                   .replace('"no-synergy"', '"self-focus"'))
        self.write(".lintrc", 'plugins = { "./lint/c" }\n')
        r = run(["p.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("lint/c/rules/self-focus.lua: rule id 'self-focus' is already defined by "
                      "rules/self-focus.lua", r.stderr)


class NewRule(Case):
    def test_the_new_rule_passes_its_tests_and_fires_when_enabled(self):
        r = run(["new-rule", "no-buzzwords", "--dir", "lint/acme"], self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        path = os.path.join(self.dir, "lint/acme/rules/no-buzzwords.lua")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for part in ['id = "no-buzzwords"', "docs = [[", "options = {", "check = function",
                     "tests = {", "invalid = {", "output ="]:
            self.assertIn(part, text)
        self.assertIn("-- ", text)  # commented
        r = run(["test", "lint/acme"], self.dir)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"\n[4-9] passed, 0 failed\n$")
        r = run(["explain", "no-buzzwords", "--config", self.write(".lintrc", 'plugins = { "./lint/acme" }\n')],
                self.dir)
        self.assertIn("circle back", r.stdout)
        self.write("p.md", "---\ngoal: replies\n---\nShall we circle back on Friday?\n")
        data = self.lint_json("p.md")
        [d] = [d for d in data["diagnostics"] if d["rule"] == "no-buzzwords"]
        self.assertEqual((d["line"], d["column"]), (4, 10))
        self.assertEqual(d["fix"]["edits"][0]["text"], "talk again")

    def test_default_dir_and_refusals(self):
        r = run(["new-rule", "mine"], self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.dir, "rules/mine.lua")))
        before = open(os.path.join(self.dir, "rules/mine.lua")).read()
        r = run(["new-rule", "mine"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("exists already", r.stderr)
        self.assertEqual(open(os.path.join(self.dir, "rules/mine.lua")).read(), before)
        for argv, message in [(["new-rule", "Not_Kebab"], "kebab-case"),
                              (["new-rule"], "usage: postlint new-rule NAME"),
                              (["new-rule", "a", "b"], "usage: postlint new-rule NAME"),
                              (["test", "--dir", "x"], "--dir is an option of new-rule")]:
            with self.subTest(argv=argv):
                r = run(argv, self.dir)
                self.assertEqual(r.returncode, 2)
                self.assertIn(message, r.stderr)


class BundledPacks(Case):
    POST = ("---\nplatform: x\ngoal: replies\nsponsored: true\n---\n"
            "𝐁𝐢𝐠 news about our Github app: ![](shot.png) [click here](https://acme.example/app).\n"
            "✅ faster\n✅ smaller\nWe leverage synergy. What would you add?\n")

    def diagnostics(self, lintrc):
        self.write(".lintrc", lintrc)
        self.write("p.md", self.POST)
        data = self.lint_json("p.md")
        return {d["rule"]: d for d in data["diagnostics"]}

    def test_packs_are_off_unless_enabled_by_name(self):
        found = self.diagnostics('platform = "x"\n')
        for rule in ["fancy-letters", "image-alt-text", "sponsored-disclosure", "banned-terms"]:
            self.assertNotIn(rule, found)

    def test_packs_enabled_by_name_fire_with_fixes(self):
        found = self.diagnostics('plugins = { "accessibility", "disclosure", "brand-voice" }\n')
        for rule in ["fancy-letters", "image-alt-text", "descriptive-link-text", "emoji-bullets",
                     "sponsored-disclosure", "banned-terms", "product-names"]:
            self.assertIn(rule, found)
        text = self.POST.encode("utf-8")
        fancy = found["fancy-letters"]["fix"]["edits"][0]
        self.assertEqual(text[fancy["start"]:fancy["end"]].decode(), "𝐁𝐢𝐠")
        self.assertEqual(fancy["text"], "Big")
        self.assertEqual(found["sponsored-disclosure"]["fix"]["edits"][0]["text"], "#ad ")
        self.assertEqual(found["product-names"]["fix"]["edits"][0]["text"], "GitHub")
        self.assertEqual(found["image-alt-text"]["fix"], None)
        self.assertTrue(found["image-alt-text"]["suggestions"])

    def test_pack_options_from_lintrc(self):
        found = self.diagnostics(
            'plugins = { "brand-voice", "disclosure" }\n'
            'rules = { ["banned-terms"] = { "error", banned = { ["faster"] = "quicker" } },\n'
            '          ["sponsored-disclosure"] = { "error", hashtags = { "news" }, within = 10 } }\n')
        self.assertEqual(found["banned-terms"]["fix"]["edits"][0]["text"], "quicker")
        self.assertIn("without a disclosure", found["sponsored-disclosure"]["message"])
        self.write(".lintrc", 'plugins = { "disclosure" }\n'
                   'rules = { ["sponsored-disclosure"] = { "error", within = "soon" } }\n')
        r = run(["p.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn(".lintrc:2: rule 'sponsored-disclosure' option 'within' must be a number",
                      r.stderr)

    def test_plugin_path_comes_first(self):
        self.write("mine/accessibility/rules/only-mine.lua", RULE.replace('"no-synergy"', '"only-mine"')
                   % '{ text = "synergy", errors = 1 }')
        self.write(".lintrc", 'plugins = { "accessibility" }\n')
        r = run(["rules"], self.dir, env={"POSTLINT_PLUGIN_PATH": os.path.join(self.dir, "mine")})
        self.assertIn("only-mine", r.stdout)
        self.assertNotIn("fancy-letters", r.stdout)

    def test_each_pack_has_readme_init_and_passing_tests(self):
        for pack in ["accessibility", "disclosure", "brand-voice"]:
            with self.subTest(pack=pack):
                folder = os.path.join(ROOT, "plugins", pack)
                with open(os.path.join(folder, "README.md"), encoding="utf-8") as f:
                    readme = f.read()
                rules = sorted(n[:-4] for n in os.listdir(os.path.join(folder, "rules")))
                for rule in rules:
                    self.assertIn("`%s`" % rule, readme)
                r = run(["test", folder], self.dir)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertTrue(r.stdout.startswith("# %s 1." % pack), r.stdout)



if __name__ == "__main__":
    harness.main(sys.modules[__name__])
