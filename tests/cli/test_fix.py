#!/usr/bin/env python3
"""End-to-end tests of --fix, --fix-dry-run, --diff and --unsafe-fixes: the fix loop, the
patches, and safe writes, on files made in a temp folder with small fixing rules of our own.

Usage: test_fix.py --postlint PATH [unittest options]
"""
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

POSTLINT = None

# Fixing rules, each a plugin rule file: id -> check body. They find plain substrings, so the
# tests can say exactly what the fixed text must be.
FIXERS = {
    "calm-exclaims": """
        local s = 1
        while true do
          local a, b = post.text:find("!!+", s)
          if not a then break end
          ctx:report{ message = "one ! is enough", first = a, last = b,
                      fix = { first = a, last = b, text = "!" } }
          s = b + 1
        end""",
    "no-synergy": """
        local s = 1
        while true do
          local a, b = post.text:find("synergy", s, true)
          if not a then break end
          ctx:report{ message = "say what you mean", first = a, last = b,
                      fix = { first = a, last = b, text = "working together" },
                      suggestions = { { title = "say teamwork", edits = {
                        { first = a, last = b, text = "teamwork" } } } } }
          s = b + 1
        end""",
    "sign-off": """
        if not post.text:find("-- the team", 1, true) then
          ctx:report{ message = "sign the post", first = #post.text + 1, last = #post.text,
                      fix = { first = #post.text + 1, last = #post.text,
                              text = "\\n-- the team\\n" } }
        end""",
    "ask-something": """
        if not post.text:find("?", 1, true) then
          ctx:report{ message = "ask something",
                      suggestions = { { title = "ask the reader", edits = {
                        { first = #post.text + 1, last = #post.text,
                          text = "What do you think?\\n" } } } } }
        end""",
}


def rule_file(rid, body, severity="warning"):
    return textwrap.dedent(f"""\
        return {{
          id = "{rid}", summary = "s", docs = "d", severity = "{severity}", fixable = true,
          check = function(post, ctx)
        """) + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ") + "\n  end,\n}\n"


def run(args, cwd, stdin=None, timeout=120, **kw):
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    return subprocess.run([POSTLINT] + args, cwd=cwd, capture_output=True, env=env,
                          input=stdin, timeout=timeout, **kw)


class Case(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="postlint-fix-")

    def tearDown(self):
        for root, dirs, _ in os.walk(self.dir):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, rel):
        return os.path.join(self.dir, rel)

    def write(self, rel, data):
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        return p

    def read(self, rel):
        with open(self.path(rel), "rb") as f:
            return f.read()

    def plugin(self, rules=None, folder="fixers", plugins=None):
        for rid, body in (rules or FIXERS).items():
            self.write(f"{folder}/rules/{rid}.lua", rule_file(rid, body))
        names = plugins or [folder]
        self.write(".lintrc", "plugins = { %s }\n" % ", ".join(f'"./{n}"' for n in names))

    def lint(self, *args, code=None, cwd=None):
        r = run(["--no-color", "--only", ",".join(FIXERS), *args], cwd or self.dir)
        if code is not None:
            self.assertEqual(r.returncode, code, (r.stdout + r.stderr).decode())
        return r

    def leftovers(self, folder="."):
        return [n for n in os.listdir(self.path(folder)) if ".postlint-" in n]


DRAFT = "---\ngoal: replies\n---\nOur synergy is back!!! Tell us more!!\n"
FIXED = "---\ngoal: replies\n---\nOur working together is back! Tell us more!\n\n-- the team\n"


