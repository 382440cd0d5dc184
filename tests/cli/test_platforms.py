#!/usr/bin/env python3
"""End-to-end tests of platform lengths and the platform rules (issue 3): `postlint length`,
post:length for rules, .lintrc `platform_limits` overrides, each platform rule firing through the
real binary, the safe fixes byte for byte, and the max-length split.

Usage: test_platforms.py --postlint PATH [unittest options]
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

POSTLINT = None
PLATFORM_RULES = ["max-length", "hashtag-limit", "mention-limit", "link-limit", "thread-numbering",
                  "no-shouting", "exclamation-overuse", "hashtag-case", "engagement-bait",
                  "unknown-platform"]

# Counting by hand (see the README's "Platforms and lengths"):
#   graphemes: "Family " 7, ZWJ family 1, " flags " 7, US and DE flags 2, " skin " 6, thumbs up
#   with a skin tone 1, " CJK " 5, four CJK characters 4, " café " 6, "e" + combining acute 1,
#   " see " 5, "example.com/path" 16, " and " 5, the https URL 40, " cc " 4,
#   "@alice@mastodon.social" 22: 132 graphemes (188 UTF-8 bytes).
#   x: 132, +4 for the four emoji sequences (2 each), +4 for CJK (2 each), "example.com/path"
#   (no scheme, still a URL) 23 instead of 16, the https URL 23 instead of 40: 130.
#   mastodon: 132, the https URL 23 instead of 40, "@alice@mastodon.social" as "@alice"
#   (6 instead of 22); bare domains are not links there: 99.
MIXED = ("Family \U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466 flags "
         "\U0001F1FA\U0001F1F8\U0001F1E9\U0001F1EA skin \U0001F44D\U0001F3FD CJK 漢字かな "
         "café e\u0301 see example.com/path and https://example.org/a/very/long/path?x=1 "
         "cc @alice@mastodon.social")


def run(args, cwd, stdin=None):
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    return subprocess.run([POSTLINT] + args, cwd=cwd, capture_output=True, text=True,
                          input=stdin, env=env, timeout=60)


class Case(harness.TempCase):
    prefix = "postlint-platforms-"

    def read(self, rel):
        with open(os.path.join(self.dir, rel), encoding="utf-8") as f:
            return f.read()

    def length_json(self, *args, code=None, stdin=None):
        r = run(["length", "--format", "json", *args], self.dir, stdin=stdin)
        if code is not None:
            self.assertEqual(r.returncode, code, r.stdout + r.stderr)
        return json.loads(r.stdout), r

    def lint_json(self, *args):
        r = run(["--format", "json", *args], self.dir)
        return json.loads(r.stdout), r


def lengths(data, path_index=0):
    """{platform: [length of part 1, ...]} of one file."""
    return {p["platform"]: [part["length"] for part in p["parts"]]
            for p in data["files"][path_index]["platforms"]}


class Length(Case):
    def test_counts_each_network_its_own_way(self):
        self.write("p.md", "---\nplatform: [x, bluesky, mastodon]\n---\n" + MIXED + "\n")
        data, _ = self.length_json("p.md", code=0)
        self.assertEqual(lengths(data), {"x": [130], "bluesky": [132], "mastodon": [99]})
        bluesky = data["files"][0]["platforms"][1]
        self.assertEqual((bluesky["limit"], bluesky["max_bytes"]), (300, 3000))
        self.assertEqual(bluesky["parts"][0]["bytes"], len(MIXED.encode()))

    def test_all_platforms_and_their_limits(self):
        self.write("p.md", "Hello world\n")
        data, _ = self.length_json("--platform", "all", "p.md", code=0)
        limits = {p["platform"]: p["limit"] for p in data["files"][0]["platforms"]}
        self.assertEqual(limits, {"x": 280, "mastodon": 500, "bluesky": 300, "threads": 500,
                                  "linkedin": 3000, "instagram": 2200, "facebook": 63206})
        self.assertEqual(set(sum(lengths(data).values(), [])), {11})

    def test_thread_parts_are_counted_on_their_own_and_over_exits_1(self):
        text = "1/2 " + "word " * 60 + "\n\n2/2 short end\n<!-- postlint-disable no-shouting -->\n"
        data, r = self.length_json("--platform", "x", "--stdin", stdin=text, code=1)
        self.assertEqual(lengths(data)["x"], [len("1/2 " + "word " * 60) - 1, len("2/2 short end")])
        self.assertEqual([p["over"] for p in data["files"][0]["platforms"][0]["parts"]],
                         [True, False])
        r = run(["length", "--platform", "x", "--stdin"], self.dir, stdin=text)
        self.assertIn("part 1/2   303/280 characters  over by 23", r.stdout)

    def test_weighted_edge_cases(self):
        cases = [("漢" * 140, 280), ("\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067"
                                      "\U000E007F", 2), ("1\u20E3", 2), ("e\u0301" * 10, 10),
                 # keycaps: ASCII, then U+FE0F or U+20E3 (the ASCII fast path must stop)
                 ("1\uFE0F\u20E3", 2), ("go #\uFE0F\u20E3 now", 3 + 2 + 4),
                 ("bit.ly/abc t.co", 23 + 1 + 23), ("foo.bz2", 7)]
        for text, want in cases:
            data, _ = self.length_json("--platform", "x", "--stdin", stdin=text)
            self.assertEqual(lengths(data)["x"], [want], text)

    def test_pathological_text_is_measured_quickly(self):
        # twitter-text's regex retries at every position; "a.a.a..." and unclosed comments
        # must not make that quadratic (each takes about 0.1 s; it took 49 s before the fix)
        for text, want in [("a." * 100000, 200000), ("<!--" * 50000, 200000),
                           (("ab-" * 30 + ".") * 3000, 273000)]:
            started = time.monotonic()
            data, _ = self.length_json("--platform", "x", "--stdin", stdin=text)
            self.assertLess(time.monotonic() - started, 10, text[:20])
            self.assertEqual(lengths(data)["x"], [want])

    def test_unknown_platform_and_usage(self):
        self.write("p.md", "hi\n")
        r = run(["length", "--platform", "myspace", "p.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown platform 'myspace'", r.stderr)
        self.assertEqual(run(["length"], self.dir).returncode, 2)
        self.write("q.md", "---\nplatform: friendster\n---\nhi\n")
        r = run(["length", "q.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("q.md: unknown platform 'friendster'", r.stderr)

    def test_lintrc_overrides_a_limit(self):
        self.write("p.md", "---\nplatform: mastodon\n---\n" + MIXED + "\n")
        self.write(".lintrc", "platform_limits = { mastodon = { limit = 90 } }\n")
        data, _ = self.length_json("p.md", code=1)
        self.assertEqual(data["files"][0]["platforms"][0]["limit"], 90)
        diags, _ = self.lint_json("p.md")
        self.assertIn("Too long for Mastodon: 99/90 characters (9 over)",
                      [d["message"] for d in diags["diagnostics"] if d["rule"] == "max-length"])

    def test_lintrc_bad_override_is_an_error_with_its_line(self):
        self.write("p.md", "hi\n")
        self.write(".lintrc", "-- limits\nplatform_limits = {\n  x = { limit = \"long\" },\n}\n")
        r = run(["p.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn(".lintrc:3: platform_limits.x.limit must be a whole number", r.stderr)


class PostLengthApi(Case):
    def test_rules_see_post_length(self):
        self.write("plug/rules/len.lua", """
