#!/usr/bin/env python3
"""Bad input: every kind of broken, odd or hostile file gets a precise diagnostic or message
(path, line and column where they exist), never a crash, in bounded time and memory, and the
other files are still linted. All files are made in a temporary folder at test time (the big
ones too). Timings and peak memory are printed; the bounds asserted are generous.

Usage: test_badinput.py --postlint PATH [--keep DIR] [unittest options]
  --keep DIR  also write the generated files to DIR (the valgrind run lints them)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

POSTLINT = None
KEEP = None
TIME_BOUND = 60.0          # seconds per run (sanitizer builds are several times slower)
MEMORY_BOUND = 2 << 30     # bytes of peak RSS (AddressSanitizer's shadow memory included)

GOOD = "---\nplatform: x\ngoal: replies from people who run book clubs\n---\n" \
       "We moved our book club to Sunday mornings and attendance doubled.\n" \
       "What time of day works best for yours?\n"
SELFISH = "---\ngoal: x\n---\nI finished my first marathon today.\n"

# name -> bytes; the small files, all linted in one run with a good and a bad post
SMALL = {
    "utf8-overlong.md": b"Hello there\nbad \xc0\xaf here\n",
    "utf8-surrogate.md": b"ok\nab \xed\xa0\x80 x\n",
    "utf8-truncated.md": b"line one\nends with \xe2\x82",
    "utf8-invalid-in-front-matter.md": b"---\ngoal: caf\xe9\n---\nWhat do you think?\n",
    "nul.md": b"text\x00more\n",
    "nul-late.md": b"What do you think?\n" * 600 + b"\x00",
    "binary.md": bytes([0x89]) + b"PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "empty.md": b"",
    "only-front-matter.md": b"---\ngoal: replies\n---\n",
    "unterminated.md": b"---\ngoal: replies\nplatform: x\n",
    "invalid-yaml.md": b"---\ngoal: replies\ntitle: Hello: world\n---\nbody\n",
    "invalid-yaml-flow.md": b"---\ngoal: replies\nlist: [a, b\n---\nbody\n",
    "yaml-tab.md": b"---\ngoal:\n\t- x\n---\nbody\n",
    "yaml-alias-bomb.md": (b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                           b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                           b"---\nWhat do you think?\n"),
    "yaml-deep.md": b"---\na: " + b"[" * 5000 + b"]" * 5000 + b"\n---\nWhat do you think?\n",
    "yaml-deep-block.md": b"---\n" + b"".join(b"  " * i + b"k%d:\n" % i for i in range(60)) + b"---\nx?\n",
    "yaml-list.md": b"---\n- a\n- b\n---\nWhat do you think?\n",
    "yaml-scalar.md": b"---\njust text\n---\nWhat do you think?\n",
    "yaml-empty.md": b"---\n---\nWhat do you think?\n",
    "yaml-duplicate-key.md": b"---\ngoal: a\ngoal: b\n---\nWhat do you think?\n",
    "yaml-tag.md": b"---\ngoal: !!python/object:os.system rm\n---\nWhat do you think?\n",
    "crlf.md": b"---\r\ngoal: replies\r\n---\r\nHi\r\nBuy now! 50% off today only!\r\n",
    "lone-cr.md": b"---\rgoal: replies\r---\rHi\rBuy now! 50% off today only!\r",
    "mixed-breaks.md": b"---\ngoal: replies\r\n---\rHi\n\rBuy now! 50% off today only!\n",
    "bom.md": b"\xef\xbb\xbfBuy now! 50% off today only!\n",
    "bom-front-matter.md": b"\xef\xbb\xbf---\ngoal: replies\n---\nBuy now! 50% off today only!\n",
    "double-bom.md": b"\xef\xbb\xbf\xef\xbb\xbfWhat do you think?\n",
    "controls.md": b"What \x1b[31mdo\x07 you\x08 think?\x7f\n",
    "only-newlines.md": b"\n" * 10000,
    "only-spaces.md": b" \t" * 5000,
    "long-word-utf8.md": "What do you think? " .encode() + "é".encode() * 20000 + b"\n",
}


def run(args, cwd):
    """Runs postlint; returns (completed process, seconds, peak RSS in bytes)."""
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    return harness.run_measured([POSTLINT] + args, cwd, env)


class BadInput(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="postlint-badinput-")

    def tearDown(self):
        if KEEP:
            dest = os.path.join(KEEP, self.id().rsplit(".", 1)[-1])
            shutil.rmtree(dest, ignore_errors=True)
            def ignored(d, names):  # FIFOs, and the sparse 300 MB file (a real copy)
                keep = lambda p: os.path.islink(p) or os.path.isdir(p) or (
                    os.path.isfile(p) and os.path.getsize(p) < (64 << 20))
                return [n for n in names if not keep(os.path.join(d, n))]
            shutil.copytree(self.dir, dest, symlinks=True, ignore=ignored)
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, rel, data):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        return path

    def lint(self, *args, code=None, what=""):
        r, took, rss = run(["--format", "json", *args], self.dir)
        print(f"\n# {what or ' '.join(args)[:60]}: exit {r.returncode}, {took:.2f} s, "
              f"peak {rss >> 20} MB", file=sys.stderr)
        self.assertGreaterEqual(r.returncode, 0, "killed by a signal: " + r.stderr[-2000:])
        self.assertIn(r.returncode, (0, 1, 2), r.stderr[-2000:])
        if code is not None:
            self.assertEqual(r.returncode, code, r.stdout[:2000] + r.stderr[-2000:])
        self.assertLess(took, TIME_BOUND)
        self.assertLess(rss, MEMORY_BOUND)
        data = json.loads(r.stdout)
        by = {}
        for d in data["diagnostics"]:
            by.setdefault(d["path"], []).append(d)
        return data, by, r

    def only(self, by, path, rule):
        found = [d for d in by.get(path, []) if d["rule"] == rule]
        self.assertEqual(len(found), 1, f"{path}: {by.get(path)}")
        return found[0]

    def test_small_bad_files_each_get_a_precise_diagnostic(self):
        for name, data in SMALL.items():
            self.write(name, data)
        self.write("good.md", GOOD)
        self.write("selfish.md", SELFISH)
        data, by, r = self.lint(".", code=1, what=f"{len(SMALL)} small bad files")
        self.assertEqual(sorted(data["files"]), sorted(list(SMALL) + ["good.md", "selfish.md"]))
        self.assertNotIn("rule-error", [d["rule"] for d in data["diagnostics"]])
        self.assertEqual(r.stderr, "")
        loc = lambda d: (d["line"], d["column"])

        # invalid UTF-8: the first bad byte's line and column; the rest still linted
        for name, at, byte in (("utf8-overlong.md", (2, 5), "0xC0"),
                               ("utf8-surrogate.md", (2, 4), "0xED"),
                               ("utf8-truncated.md", (2, 11), "0xE2")):
            d = self.only(by, name, "encoding")
            self.assertEqual(loc(d), at, name)
            self.assertIn(f"invalid UTF-8 (byte {byte})", d["message"])
            self.assertIn("declare-goal", [x["rule"] for x in by[name]], name)
        d = self.only(by, "utf8-invalid-in-front-matter.md", "front-matter")
        self.assertEqual(loc(d), (2, 10))
        self.assertIn("UTF-8", d["message"])

        # NUL bytes and binary files: not text, not linted
        for name in ("nul.md", "nul-late.md", "binary.md"):
            self.assertEqual([x["rule"] for x in by[name]], ["not-text"], name)
            self.assertIn("NUL bytes", by[name][0]["message"])

        # empty and front-matter-only posts: nothing breaks
        self.assertEqual([x["rule"] for x in by["empty.md"]], ["declare-goal"])
        self.assertNotIn("only-front-matter.md", by)

        # front matter problems: where, and what to do
        d = self.only(by, "unterminated.md", "front-matter")
        self.assertEqual(loc(d), (1, 1))
        self.assertIn("not closed", d["message"])
        d = self.only(by, "invalid-yaml.md", "front-matter")
        self.assertEqual(loc(d), (3, 13))
        self.assertIn("put quotes around", d["message"])
        d = self.only(by, "invalid-yaml-flow.md", "front-matter")
        self.assertEqual(d["line"], 4)
        self.assertIn("did not find expected ',' or ']'", d["message"])
        self.assertEqual(self.only(by, "yaml-tab.md", "front-matter")["line"], 3)
        d = self.only(by, "yaml-alias-bomb.md", "front-matter")
        self.assertEqual(loc(d), (2, 4))
        self.assertIn("anchors are not allowed", d["message"])
        d = self.only(by, "yaml-deep.md", "front-matter")
        self.assertEqual(d["line"], 2)
        self.assertIn("nested too deeply", d["message"])
        d = self.only(by, "yaml-deep-block.md", "front-matter")
        self.assertIn("nested too deeply", d["message"])
        for name in ("yaml-list.md", "yaml-scalar.md"):
            d = self.only(by, name, "front-matter")
            self.assertEqual(loc(d), (2, 1), name)
            self.assertIn("must be a mapping", d["message"])
        self.assertNotIn("front-matter", [x["rule"] for x in by.get("yaml-empty.md", [])])
        d = self.only(by, "yaml-duplicate-key.md", "front-matter")
        self.assertEqual(d["line"], 3)
        # a tag is only a tag: the value stays a plain string, nothing runs
        self.assertNotIn("front-matter", [x["rule"] for x in by.get("yaml-tag.md", [])])

        # line endings and byte order marks: the same lines and columns as with "\n"
        # ("\n\r" in mixed-breaks.md is two line breaks: "Buy" is on line 6)
        for name, line in (("crlf.md", 5), ("lone-cr.md", 5), ("mixed-breaks.md", 6)):
            rules = {x["rule"]: x for x in by[name]}
            self.assertNotIn("declare-goal", rules, name)  # the front matter was read
            self.assertEqual(loc(rules["no-sales-push"]), (line, 1), name)
        self.assertEqual(loc(self.only(by, "bom.md", "no-sales-push")), (1, 1))
        self.assertEqual(loc(self.only(by, "bom-front-matter.md", "no-sales-push")), (4, 1))
        self.assertNotIn("declare-goal", [x["rule"] for x in by["bom-front-matter.md"]])

        # the good post is clean, the selfish one still gets its rule
        self.assertNotIn("good.md", by)
        self.assertIn("self-focus", [x["rule"] for x in by["selfish.md"]])

    def test_a_50_mb_post_is_refused_quickly(self):
        para = ("I love my new shoes. What do you think? " * 25 + "\n").encode()
        with open(os.path.join(self.dir, "big.md"), "wb") as f:  # written in pieces: the
            f.write(b"---\ngoal: replies\n---\n")                # peak RSS is postlint's
            for _ in range(52000):
                f.write(para)
        self.write("good.md", GOOD)
        self.write("selfish.md", SELFISH)
        data, by, r = self.lint("big.md", "good.md", "selfish.md", code=1, what="a 50 MB post")
        d = self.only(by, "big.md", "too-large")
        self.assertEqual(d["line"], 4)
        self.assertIn("limits.max_post_kb is 256", d["message"])
        self.assertIn("self-focus", [x["rule"] for x in by["selfish.md"]])
        # past what postlint reads at all (256 MB) it says so without reading on
        with open(os.path.join(self.dir, "huge.md"), "wb") as f:
            f.truncate(300 << 20)  # sparse: no disk used
        data, by, r = self.lint("huge.md", "selfish.md", code=2, what="a 300 MB sparse file")
        d = self.only(by, "huge.md", "io-error")
        self.assertIn("larger than 256 MB", d["message"])
        self.assertIn("self-focus", [x["rule"] for x in by["selfish.md"]])

    def test_a_1_mb_line(self):
        self.write("words.md", "What do you think? " + "word " * 210000 + "\n")
        self.write("one-token.md", "What do you think? " + "x" * (1 << 20) + " end\n")
        self.write("selfish.md", SELFISH)
        data, by, r = self.lint(".", code=1, what="1 MB lines, default limits")
        for name in ("words.md", "one-token.md"):
            d = self.only(by, name, "too-large")
            self.assertEqual((d["line"], d["column"]), (1, 1))
        self.assertIn("self-focus", [x["rule"] for x in by["selfish.md"]])
        # raised past the line's size, the rules run on it within their budgets
        self.write(".lintrc", "limits = { max_post_kb = 2048 }\n")
        data, by, r = self.lint("one-token.md", "selfish.md", what="a 1 MB token, rules run")
        self.assertNotIn("too-large", [x["rule"] for x in by.get("one-token.md", [])])
        self.assertIn("self-focus", [x["rule"] for x in by["selfish.md"]])

    def test_directories_and_special_files_named_like_posts(self):
        self.write("folder.md/inner.md", SELFISH)
        os.mkfifo(os.path.join(self.dir, "pipe.md"))
        self.write("selfish.md", SELFISH)
        data, by, r = self.lint(".", code=0, what="a folder and a FIFO named *.md")
        self.assertEqual(sorted(data["files"]), ["folder.md/inner.md", "selfish.md"])
        # named on the command line: the FIFO is refused at once instead of blocking for ever
        data, by, r = self.lint("pipe.md", "selfish.md", code=2, what="a FIFO named")
        d = self.only(by, "pipe.md", "io-error")
        self.assertIn("not a regular file", d["message"])
        self.assertIn("self-focus", [x["rule"] for x in by["selfish.md"]])
        data, by, r = self.lint("folder.md", code=0, what="a folder named")
        self.assertEqual(data["files"], ["folder.md/inner.md"])

    def test_symlink_loops_and_links_out_of_the_repository(self):
        outside = tempfile.mkdtemp(prefix="postlint-outside-")
        try:
            with open(os.path.join(outside, "secret.md"), "w") as f:
                f.write("SECRET-TOKEN-1234 What do you think?\n")
            os.makedirs(os.path.join(self.dir, "posts"))
            os.symlink(os.path.join(outside, "secret.md"), os.path.join(self.dir, "posts/leak.md"))
            os.symlink(outside, os.path.join(self.dir, "posts/outside-folder"))
            os.symlink("loop-b.md", os.path.join(self.dir, "posts/loop-a.md"))
            os.symlink("loop-a.md", os.path.join(self.dir, "posts/loop-b.md"))
            os.symlink(".", os.path.join(self.dir, "posts/self"))
            os.symlink("missing.md", os.path.join(self.dir, "posts/dangling.md"))
            self.write("posts/real.md", SELFISH)
            os.symlink("real.md", os.path.join(self.dir, "posts/alias.md"))
            subprocess.run(["git", "init", "-q", self.dir], check=True)
            data, by, r = self.lint(".", code=0, what="symlinks")
            self.assertEqual(sorted(data["files"]), ["posts/alias.md", "posts/real.md"])
            self.assertNotIn("SECRET-TOKEN", r.stdout)
            self.assertIn(f"postlint: skipped 'posts/leak.md': a symbolic link to "
                          f"'{os.path.realpath(os.path.join(outside, 'secret.md'))}', outside", r.stderr)
            self.assertIn("postlint: skipped 'posts/loop-a.md': cannot follow the symbolic link: "
                          "Too many levels of symbolic links", r.stderr)
            self.assertIn("postlint: skipped 'posts/dangling.md': cannot follow the symbolic link: "
                          "No such file or directory", r.stderr)
            # named on the command line: a loop is an error naming it, the rest is linted
            data, by, r = self.lint("posts/loop-a.md", "posts/real.md", code=2, what="a loop named")
            self.assertIn("postlint: cannot read 'posts/loop-a.md': Too many levels of symbolic links",
                          r.stderr)
            self.assertIn("self-focus", [x["rule"] for x in by["posts/real.md"]])
        finally:
            shutil.rmtree(outside, ignore_errors=True)

    def test_an_unreadable_file(self):
        path = self.write("locked.md", SELFISH)
        self.write("selfish.md", SELFISH)
        os.chmod(path, 0)
        try:
            if os.access(path, os.R_OK):
                self.skipTest("running as root (or with CAP_DAC_OVERRIDE): chmod 000 does not stop "
                              "reads; test_a_file_that_fails_to_read covers a failing read")
            data, by, r = self.lint(".", code=2, what="an unreadable file")
            d = self.only(by, "locked.md", "io-error")
            self.assertIn("cannot read 'locked.md': Permission denied", d["message"])
            self.assertIn("self-focus", [x["rule"] for x in by["selfish.md"]])
        finally:
            os.chmod(path, 0o644)

    def test_a_file_that_fails_to_read(self):
        """A read error even root gets: /proc/self/mem fails with EIO at offset 0."""
        if not os.path.exists("/proc/self/mem"):
            self.skipTest("no /proc/self/mem on this system")
        os.symlink("/proc/self/mem", os.path.join(self.dir, "mem.md"))
        self.write("selfish.md", SELFISH)
        data, by, r = self.lint("mem.md", "selfish.md", code=2, what="a read that fails")
        d = self.only(by, "mem.md", "io-error")
        self.assertRegex(d["message"], r"cannot read '[^']*mem\.md': Input/output error")
        self.assertIn("self-focus", [x["rule"] for x in by["selfish.md"]])
        # walking the folder, the link points outside it: skipped with a note, never read
        data, by, r = self.lint(".", code=0, what="a link to /proc/self/mem walked")
        self.assertEqual(data["files"], ["selfish.md"])
        self.assertIn("postlint: skipped 'mem.md': a symbolic link to '/proc/", r.stderr)



if __name__ == "__main__":
    harness.main(sys.modules[__name__], keep=None)