class FixLoop(Case):
    def test_fix_writes_every_safe_fix_and_a_second_run_changes_nothing(self):
        self.plugin()
        self.write("p.md", DRAFT)
        r = self.lint("--fix", "p.md", code=0)
        self.assertEqual(self.read("p.md").decode(), FIXED)
        out = r.stdout.decode()
        self.assertIn("applied 4 fixes in 1 file", out)
        # what is left (a suggestion-only problem) is still reported, against the new text
        self.assertIn("p.md:4:1 warning ask something [ask-something]", out)
        self.assertIn('insert "What do you think?\\n" at 7:1', out)  # the fixed text has 7 lines
        before = os.stat(self.path("p.md"))
        r = self.lint("--fix", "p.md", code=0)
        self.assertNotIn("applied", r.stdout.decode())
        self.assertEqual(self.read("p.md").decode(), FIXED)
        after = os.stat(self.path("p.md"))
        self.assertEqual((before.st_ino, before.st_mtime_ns), (after.st_ino, after.st_mtime_ns),
                         "a file with nothing to fix is not rewritten")
        self.assertEqual(self.leftovers(), [])

    def test_a_lint_without_fix_counts_what_fix_would_do_and_writes_nothing(self):
        self.plugin()
        self.write("p.md", DRAFT)
        r = self.lint("p.md", code=0)
        self.assertIn("4 with a safe fix (postlint --fix), 1 with suggestions to review",
                      r.stdout.decode())
        self.assertIn('fix: replace "!!!" with "!"', r.stdout.decode())
        self.assertEqual(self.read("p.md").decode(), DRAFT)

    def test_unsafe_fixes_take_the_first_suggestion(self):
        self.plugin()
        self.write("p.md", "Plain words here.\n")
        self.lint("--fix", "--unsafe-fixes", "p.md", code=0)
        self.assertEqual(self.read("p.md").decode(),
                         "Plain words here.\nWhat do you think?\n\n-- the team\n")

    def test_unsafe_fixes_never_replace_a_safe_fix(self):
        self.plugin()
        self.write("p.md", "synergy?\n-- the team\n")
        self.lint("--fix", "--unsafe-fixes", "p.md", code=0)
        self.assertEqual(self.read("p.md").decode(), "working together?\n-- the team\n")

    def test_overlapping_fixes_give_the_same_file_whatever_the_rule_order(self):
        # two plugins fix the same word differently; a third rule's fix overlaps both
        rules_a = {"a-upper": """
            local a, b = post.text:find("foo", 1, true)
            if a then ctx:report{ message = "upper", first = a, last = b,
                                  fix = { first = a, last = b, text = "FOO" } } end"""}
        rules_b = {"b-rename": """
            local a, b = post.text:find("foo", 1, true)
            if a then ctx:report{ message = "rename", first = a, last = b,
                                  fix = { first = a, last = b, text = "bar" } } end""",
                   "b-wide": """
            local a, b = post.text:find("x foo y", 1, true)
            if a then ctx:report{ message = "wide", first = a, last = b,
                                  fix = { first = a, last = b, text = "x-foo-y" } } end"""}
        results = []
        for order in (["pa", "pb"], ["pb", "pa"]):
            shutil.rmtree(self.dir)
            os.makedirs(self.dir)
            self.plugin(rules_a, folder="pa", plugins=order)
            self.plugin(rules_b, folder="pb", plugins=order)
            self.write("p.md", "x foo y and foo\n")
            r = run(["--fix", "--format", "json", "p.md"], self.dir)
            data = json.loads(r.stdout)
            results.append((self.read("p.md"), [(d["rule"], d["line"], d["column"])
                                                for d in data["diagnostics"]
                                                if d["rule"] in ("a-upper", "b-rename", "b-wide")]))
        self.assertEqual(results[0], results[1])
        # pass 1 takes b-wide (it starts first; the foo fixes inside it wait), pass 2 the first
        # foo, where a-upper wins over b-rename by rule id, pass 3 the second foo likewise
        self.assertEqual(results[0][0], b"x-FOO-y and FOO\n")
        self.assertEqual(results[0][1], [], "nothing of theirs is left to report")

    def test_the_loop_stops_after_ten_passes_and_reports_what_is_left(self):
        counter = {"count-up": """
            local a, b, n = post.text:find("count(%d+)")
            if a and tonumber(n) < 100 then
              ctx:report{ message = "count " .. n, first = a, last = b,
                          fix = { first = a, last = b, text = "count" .. (tonumber(n) + 1) } }
            end"""}
        self.plugin(counter)
        self.write("p.md", "count0\n")
        r = run(["--no-color", "--fix", "p.md"], self.dir)
        self.assertEqual(self.read("p.md"), b"count10\n")
        self.assertIn("p.md:1:1 warning count 10 [count-up]", r.stdout.decode())
        self.assertIn("applied 10 fixes in 1 file", r.stdout.decode())

    def test_exit_code_follows_what_is_left(self):
        self.write("r/rules/fatal.lua", rule_file("fatal", """
            local a, b = post.text:find("bad", 1, true)
            if a then ctx:report{ message = "bad word", first = a, last = b,
                                  fix = { first = a, last = b, text = "good" } } end
            local c, d = post.text:find("awful", 1, true)
            if c then ctx:report{ message = "awful word", first = c, last = d } end""",
                                                  severity="error"))
        self.write(".lintrc", 'plugins = { "./r" }\n')
        self.write("p.md", "bad\n")
        self.assertEqual(run(["--only", "fatal", "--fix", "p.md"], self.dir).returncode, 0)
        self.write("q.md", "bad and awful\n")
        self.assertEqual(run(["--only", "fatal", "--fix", "q.md"], self.dir).returncode, 1)
        self.assertEqual(self.read("q.md"), b"good and awful\n")

    def test_files_that_are_not_text_are_never_rewritten(self):
        self.plugin()
        binary = b"synergy!!!\x00\x01\x02"
        broken = b"synergy!!! \xff\xfe\n"
        self.write("bin.md", binary)
        self.write("bad.md", broken)
        self.lint("--fix", "bin.md", "bad.md")
        self.assertEqual(self.read("bin.md"), binary)
        self.assertEqual(self.read("bad.md"), broken)

    def test_option_combinations_are_checked(self):
        for args, msg in ((["--unsafe-fixes"], b"--unsafe-fixes goes with"),
                          (["--fix", "--diff"], b"exclude each other"),
                          (["--fix", "rules"], b"apply to linting only")):
            r = run(args, self.dir)
            self.assertEqual(r.returncode, 2)
            self.assertIn(msg, r.stderr)