return {
  id = "len", summary = "s", docs = "d", severity = "info", options = {},
  check = function(post, ctx)
    local n, limit, info = post:length("x")
    local m1 = post:length("X", 1)
    local m2, l2 = post:length("x", "漢字")
    local bad, why = post:length("myspace")
    local none, why2 = post:length("x", 7)
    ctx:report{ message = string.format("%d %d %s %s %d %d %d %s %s", n, limit, info.unit,
      tostring(info.threads), m1, m2, l2, tostring(bad), why) .. " / " .. why2,
      first = 1, last = 1, suggestions = { { title = "t", edits = { { first = 1, last = 1, text = "1" } } } } }
  end,
  tests = { invalid = { { text = "x", errors = 1 } } },
}
""")
        self.write(".lintrc", 'plugins = { "./plug" }\n')
        self.write("p.md", "1/2 Hello 漢字\n\n2/2 https://example.com/long/path\n")
        data, r = self.lint_json("--only", "len", "p.md")
        msgs = [d["message"] for d in data["diagnostics"] if d["rule"] == "len"]
        self.assertEqual(msgs, ["43 280 characters true 14 4 280 nil unknown platform 'myspace'"
                                " / no part 7 (the post has 2)"], r.stderr)


class PlatformRules(Case):
    def test_rules_are_listed(self):
        r = run(["rules"], self.dir)
        ids = [line.split()[0] for line in r.stdout.splitlines() if line.strip()]
        for rule in PLATFORM_RULES:
            self.assertIn(rule, ids)

    def test_each_rule_fires_through_the_binary(self):
        long_x = "This sentence is forty characters long. " * 8
        posts = {
            "max-length": ("x", long_x, "Too long for X: 319/280"),
            "hashtag-limit": ("x", "Dinner #food #cooking #recipe", "3 hashtags; at most 2 on x"),
            "mention-limit": ("x", "Hi @a1 @b2 @c3 @d4 @e5 @f6", "6 mentions; at most 5"),
            "link-limit": ("x", "https://a.example/1 https://b.example/2 https://c.example/3",
                           "3 links; at most 2"),
            "thread-numbering": ("x", "1/2 One\n\n2/2 Two\n\n2/2 Three", "out of order"),
            "no-shouting": ("x", "This is HUGE news", "\"HUGE\" is in capitals"),
            "exclamation-overuse": ("x", "Wow!!!", "3 exclamation marks in a row"),
            "hashtag-case": ("x", "Tips #socialmediatips", "#SocialMediaTips"),
            "engagement-bait": ("x", "RT to win a mug", "Engagement bait"),
            "unknown-platform": ("twitter", "Hello", "Unknown platform 'twitter'"),
        }
        for rule, (platform, body, message) in posts.items():
            self.write(rule + ".md", "---\nplatform: %s\n---\n%s\n" % (platform, body))
            data, r = self.lint_json("--only", rule, rule + ".md")
            got = [d for d in data["diagnostics"] if d["rule"] == rule]
            self.assertTrue(any(message in d["message"] for d in got), (rule, r.stdout, r.stderr))
            for d in got:
                self.assertTrue(d["fix"] or d["suggestions"], rule)

    def apply_fixes(self, rel, rules):
        """Applies every safe fix the JSON output offers (what --fix applies)."""
        data, _ = self.lint_json("--only", rules, rel)
        edits = [e for d in data["diagnostics"] if d["fix"] for e in d["fix"]["edits"]]
        raw = self.read(rel).encode()
        for e in sorted(edits, key=lambda e: e["start"], reverse=True):
            raw = raw[:e["start"]] + e["text"].encode() + raw[e["end"]:]
        self.write(rel, raw.decode())
        return len(edits)

    def test_safe_fixes_are_exact_and_idempotent(self):
        text = ("---\nplatform: twitter\ngoal: replies\n---\n1/3 Big news!!! We moved.\n\n"
                "2/3 The office is on Elm Street.\n\n2/3 What should we name the meeting rooms?\n"
                "\n---\n\nThanks for reading\n")
        self.write("p.md", text)
        rules = "thread-numbering,exclamation-overuse,unknown-platform"
        self.assertEqual(self.apply_fixes("p.md", rules), 6)
        want = ("---\nplatform: x\ngoal: replies\n---\n1/4 Big news! We moved.\n\n"
                "2/4 The office is on Elm Street.\n\n3/4 What should we name the meeting rooms?\n"
                "\n---\n\n4/4 Thanks for reading\n")
        self.assertEqual(self.read("p.md"), want)
        self.assertEqual(self.apply_fixes("p.md", rules), 0)  # nothing left to fix
        self.assertEqual(self.read("p.md"), want)
        # postlint --fix itself gives the same file, and a second run changes nothing
        self.write("q.md", text)
        r = run(["--fix", "--only", rules, "q.md"], self.dir)
        self.assertIn("applied 6 fixes in 1 file", r.stdout)
        self.assertEqual(self.read("q.md"), want)
        r = run(["--fix", "--only", rules, "q.md"], self.dir)
        self.assertNotIn("applied", r.stdout)
        self.assertEqual(self.read("q.md"), want)

    def test_max_length_split_fits_and_is_numbered(self):
        sentences = ["Sentence number %d talks about the plan for a while." % i for i in range(1, 15)]
        body = " ".join(sentences)
        self.write("p.md", "---\nplatform: x\n---\n" + body + "\n")
        data, _ = self.lint_json("--only", "max-length", "p.md")
        [d] = [d for d in data["diagnostics"] if d["rule"] == "max-length"]
        [s] = d["suggestions"]
        self.assertRegex(s["title"], r"^Split into \d numbered posts")
        [edit] = s["edits"]
        pieces = edit["text"].split("\n\n")
        self.assertGreater(len(pieces), 1)
        for k, piece in enumerate(pieces, 1):
            self.assertTrue(piece.startswith("%d/%d " % (k, len(pieces))), piece)
            self.assertTrue(piece.endswith("."), piece)  # cut at sentence boundaries
        # the split text, as a file, fits X in every part
        raw = self.read("p.md").encode()
        fixed = raw[:edit["start"]] + edit["text"].encode() + raw[edit["end"]:]
        self.write("split.md", fixed.decode())
        data, _ = self.length_json("split.md", code=0)
        self.assertEqual(len(lengths(data)["x"]), len(pieces))
        self.assertEqual(" ".join(p.split(" ", 1)[1] for p in pieces), body)

    def test_max_length_offers_a_cut_where_there_are_no_threads(self):
        body = "A LinkedIn post that goes on and on. " * 90
        self.write("p.md", "---\nplatform: linkedin\n---\n" + body + "\n")
        data, _ = self.lint_json("--only", "max-length", "p.md")
        [d] = [d for d in data["diagnostics"] if d["rule"] == "max-length"]
        self.assertIn("Too long for LinkedIn: 3329/3000", d["message"])
        [s] = d["suggestions"]
        self.assertEqual(s["title"], "Shorten: cut after the last sentence that fits")
        raw = self.read("p.md").encode()
        e = s["edits"][0]
        self.write("cut.md", (raw[:e["start"]] + e["text"].encode() + raw[e["end"]:]).decode())
        data, _ = self.length_json("cut.md", code=0)
        self.assertLessEqual(lengths(data)["linkedin"][0], 3000)
        self.assertGreater(lengths(data)["linkedin"][0], 2950)


if __name__ == "__main__":
    harness.main(sys.modules[__name__])
