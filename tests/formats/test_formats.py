#!/usr/bin/env python3
"""The machine formats (json-lines, gcc, github, checkstyle, sarif) and --stdin, checked by
parsing each output and comparing it with the json format: positions (1-based, columns in
code points after emoji and CJK), and the escaping of quotes, line breaks, control
characters, non-ASCII and invalid UTF-8. SARIF is validated against the 2.1.0 schema from
the shared folder (skipped without it); checkstyle must satisfy xmllint.

Usage: test_formats.py --postlint PATH [--shared DIR] [unittest options]
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
import urllib.parse
import xml.etree.ElementTree as ET

POSTLINT = None
SHARED = None

# A rule whose message holds everything an escaper must handle: quotes, <>&, a newline, a
# tab, CR, control characters (SOH, ESC, DEL), %, :, comma, emoji, CJK and an invalid byte.
TRICKY = r'''
return {
  id = "tricky",
  summary = "Reports \"synergy\" with a message full of <special> & characters",
  docs = [[A test rule.
It has "quotes", <angle> & ampersands, and 新年 🎉.]],
  severity = "warning",
  fixable = true,
  check = function(post, ctx)
    for _, m in ipairs(post:find(lint.phrases{ "synergy" })) do
      ctx:report{
        message = "Say \"it\" & <mean> 'it'\nnext\tline\r\1\27\127 50% a:b,c 🎉 新年 \255!",
        first = m.first, last = m.last,
        fix = { first = m.first, last = m.last, text = "working \"together\" 🤝" },
        suggestions = { { title = "Cut it, <all> of it", edits = { { first = m.first, last = m.last, text = "" } } } },
      }
    end
  end,
}
'''

LINE = "🎉🎉 新年 team synergy is our plan."
POST = "---\nplatform: mastodon\ngoal: replies from organisers\n---\n" + LINE + "\nWhat is yours?\n"
NAME = "posts/we:ird, 🎉 100%.md"


def control_to_fffd(s, keep=""):
    return "".join("\ufffd" if (ord(c) < 0x20 and c not in keep) or ord(c) == 0x7F else c
                   for c in s)


def run(args, cwd, stdin=None):
    return subprocess.run([POSTLINT] + args, cwd=cwd, capture_output=True, input=stdin,
                          timeout=60)


# A rule whose suggestions replace and insert text an editor must see escaped and shortened.
QUOTING = r'''
local TEXTS = {
  "a\nb\tc\"d\re\1f\127g", string.rep("x", 59) .. "\195\169\"tail", string.rep("\195\169", 61),
  string.rep("y", 59) .. "\n", string.rep("w", 60) .. "\n", "",
}
return {
  id = "quoting", summary = "Suggests odd text", docs = "A test rule.", severity = "warning",
  check = function(post, ctx)
    local at = post.text:find("target", 1, true)
    for i, t in ipairs(TEXTS) do
      ctx:report{ message = "odd " .. i, first = at, last = at + 5,
        suggestions = { { title = "t", edits = { { first = at, last = at + 5, text = t },
          { first = #post.text + 1, last = #post.text, text = t } } } } }
    end
  end,
}
'''


class TextFormat(unittest.TestCase):
    """The text format's source lines (a window on long lines) and its quoted edits."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="postlint-text-")
        os.makedirs(os.path.join(self.dir, ".git"))
        for rel, text in [("plug/rules/quoting.lua", QUOTING),
                          (".lintrc", 'plugins = { "./plug" }\n')]:
            path = os.path.join(self.dir, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def lint(self, body):
        r = run(["--no-color", "--only", "quoting", "--stdin", "--stdin-filename", "p.md"],
                self.dir, body.encode("utf-8"))
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.decode("utf-8")

    def test_edits_are_escaped_and_shortened(self):
        out = self.lint('He said "a\tb": target\n')
        suggestions = [l for l in out.splitlines() if l.startswith("  suggestion:")]
        cut = 'replace "target" with '
        self.assertEqual(suggestions, [
            '  suggestion: t: ' + cut + '"a\\nb\\tc\\"d\\re\\x01f\\x7Fg"; '
            'insert "a\\nb\\tc\\"d\\re\\x01f\\x7Fg" at 2:1',
            # sixty characters, then "..." (the 60th is the two-byte "é")
            '  suggestion: t: ' + cut + '"' + "x" * 59 + 'é..."; insert "' + "x" * 59
            + 'é..." at 2:1',
            '  suggestion: t: ' + cut + '"' + "é" * 60 + '..."; insert "' + "é" * 60
            + '..." at 2:1',
            '  suggestion: t: ' + cut + '"' + "y" * 59 + '\\n"; insert "' + "y" * 59
            + '\\n" at 2:1',
            '  suggestion: t: ' + cut + '"' + "w" * 60 + '..."; insert "' + "w" * 60
            + '..." at 2:1',
            '  suggestion: t: delete "target"; insert "" at 2:1',
        ])

    def test_source_lines_show_tabs_as_spaces_and_controls_as_question_marks(self):
        # (the line is copied eight bytes at a time where none is a control character: the
        # tab and the \x02 sit inside such words, and at their ends)
        out = self.lint("abcdefgh\tijklmnopqrstuvw\x02xyzabcdefghijklm\tn target\n")
        self.assertEqual(out.splitlines()[1],
                         "    1 | abcdefgh ijklmnopqrstuvw?xyzabcdefghijklm n target")

    def test_long_lines_show_a_window_around_the_range(self):
        # 300 columns before the range: the window starts 30 characters before it and
        # holds 120 columns; wide characters (CJK, emoji) count two
        for lead, filler in [("a" * 300, "b" * 200), ("新" * 150, "年" * 100),
                             ("a" * 290 + "🎉" * 5, "é" * 200)]:
            with self.subTest(lead=lead[:3]):
                out = self.lint(lead + " target " + filler + "\n").splitlines()
                source, carets = out[1], out[2]
                self.assertTrue(source.startswith("    1 | ..."), source)
                shown = source[len("    1 | ..."):]
                self.assertTrue(shown.endswith("..."), shown)
                shown = shown[:-3]
                width = sum(2 if (0x4E00 <= ord(c) <= 0x9FFF or ord(c) >= 0x1F000) else 1
                            for c in shown)
                self.assertIn(width, (120, 121), shown)  # the last cluster may pass 120
                self.assertEqual(shown.index(" target "), 29)
                pad = carets[len("      | "):].index("^")
                before = shown[:shown.index("target")]
                self.assertEqual(pad, 3 + sum(2 if (0x4E00 <= ord(c) <= 0x9FFF
                                                    or ord(c) >= 0x1F000) else 1
                                              for c in before))
                self.assertEqual(carets.count("^"), 6)


class Formats(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="postlint-formats-")
        os.makedirs(os.path.join(cls.dir, ".git"))
        for rel, text in [("plug/rules/tricky.lua", TRICKY),
                          (".lintrc", 'plugins = { "./plug" }\n'),
                          (NAME, POST)]:
            path = os.path.join(cls.dir, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        cls.outputs = {}
        for fmt in ["json", "json-lines", "gcc", "github", "checkstyle", "sarif"]:
            r = run(["--format", fmt, NAME], cls.dir)
            assert r.returncode in (0, 1), (fmt, r.returncode, r.stderr)
            cls.outputs[fmt] = r.stdout.decode("utf-8")
        cls.json = json.loads(cls.outputs["json"])["diagnostics"]
        cls.tricky = next(d for d in cls.json if d["rule"] == "tricky")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_json_columns_are_code_points(self):
        d = self.tricky
        self.assertEqual(d["path"], NAME)
        self.assertEqual(d["line"], 5)
        self.assertEqual(d["column"], LINE.index("synergy") + 1)  # code points, 1-based
        self.assertEqual(d["column"], 12)
        self.assertEqual(d["end_column"], d["column"] + len("synergy"))
        self.assertTrue(d["message"].endswith("\ufffd!"))  # invalid byte -> U+FFFD

    def test_json_lines(self):
        lines = self.outputs["json-lines"].splitlines()
        self.assertEqual([json.loads(l) for l in lines], self.json)

    def test_gcc(self):
        lines = self.outputs["gcc"].splitlines()
        self.assertEqual(len(lines), len(self.json))
        pat = re.compile(r"^(.*):(\d+):(\d+): (error|warning|note): (.*) \[([a-z-]+)\]$")
        for line, d in zip(lines, self.json):
            m = pat.match(line)
            self.assertTrue(m, line)
            self.assertEqual(m.group(1), NAME)
            self.assertEqual((int(m.group(2)), int(m.group(3))), (d["line"], d["column"]))
            self.assertEqual(m.group(4), {"error": "error", "warning": "warning",
                                          "info": "note"}[d["severity"]])
            self.assertEqual(m.group(6), d["rule"])
            want = control_to_fffd(d["message"].replace("\n", " ").replace("\t", " ")
                                   .replace("\r", " "))
            self.assertEqual(m.group(5), want)

    def test_github(self):
        def unescape(s):
            for a, b in [("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")]:
                s = s.replace(a, b)
            return s
        lines = self.outputs["github"].split("\n")
        self.assertEqual(lines[-1], "")
        lines = lines[:-1]
        self.assertEqual(len(lines), len(self.json))
        for line, d in zip(lines, self.json):
            m = re.match(r"^::(error|warning|notice) ([^:]*)::(.*)$", line)
            self.assertTrue(m, line)
            self.assertEqual(m.group(1), {"error": "error", "warning": "warning",
                                          "info": "notice"}[d["severity"]])
            props = dict(p.split("=", 1) for p in m.group(2).split(","))
            self.assertEqual(unescape(props["file"]), NAME)
            self.assertNotIn(",", props["file"])
            self.assertEqual(int(props["line"]), d["line"])
            self.assertEqual(int(props["col"]), d["column"])
            self.assertEqual(int(props["endColumn"]), d["end_column"])
            self.assertEqual(unescape(props["title"]), "postlint (%s)" % d["rule"])
            self.assertNotIn("\r", m.group(3))
            want = control_to_fffd(d["message"], keep="\t\n\r") + " [%s]" % d["rule"]
            self.assertEqual(unescape(m.group(3)), want)
        self.assertIn("%0Anext\tline%0D", self.outputs["github"])
        self.assertIn("we%3Aird%2C 🎉 100%25.md", self.outputs["github"])
        self.assertIn(" 50%25 a:b,c ", self.outputs["github"])

    def test_checkstyle(self):
        xml = self.outputs["checkstyle"].encode("utf-8")
        lint = subprocess.run(["xmllint", "--noout", "-"], input=xml, capture_output=True,
                              timeout=60)
        self.assertEqual(lint.returncode, 0, lint.stderr)
        root = ET.fromstring(xml)
        self.assertEqual(root.tag, "checkstyle")
        files = root.findall("file")
        self.assertEqual([f.get("name") for f in files], [NAME])
        errors = files[0].findall("error")
        self.assertEqual(len(errors), len(self.json))
        for e, d in zip(errors, self.json):
            self.assertEqual(int(e.get("line")), d["line"])
            self.assertEqual(int(e.get("column")), d["column"])
            self.assertEqual(e.get("source"), "postlint." + d["rule"])
            self.assertEqual(e.get("severity"), {"info": "info"}.get(d["severity"], d["severity"]))
            # tab, LF, CR survive attribute normalisation; other controls cannot be in XML
            self.assertEqual(e.get("message"), control_to_fffd(d["message"], keep="\t\n\r"))

    def test_sarif(self):
        data = json.loads(self.outputs["sarif"])
        self.assertEqual(data["version"], "2.1.0")
        run_ = data["runs"][0]
        self.assertEqual(run_["columnKind"], "unicodeCodePoints")
        rules = run_["tool"]["driver"]["rules"]
        ids = [r["id"] for r in rules]
        for host in ["rule-error", "front-matter", "encoding", "io-error"]:
            self.assertIn(host, ids)
        tricky = rules[ids.index("tricky")]
        self.assertEqual(tricky["shortDescription"]["text"],
                         "Reports \"synergy\" with a message full of <special> & characters")
        self.assertEqual(tricky["help"]["text"],
                         "A test rule.\nIt has \"quotes\", <angle> & ampersands, and 新年 🎉.")
        self.assertEqual(tricky["defaultConfiguration"]["level"], "warning")
        results = run_["results"]
        self.assertEqual(len(results), len(self.json))
        for res, d in zip(results, self.json):
            self.assertEqual(res["ruleId"], d["rule"])
            self.assertEqual(rules[res["ruleIndex"]]["id"], d["rule"])
            self.assertEqual(res["message"]["text"], d["message"])
            loc = res["locations"][0]["physicalLocation"]
            self.assertEqual(urllib.parse.unquote(loc["artifactLocation"]["uri"]), NAME)
            self.assertNotIn(" ", loc["artifactLocation"]["uri"])
            reg = loc["region"]
            self.assertEqual((reg["startLine"], reg["startColumn"], reg["endLine"],
                              reg["endColumn"]),
                             (d["line"], d["column"], d["end_line"], d["end_column"]))
        res = next(r for r in results if r["ruleId"] == "tricky")
        fix, cut = res["fixes"]
        self.assertTrue(fix["properties"]["safe"])
        self.assertFalse(cut["properties"]["safe"])
        self.assertEqual(cut["description"]["text"], "Cut it, <all> of it")
        rep = fix["artifactChanges"][0]["replacements"][0]
        self.assertEqual(rep["insertedContent"]["text"], 'working "together" 🤝')
        text = POST.encode("utf-8")
        start = self.tricky["fix"]["edits"][0]["start"]
        self.assertEqual(rep["deletedRegion"]["byteOffset"], start)
        self.assertEqual(text[start:start + rep["deletedRegion"]["byteLength"]], b"synergy")
        self.assertEqual(rep["deletedRegion"]["startColumn"], self.tricky["column"])

    def test_sarif_schema(self):
        schema_path = os.path.join(SHARED or "", "conformance/sarif/sarif-schema-2.1.0.json")
        if not SHARED or not os.path.exists(schema_path):
            print("skipped: not found: " + schema_path)
            self.skipTest("no SARIF schema")
        import jsonschema  # Debian python3-jsonschema
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.validate(json.loads(self.outputs["sarif"]), schema)
        # an unreadable file (no region, no fixes) and an empty run validate too
        for args in [["--format", "sarif", "missing.md"], ["--format", "sarif", "--only", "tricky",
                                                             "plug"]]:
            r = run(args, self.dir)
            jsonschema.validate(json.loads(r.stdout), schema)

    def test_unknown_format_lists_them_all(self):
        r = run(["--format", "yaml", NAME], self.dir)
        self.assertEqual(r.returncode, 2)
        for f in ["json-lines", "gcc", "sarif", "checkstyle", "github"]:
            self.assertIn(f, r.stderr.decode())


class Stdin(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="postlint-stdin-")
        os.makedirs(os.path.join(self.dir, ".git"))
        self.write(".lintrc", 'exclude = { "archive/**" }\n')
        self.write("posts/quiet/.lintrc", 'rules = { ["invite-conversation"] = "off" }\n')

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, rel, text):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def lint(self, text, *args):
        r = run(["--format", "json", "--stdin", *args], self.dir, text.encode("utf-8"))
        return r, json.loads(r.stdout) if r.stdout else None

    def test_config_found_by_the_given_path_and_output_names_it(self):
        text = "---\ngoal: replies\nplatform: x\n---\nWe shipped the new reading list.\n"
        r, data = self.lint(text, "--stdin-filename", "posts/loud/new.md")
        self.assertIn("invite-conversation", {d["rule"] for d in data["diagnostics"]})
        self.assertEqual(data["files"], ["posts/loud/new.md"])
        r, data = self.lint(text, "--stdin-filename", "posts/quiet/new.md")
        self.assertNotIn("invite-conversation", {d["rule"] for d in data["diagnostics"]})
        self.assertEqual(data["files"], ["posts/quiet/new.md"])

    def test_overrides_match_the_given_path(self):
        self.write(".lintrc", 'exclude = { "archive/**" }\n'
                   'overrides = { { files = "drafts/**", rules = { ["declare-goal"] = "off" } } }\n')
        text = "We shipped the new reading list. What are you reading?\n"
        r, data = self.lint(text, "--stdin-filename", "drafts/idea.md")
        self.assertNotIn("declare-goal", {d["rule"] for d in data["diagnostics"]})
        r, data = self.lint(text, "--stdin-filename", "posts/idea.md")
        self.assertIn("declare-goal", {d["rule"] for d in data["diagnostics"]})

    def test_the_file_on_disk_is_not_read(self):
        self.write("posts/x.md", "Buy now! 50% off, only 24 hours left.\n")
        clean = "---\ngoal: replies\n---\nWhich book changed how you work? Tell me yours.\n"
        r, data = self.lint(clean, "--stdin-filename", "posts/x.md")
        self.assertEqual(data["diagnostics"], [], data)
        self.assertEqual(r.returncode, 0)
        r, data = self.lint(clean, "--stdin-filename", "posts/never-existed.md")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_without_a_name_and_excluded_paths(self):
        r, data = self.lint("Buy now!\n")
        self.assertEqual(data["files"], ["<stdin>"])
        r, data = self.lint("Buy now!\n", "--stdin-filename", "archive/old.md")
        self.assertEqual(data["files"], [])
        self.assertEqual(r.returncode, 0)

    def test_gcc_with_stdin(self):
        r = run(["--format", "gcc", "--stdin", "--stdin-filename", "posts/a.md"], self.dir,
                "---\ngoal: likes\n---\n🎉 新年 hi\n".encode())
        self.assertIn("posts/a.md:2:7: warning: The goal", r.stdout.decode())

    def test_usage_errors(self):
        r = run(["--stdin-filename", "a.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--stdin-filename needs --stdin", r.stderr.decode())
        r = run(["--stdin", "a.md"], self.dir, b"")
        self.assertEqual(r.returncode, 2)
        r = run(["lsp", "extra"], self.dir)
        self.assertEqual(r.returncode, 2)



if __name__ == "__main__":
    harness.main(sys.modules[__name__], shared=None)