class DryRunAndDiff(Case):
    def test_dry_run_prints_the_fixed_text_and_writes_nothing(self):
        self.plugin()
        self.write("p.md", DRAFT)
        r = self.lint("--fix-dry-run", "p.md", code=0)
        out = r.stdout.decode()
        self.assertIn("--- p.md: fixed text (4 fixes, not written) ---\n" + FIXED +
                      "--- end of p.md ---", out)
        self.assertIn("--fix would apply 4 fixes in 1 file", out)
        self.assertEqual(self.read("p.md").decode(), DRAFT)
        data = json.loads(self.lint("--fix-dry-run", "--format", "json", "p.md").stdout)
        self.assertEqual(data["fixed"], [{"path": "p.md", "fixes": 4, "output": FIXED}])
        self.assertEqual(self.read("p.md").decode(), DRAFT)

    def tree(self):
        """A small project with awkward names, CRLF and a BOM."""
        self.plugin()
        self.write("posts/plain.md", DRAFT)
        self.write("posts/ünï café draft.md", "Café synergy!!\n")
        self.write("posts/crlf.md", b"\xef\xbb\xbf---\r\ngoal: x\r\n---\r\nsynergy!!\r\n")
        self.write("posts/clean.md", "Nothing to fix? Right.\n-- the team\n")
        self.write("posts/no-eol.md", "synergy")

    def test_diff_applies_with_git_apply_and_patch_and_equals_fix(self):
        self.tree()
        r = self.lint("--diff", code=1)
        patch = r.stdout
        self.assertIn(b"would change 4 files", r.stderr)
        self.assertNotIn(b"clean.md", patch)
        copies = {}
        for tool in ("fix", "git", "patch"):
            dest = os.path.join(self.dir, "..", os.path.basename(self.dir) + "-" + tool)
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(self.dir, dest, symlinks=True)
            self.addCleanup(shutil.rmtree, dest, True)
            copies[tool] = dest
        self.lint("--fix", cwd=copies["fix"], code=0)
        subprocess.run(["git", "apply", "--whitespace=nowarn", "-"], input=patch,
                       cwd=copies["git"], check=True, capture_output=True)
        subprocess.run(["patch", "-p1", "--quiet"], input=patch, cwd=copies["patch"],
                       check=True, capture_output=True)
        for rel in ("posts/plain.md", "posts/ünï café draft.md", "posts/crlf.md",
                    "posts/clean.md", "posts/no-eol.md"):
            fixed = open(os.path.join(copies["fix"], rel), "rb").read()
            for tool in ("git", "patch"):
                self.assertEqual(open(os.path.join(copies[tool], rel), "rb").read(), fixed,
                                 f"{rel} after {tool}")
        self.assertEqual(open(os.path.join(copies["fix"], "posts/no-eol.md"), "rb").read(),
                         b"working together\n-- the team\n")
        # nothing fixable left: an empty diff and exit 0
        r = self.lint("--diff", cwd=copies["fix"], code=0)
        self.assertEqual(r.stdout, b"")


