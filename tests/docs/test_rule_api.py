#!/usr/bin/env python3
"""Runs every Lua example of docs/rule-api.md with the real postlint binary.

Each fenced block is marked by its info string:
  ```lua rule      a whole rule file: written to a plugin folder; `postlint test` on it must pass
  ```lua check     the body of check(post, ctx): run on the text of its `-- post:` comment; the
                   problems it reports must be exactly its `-- expect: LINE:COL message` lines
  ```lua lintrc    a .lintrc: must be valid with the page's rules (`--print-config` exits 0)
  ```lua set-rule  a rule with check_set: must load and be listed by `postlint rules`
A ```lua block without a mark fails the test: every example is run.

Usage: test_rule_api.py --postlint PATH [--doc docs/rule-api.md] [unittest options]
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

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POSTLINT = None
DOC = os.path.join(ROOT, "docs", "rule-api.md")
KINDS = ("rule", "check", "lintrc", "set-rule")


def blocks(path):
    """(kind, first line number, text) of every ```lua block."""
    out = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^```lua\b\s*(\S*)\s*$", lines[i])
        if m:
            start = i + 1
            i += 1
            body = []
            while i < len(lines) and lines[i] != "```":
                body.append(lines[i])
                i += 1
            out.append((m.group(1), start, "\n".join(body) + "\n"))
        i += 1
    return out


def run(args, cwd):
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    return subprocess.run([POSTLINT] + args, cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=120)


def rule_id(text):
    m = re.search(r'^\s*id\s*=\s*"([a-z0-9-]+)"', text, re.M)
    return m.group(1) if m else None


def unescape(s):
    return s.replace("\\n", "\n")


class RuleApiDoc(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.blocks = blocks(DOC)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="postlint-doc-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, rel, text):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_every_lua_block_is_marked(self):
        self.assertGreaterEqual(len(self.blocks), 10)
        for kind, line, _ in self.blocks:
            self.assertIn(kind, KINDS, "docs/rule-api.md:%d: a ```lua block must be marked "
                          "rule, check, lintrc or set-rule so that it is run" % line)
        kinds = {k for k, _, _ in self.blocks}
        self.assertEqual(kinds, set(KINDS))

    def test_rule_blocks_pass_their_tests(self):
        for kind, line, text in self.blocks:
            if kind != "rule":
                continue
            with self.subTest(line=line):
                rid = rule_id(text)
                self.assertIsNotNone(rid, "docs/rule-api.md:%d: no id" % line)
                plugin = os.path.join(self.dir, "p%d" % line)
                self.write("p%d/rules/%s.lua" % (line, rid), text)
                r = run(["test", plugin], self.dir)
                self.assertEqual(r.returncode, 0, "docs/rule-api.md:%d\n%s%s" %
                                 (line, r.stdout, r.stderr))
                m = re.search(r"^(\d+) passed, 0 failed$", r.stdout, re.M)
                self.assertTrue(m and int(m.group(1)) >= 2, r.stdout)

    def check_rule(self, body, line):
        indented = "\n".join("    " + l for l in body.rstrip("\n").split("\n"))
        return ('return {\n  id = "doc-example",\n  summary = "docs/rule-api.md:%d",\n'
                '  docs = "An example of the rule API reference.",\n'
                '  check = function(post, ctx)\n%s\n  end,\n}\n' % (line, indented))

    def test_check_blocks_report_what_they_say(self):
        count = 0
        for kind, line, text in self.blocks:
            if kind != "check":
                continue
            count += 1
            with self.subTest(line=line):
                post = re.search(r"^-- post: (.*)$", text, re.M)
                self.assertIsNotNone(post, "docs/rule-api.md:%d: no '-- post:' line" % line)
                expect = re.findall(r"^-- expect: (\d+):(\d+) (.*)$", text, re.M)
                case = os.path.join(self.dir, "c%d" % line)
                os.makedirs(case)
                self.write("c%d/lint/rules/doc-example.lua" % line, self.check_rule(text, line))
                self.write("c%d/.lintrc" % line,
                           'plugins = { "./lint" }\nrules = { ["doc-example"] = "warning" }\n')
                self.write("c%d/post.md" % line, unescape(post.group(1)))
                r = run(["--format", "json", "--only", "doc-example", "post.md"], case)
                self.assertIn(r.returncode, (0, 1), "docs/rule-api.md:%d\n%s%s" %
                              (line, r.stdout, r.stderr))
                data = json.loads(r.stdout)
                got = [d for d in data["diagnostics"]]
                errors = [d["message"] for d in got if d["rule"] != "doc-example"]
                self.assertEqual(errors, [], "docs/rule-api.md:%d" % line)
                self.assertEqual(len(got), len(expect),
                                 "docs/rule-api.md:%d: %s" % (line, [(d["line"], d["column"],
                                                                     d["message"]) for d in got]))
                for d, (l, c, msg) in zip(got, expect):
                    self.assertEqual((d["line"], d["column"]), (int(l), int(c)),
                                     "docs/rule-api.md:%d: %s" % (line, d["message"]))
                    self.assertIn(msg, d["message"])
        self.assertGreaterEqual(count, 8)

    def test_a_failing_assert_in_a_check_block_is_caught(self):
        # the harness itself: an example whose assert fails must not pass unnoticed
        case = os.path.join(self.dir, "broken")
        self.write("broken/lint/rules/doc-example.lua",
                   self.check_rule("assert(post.text == 'something else')\n", 1))
        self.write("broken/.lintrc", 'plugins = { "./lint" }\n')
        self.write("broken/post.md", "Hello")
        r = run(["--format", "json", "--only", "doc-example", "post.md"], case)
        data = json.loads(r.stdout)
        self.assertEqual(r.returncode, 2)
        self.assertEqual([d["rule"] for d in data["diagnostics"]], ["rule-error"])

    def plugin_with_all_rules(self):
        for kind, line, text in self.blocks:
            if kind in ("rule", "set-rule"):
                self.write("lint/our-brand/rules/%s.lua" % rule_id(text), text)

    def test_lintrc_blocks_are_valid(self):
        self.plugin_with_all_rules()
        self.write("post.md", "Hello.\n")
        for kind, line, text in self.blocks:
            if kind != "lintrc":
                continue
            with self.subTest(line=line):
                self.write(".lintrc", text)
                r = run(["--print-config", "post.md"], self.dir)
                self.assertEqual(r.returncode, 0, "docs/rule-api.md:%d\n%s" % (line, r.stderr))
                # and a broken variant is refused, so the check above means something
                self.write(".lintrc", text.replace("max_letters = 14", "max_letters = \"14\""))
                r = run(["--print-config", "post.md"], self.dir)
                self.assertEqual(r.returncode, 2)
                self.assertIn("max_letters", r.stderr)

    def test_set_rule_blocks_load(self):
        self.plugin_with_all_rules()
        self.write(".lintrc", 'plugins = { "./lint/our-brand" }\n')
        r = run(["rules"], self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        for kind, line, text in self.blocks:
            if kind == "set-rule":
                self.assertIn(rule_id(text), r.stdout)



if __name__ == "__main__":
    harness.main(sys.modules[__name__], doc=DOC)