class StandardInput(Case):
    def test_fix_stdin_prints_the_fixed_text_and_never_writes_the_named_file(self):
        self.plugin()
        self.write("posts/p.md", "the saved version\n")
        r = run(["--no-color", "--fix", "--stdin", "--stdin-filename", "posts/p.md"], self.dir,
                stdin=DRAFT.encode())
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.decode(), FIXED, "stdout is exactly the fixed text")
        self.assertIn(b"posts/p.md:4:1 warning ask something [ask-something]", r.stderr)
        self.assertIn(b"applied 4 fixes in 1 file", r.stderr)
        self.assertEqual(self.read("posts/p.md"), b"the saved version\n")
        # nothing to fix: the text comes back as it went in
        r = run(["--fix", "--stdin", "--stdin-filename", "posts/p.md"], self.dir,
                stdin=FIXED.encode())
        self.assertEqual(r.stdout.decode(), FIXED)

    def test_fix_stdin_passes_an_excluded_path_through_unchanged(self):
        self.plugin()
        with open(self.path(".lintrc"), "a") as f:
            f.write('exclude = { "drafts/**" }\n')
        r = run(["--fix", "--stdin", "--stdin-filename", "drafts/p.md"], self.dir,
                stdin=DRAFT.encode())
        self.assertEqual((r.returncode, r.stdout.decode()), (0, DRAFT), r.stderr)

    def test_diff_of_stdin_applies_to_the_named_file(self):
        self.plugin()
        self.write("posts/p.md", DRAFT)
        r = run(["--diff", "--stdin", "--stdin-filename", "posts/p.md"], self.dir,
                stdin=DRAFT.encode())
        self.assertEqual(r.returncode, 1, r.stderr)
        subprocess.run(["patch", "-p1", "--quiet"], input=r.stdout, cwd=self.dir, check=True)
        self.assertEqual(self.read("posts/p.md").decode(), FIXED)


class GitSources(Case):
    def git(self, *args):
        return subprocess.run(["git", *args], cwd=self.dir, check=True, capture_output=True,
                              env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e",
                                   "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}).stdout

    def staged_repo(self):
        self.plugin()
        self.git("init", "-q")
        self.git("add", ".lintrc", "fixers")
        self.git("commit", "-qm", "rules")
        self.write("p.md", DRAFT)
        self.git("add", "p.md")

    def test_fix_staged_fixes_the_work_tree_never_the_index_and_stops_the_commit(self):
        self.staged_repo()
        r = self.lint("--fix", "--staged", code=1)
        self.assertIn(b"applied 4 fixes in 1 file", r.stdout)
        self.assertEqual(self.read("p.md").decode(), FIXED)
        self.assertEqual(self.git("show", ":p.md").decode(), DRAFT, "the index is untouched")
        # once the fixes are staged, the commit may go on
        self.git("add", "p.md")
        self.lint("--fix", "--staged", code=0)

    def test_fix_staged_leaves_a_work_tree_with_other_changes_alone(self):
        self.staged_repo()
        self.write("p.md", DRAFT + "More words, not staged yet.\n")
        r = self.lint("--fix", "--staged", code=0)
        self.assertIn(b"p.md: the work tree file differs from the version linted", r.stderr)
        self.assertEqual(self.read("p.md").decode(), DRAFT + "More words, not staged yet.\n")
        self.assertEqual(self.git("show", ":p.md").decode(), DRAFT)
        # the staged problems are still reported
        self.assertIn(b"say what you mean [no-synergy]", r.stdout)

    def test_findings_of_rules_across_posts_follow_the_fixed_text(self):
        self.plugin()
        quote = "\u201cStay hungry, stay foolish.\u201d \u2014 Steve Jobs"
        for day in (1, 2, 3):
            self.write(f"q{day}.md", f"---\nscheduled: 2026-12-0{day}\n---\nWow!!!!!!!!!!\n{quote}\n")
        r = run(["--fix", "--format", "json", "--only", "quote-streak," + ",".join(FIXERS),
                 "q1.md", "q2.md", "q3.md"], self.dir)
        data = json.loads(r.stdout)
        streak = [d for d in data["diagnostics"] if d["rule"] == "quote-streak"]
        self.assertEqual(len(streak), 3, r.stdout)
        for d in streak:
            self.assertEqual((d["line"], d["column"], d["end_line"]), (5, 1, 5), d)
            text = self.read(d["path"]).decode()
            self.assertTrue(text.startswith("---\nscheduled"), text)
            self.assertIn("Wow!\n", text)


class SafeWrites(Case):
    def test_crlf_bom_mode_and_a_non_ascii_name_survive(self):
        self.plugin()
        name = "posts/ünï café.md"
        self.write(name, b"\xef\xbb\xbf---\r\ngoal: x\r\n---\r\nsynergy!!\r\nmore\r\n")
        os.chmod(self.path(name), 0o640)
        self.lint("--fix", code=0)
        self.assertEqual(self.read(name),
                         b"\xef\xbb\xbf---\r\ngoal: x\r\n---\r\nworking together!\r\nmore\r\n"
                         b"\r\n-- the team\r\n")
        self.assertEqual(stat.S_IMODE(os.stat(self.path(name)).st_mode), 0o640)
        self.assertEqual(self.leftovers("posts"), [])

    def test_a_symlink_is_followed_and_kept(self):
        self.plugin()
        self.write("real/p.md", "synergy\n-- the team\n")
        os.makedirs(self.path("posts"))
        os.symlink("../real/p.md", self.path("posts/p.md"))
        self.lint("--fix", "posts/p.md", code=0)
        self.assertTrue(os.path.islink(self.path("posts/p.md")))
        self.assertEqual(self.read("real/p.md"), b"working together\n-- the team\n")

    def test_a_read_only_file_is_reported_and_left_alone(self):
        self.plugin()
        self.write("p.md", DRAFT)
        self.write("q.md", DRAFT)
        os.chmod(self.path("p.md"), 0o444)
        r = self.lint("--fix", "p.md", "q.md", code=2)
        self.assertIn(b"postlint: p.md: the file is read-only: not written", r.stderr)
        self.assertEqual(self.read("p.md").decode(), DRAFT)
        self.assertEqual(self.read("q.md").decode(), FIXED, "the other file is still fixed")
        # and its problems are those of the text on disk
        self.assertIn(b"p.md:4:5 warning say what you mean [no-synergy]", r.stdout)

    def test_an_unwritable_folder_gives_a_clear_error_and_no_partial_file(self):
        self.plugin()
        self.write("locked/p.md", DRAFT)
        os.chmod(self.dir, 0o755)
        for p in ("p.md",):
            os.chmod(self.path("locked/" + p), 0o666)
        os.chmod(self.path("locked"), 0o555)
        cmd = [POSTLINT, "--only", ",".join(FIXERS), "--fix", "locked/p.md"]
        if os.geteuid() == 0:
            # root writes anywhere: run as nobody, for whom the folder is read-only
            cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + cmd
            for folder in (self.dir, os.path.dirname(self.dir)):
                self.assertTrue(os.stat(folder).st_mode & stat.S_IXOTH, folder)
        r = subprocess.run(cmd, cwd=self.dir, capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"locked/p.md: cannot create a temporary file next to it: Permission denied",
                      r.stderr)
        self.assertEqual(self.read("locked/p.md").decode(), DRAFT)
        self.assertEqual(self.leftovers("locked"), [])

    def test_a_failed_write_leaves_the_original_and_no_temp_file(self):
        self.plugin()
        big = DRAFT + ("filler line\n" * 200)
        self.write("p.md", big)

        def small_files():
            # writes past 100 bytes fail with EFBIG instead of killing the process
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))

        r = subprocess.run([POSTLINT, "--only", ",".join(FIXERS), "--fix", "p.md"],
                           cwd=self.dir, capture_output=True, preexec_fn=small_files, timeout=60)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"p.md: cannot write the fixed text: File too large", r.stderr)
        self.assertEqual(self.read("p.md").decode(), big)
        self.assertEqual(self.leftovers(), [])

    def test_a_file_edited_between_read_and_write_is_left_alone(self):
        # a rule that spins long enough for the test to save the file "from an editor" while
        # postlint is still linting the bytes it read
        spin = {"slow-fixer": """
            for i = 1, 400000000 do end
            local a, b = post.text:find("synergy", 1, true)
            if a then ctx:report{ message = "m", first = a, last = b,
                                  fix = { first = a, last = b, text = "teamwork" } } end"""}
        self.plugin(spin)
        self.write(".lintrc", 'plugins = { "./fixers" }\nlimits = { instructions = 2000000000 }\n')
        self.write("p.md", "synergy\n")
        proc = subprocess.Popen([POSTLINT, "--fix", "p.md"], cwd=self.dir,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # once postlint has burnt 0.3 s of CPU it is inside the rule: the file was read
        deadline = time.time() + 60
        while cpu_seconds(proc.pid) < 0.3 and proc.poll() is None and time.time() < deadline:
            time.sleep(0.005)
        self.assertIsNone(proc.poll(), "the rule finished before the file could be edited")
        self.write("p.md", "synergy, edited in an editor meanwhile\n")
        out, err = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 2, err)
        self.assertIn(b"p.md: the file changed on disk since it was read: not written", err)
        self.assertEqual(self.read("p.md"), b"synergy, edited in an editor meanwhile\n")
        self.assertEqual(self.leftovers(), [])


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError):
        return 0.0



if __name__ == "__main__":
    harness.main(sys.modules[__name__])
