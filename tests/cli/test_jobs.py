#!/usr/bin/env python3
"""--jobs: linting with several threads prints exactly what one thread prints (every format,
the fix modes, rule errors, budgets, unreadable files), starts no threads for one post, and
rejects bad values.

Usage: test_jobs.py --postlint PATH [unittest options]
"""
import filecmp
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

POSTLINT = None

# Plugin rules: one fails on some posts, one loops until the budget stops it, one fixes.
PLUGIN_RULES = {
    "boom": """
        if post.text:find("BOOM", 1, true) then error("boom on purpose") end""",
    "spin": """
        if post.text:find("SPIN", 1, true) then while true do end end""",
    "calm-exclaims": """
        local s = 1
        while true do
          local a, b = post.text:find("!!+", s)
          if not a then break end
          ctx:report{ message = "one ! is enough", first = a, last = b,
                      fix = { first = a, last = b, text = "!" } }
          s = b + 1
        end""",
}

SENTENCES = [
    "We moved our book club from Thursdays to Sunday mornings and attendance doubled.",
    "Black Friday: 40% off everything, buy now! https://shop.example.com",
    "\u201cSimplicity is the ultimate sophistication.\u201d \u2014 Leonardo da Vinci",
    "What time works best for yours?",
    "I fixed the squeaky stairs with talcum powder!!! Any other old-house tricks?",
    "Our team answered 400 questions last week.",
    "Last chance: 40% off ends tonight, shop now!! https://shop.example.com",
    "RT @friend: this thread on onboarding is gold",
    "Ten minutes of reading before bed changed my mornings.",
    "I am so proud of my new role and my team and my promotion.",
    "Which gift did you love getting as a child? Tell me yours.",
    "#quote #motivation \"Culture eats strategy for breakfast.\" \u2014 Peter Drucker",
]
PLATFORMS = ["x", "linkedin", "mastodon", "bluesky"]


def rule_file(rid, body):
    return textwrap.dedent(f"""\
        return {{
          id = "{rid}", summary = "s", docs = "d", severity = "warning", fixable = true,
          check = function(post, ctx)
        """) + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ") + "\n  end,\n}\n"


def write_plugin(root, rules):
    """A plugin folder ./plug with these rules ({id: check body}) and a .lintrc using it."""
    for rid, body in rules.items():
        p = os.path.join(root, "plug", "rules", rid + ".lua")
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(rule_file(rid, body))
    with open(os.path.join(root, ".lintrc"), "w") as f:
        f.write('plugins = { "./plug" }\n')


def thread_counts(args, cwd):
    """Runs postlint and samples its threads every 2 ms: (the most seen at once, their
    names, the number of samples)."""
    proc = subprocess.Popen([POSTLINT, *args], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    most, samples, seen = 0, 0, set()
    deadline = time.time() + 120
    while proc.poll() is None and time.time() < deadline:
        try:
            names = []
            for t in os.listdir(f"/proc/{proc.pid}/task"):
                with open(f"/proc/{proc.pid}/task/{t}/comm") as f:
                    names.append(f.read().strip())
            most = max(most, len(names))
            seen.update(names)
            samples += 1
        except OSError:
            pass
        time.sleep(0.002)
    proc.wait(timeout=120)
    return most, seen, samples


def make_corpus(root, n=240):
    """n posts that set off every built-in rule (golden and calendar) and the plugin's,
    plus broken ones: binary, invalid UTF-8, bad front matter, and one too large to read."""
    os.makedirs(os.path.join(root, "posts"))
    write_plugin(root, PLUGIN_RULES)
    state = 12345
    for i in range(n):
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        r = state >> 33
        k = 1 + r % 4
        body = " ".join(SENTENCES[(r >> (4 * j)) % len(SENTENCES)] for j in range(k))
        if i % 37 == 5:
            body += " BOOM"
        if i % 97 == 11:
            body += " SPIN"
        date = f"2026-12-{1 + (r >> 20) % 28:02d}"
        if i % 40 == 3:  # bare quotes in a row on one day: a quote streak
            body, date = SENTENCES[2], "2026-11-15"
        if i % 29 == 4:  # a switch the findings of the rules across posts must obey
            body = "<!-- postlint-disable cross-post-duplicate promo-ratio -->\n" + body
        front = f"platform: {PLATFORMS[(r >> 8) % 4]}\nscheduled: {date}\n"
        if i % 3:
            front += "goal: replies\n"
        data = f"---\n{front}---\n{body}\n".encode()
        if i % 61 == 7:
            data = data.replace(b"our", b"\xffour")      # invalid UTF-8
        if i % 89 == 13:
            data = b"\x00binary\x00"
        if i % 71 == 17:
            data = b"---\nplatform: [x\n---\nunclosed front matter\n"
        with open(os.path.join(root, "posts", f"post-{i:04d}.md"), "wb") as f:
            f.write(data)
    # larger than postlint reads (a sparse file: no disk space used)
    with open(os.path.join(root, "posts", "post-huge.md"), "wb") as f:
        f.truncate(300 << 20)


def run(args, cwd, timeout=300):
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    return subprocess.run([POSTLINT] + args, cwd=cwd, capture_output=True, env=env,
                          timeout=timeout)


class Jobs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="postlint-jobs-")
        make_corpus(cls.dir)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def same_for_all_jobs(self, *args, cwd=None):
        one = run(["--no-color", "--jobs", "1", *args], cwd or self.dir)
        for jobs in ("2", "4"):
            many = run(["--no-color", "--jobs", jobs, *args], cwd or self.dir)
            self.assertEqual(one.returncode, many.returncode, (args, jobs, many.stderr[-2000:]))
            self.same_bytes(one.stdout, many.stdout, (args, jobs, "stdout"))
            self.same_bytes(one.stderr, many.stderr, (args, jobs, "stderr"))
        return one

    def same_bytes(self, a, b, what):
        """Equal, or a failure showing the first line that differs (outputs are long)."""
        if a == b:
            return
        la, lb = a.splitlines(), b.splitlines()
        for k, (x, y) in enumerate(zip(la, lb)):
            if x != y:
                self.fail(f"{what}: line {k + 1} differs:\n  {x!r}\n  {y!r}")
        self.fail(f"{what}: {len(la)} lines against {len(lb)}")

    def test_every_format_is_the_same_with_any_number_of_threads(self):
        for fmt in ("text", "json", "json-lines", "sarif", "gcc", "checkstyle", "github"):
            with self.subTest(format=fmt):
                r = self.same_for_all_jobs("--format", fmt)
                self.assertEqual(r.returncode, 2, r.stderr)  # rule errors, unreadable file
        out = run(["--no-color", "--jobs", "2", "--format", "gcc"], self.dir).stdout.decode(
            errors="replace")
        # what the corpus is there for: each kind of problem shows up
        for what in ("rule 'boom' failed", "rule 'spin' was stopped", "[promo-ratio]", "[quote-streak]",
                     "[cross-post-duplicate]", "[no-sales-push]", "[not-text]", "[encoding]",
                     "[front-matter]", "post-huge.md", "[calm-exclaims]"):
            self.assertTrue(what in out, what)
        # a stopped rule is stopped on every SPIN post: each worker starts over after it
        spins = 0
        for n in os.listdir(os.path.join(self.dir, "posts")):
            with open(os.path.join(self.dir, "posts", n), "rb") as f:
                spins += b"SPIN" in f.read(4096)
        self.assertGreater(spins, 1)
        self.assertEqual(out.count("rule 'spin' was stopped"), spins)

    def test_fix_preview_and_diff_are_the_same(self):
        self.same_for_all_jobs("--fix-dry-run")
        r = self.same_for_all_jobs("--diff")
        self.assertIn(b"+++ b/posts/", r.stdout)

    def test_fix_writes_the_same_files(self):
        trees = []
        for jobs in ("1", "3"):
            d = tempfile.mkdtemp(prefix="postlint-jobs-fix-")
            self.addCleanup(shutil.rmtree, d, True)
            shutil.copytree(self.dir, d, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*huge*"))
            r = run(["--no-color", "--jobs", jobs, "--fix"], d)
            self.assertEqual(r.returncode, 2, r.stderr)
            trees.append((d, r.stdout))
        (a, out_a), (b, out_b) = trees
        self.assertIn(b"applied", out_a)
        self.same_bytes(out_a, out_b, "--fix report")
        cmp = filecmp.dircmp(os.path.join(a, "posts"), os.path.join(b, "posts"))
        self.assertEqual(cmp.left_only + cmp.right_only + cmp.diff_files, [])
        def data(*parts):
            with open(os.path.join(*parts), "rb") as f:
                return f.read()
        changed = [n for n in os.listdir(os.path.join(a, "posts"))
                   if data(a, "posts", n) != data(self.dir, "posts", n)]
        self.assertTrue(changed)

    def test_cache_with_threads(self):
        d = tempfile.mkdtemp(prefix="postlint-jobs-cache-")
        self.addCleanup(shutil.rmtree, d, True)
        shutil.copytree(self.dir, d, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*huge*"))
        subprocess.run(["git", "init", "-q", d], check=True)
        plain = run(["--no-color", "--jobs", "1", "-v"], d)
        cold = run(["--no-color", "--jobs", "2", "--cache", "-v"], d)
        warm = run(["--no-color", "--jobs", "2", "--cache", "-v"], d)
        self.same_bytes(plain.stdout, cold.stdout, "cold cache")
        self.same_bytes(plain.stdout, warm.stdout, "warm cache")
        # posts with rule errors are not cached; every other one is reused
        counts = re.compile(r"cache: (\d+) reused, (\d+) linted")
        cold_reused, cold_linted = map(int, counts.search(cold.stderr.decode()).groups())
        warm_reused, warm_linted = map(int, counts.search(warm.stderr.decode()).groups())
        self.assertEqual(cold_reused, 0)
        self.assertEqual(warm_reused + warm_linted, cold_linted)
        self.assertGreater(warm_reused, 200)
        self.assertLessEqual(warm_linted, 20)  # the posts with rule errors and unreadable ones

    def test_bad_values_are_usage_errors(self):
        for bad in ("0", "-1", "two", "", "2x", "65"):
            with self.subTest(value=bad):
                r = run(["--jobs", bad], self.dir)
                self.assertEqual(r.returncode, 2)
                self.assertIn(b"--jobs needs a number from 1 to 64", r.stderr)
        self.assertNotEqual(run(["-j", "2", "--only", "declare-goal", "posts/post-0001.md"],
                                self.dir).returncode, 2)

    def test_one_post_starts_no_threads_and_many_posts_do(self):
        d = self.threads_folder()
        # the main thread alone: libgit2 is loaded and initialised on it (it once had a
        # "git-init" thread), and the watchdog is a timer signal (it was a thread)
        most, seen, samples = thread_counts(["--only", "slow", "--jobs", "4", "p00.md"], d)
        self.assertGreater(samples, 5)
        self.assertEqual(most, 1, seen)
        # the main thread and two workers
        most, seen, samples = thread_counts(["--only", "slow", "--jobs", "3", "."], d)
        self.assertEqual(most, 3, seen)

    def test_the_hook_with_the_calendar_in_the_cache_starts_no_threads(self):
        # a commit's post and 39 others for the rules across posts: the first hook reads and
        # collects the 39 (workers help), the next finds them in the cache's pack and has
        # only its one post to lint
        d = self.threads_folder()
        git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "posts"]):
            subprocess.run(git + args, cwd=d, check=True, capture_output=True)
        counts = []
        for text in ("SLOW, and what do you think?", "SLOW, and what do you say?"):
            with open(os.path.join(d, "p00.md"), "a") as f:
                f.write(text + "\n")
            subprocess.run(git + ["add", "p00.md"], cwd=d, check=True)
            counts.append(thread_counts(["--staged", "--cache"], d))
        self.assertGreater(counts[0][0], 1, counts[0])
        most, seen, samples = counts[1]
        self.assertGreater(samples, 5)
        self.assertEqual(most, 1, seen)

    def test_a_parent_blocking_the_watchdogs_signal_does_not_silence_it(self):
        # a process inherits the blocked signals across exec; postlint's main unblocks the
        # watchdog's timer signal (SIGRTMIN + 3, src/lua/host.h) before any thread
        d = self.threads_folder()
        sig = signal.SIGRTMIN + 3
        proc = subprocess.Popen([POSTLINT, "--only", "slow", "p00.md"], cwd=d,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_BLOCK, [sig]))
        masks = []
        while proc.poll() is None:
            try:
                with open(f"/proc/{proc.pid}/status") as f:
                    for line in f:
                        if line.startswith("SigBlk:"):
                            masks.append(int(line.split()[1], 16))
            except OSError:
                pass
            time.sleep(0.002)
        self.assertEqual(proc.wait(timeout=120), 0)
        # the first samples may predate the exec; the last ones are postlint's own
        self.assertGreater(len(masks), 5)
        self.assertFalse(masks[-1] & (1 << (sig - 1)), [hex(m) for m in masks])

    def threads_folder(self):
        """40 posts and a plugin rule that is slow on a post saying SLOW (long enough to
        sample the threads of a one-post run) and a little slow on the others."""
        d = tempfile.mkdtemp(prefix="postlint-jobs-threads-")
        self.addCleanup(shutil.rmtree, d, True)
        slow = ('local n = post.text:find("SLOW", 1, true) and 8000000 or 3000000\n'
                'for i = 1, n do end')
        write_plugin(d, {"slow": slow})
        for i in range(40):
            with open(os.path.join(d, f"p{i:02d}.md"), "w") as f:
                f.write(f"---\ngoal: replies\n---\nPost {i}. What do you think?\n")
        with open(os.path.join(d, "p00.md"), "a") as f:
            f.write("SLOW\n")
        return d

    def test_a_thousand_posts_keep_their_memory_limits(self):
        # from 1,000 posts the Lua states collect generationally (unit.session): a rule's
        # garbage (2 MB a post, 2 GB in all against a 64 MB cap) is still collected, and a
        # rule that keeps memory across posts is still stopped at the cap, its state made
        # anew (generational again), the other posts linted
        d = tempfile.mkdtemp(prefix="postlint-jobs-many-")
        self.addCleanup(shutil.rmtree, d, True)
        rules = {
            "litter": """
                local t = {}
                for i = 1, 2000 do t[i] = string.rep("x", 1000) .. i end
                ctx:report{ message = "seen " .. #t, first = 1, last = 1 }""",
            "hoard": """
                KEPT = KEPT or {}
                KEPT[#KEPT + 1] = string.rep("y", 262144) .. post.path
                ctx:report{ message = "kept", first = 1, last = 1 }""",
        }
        write_plugin(d, rules)
        for i in range(1000):
            with open(os.path.join(d, f"p{i:04d}.md"), "w") as f:
                f.write(f"Post {i}. What do you think?\n")

        def diagnostics(*args):
            r = run(["--format", "json", *args], d)
            self.assertIn(r.returncode, (0, 2), r.stderr[-2000:])
            return r, [(x["path"], x["rule"], x["message"])
                       for x in json.loads(r.stdout)["diagnostics"]]

        one, found = diagnostics("--jobs", "1", "--only", "litter")
        self.assertEqual(one.returncode, 0, found[:3])  # warnings, no rule-error
        self.assertEqual(found, [(f"p{i:04d}.md", "litter", "seen 2000") for i in range(1000)])
        two, _ = diagnostics("--jobs", "2", "--only", "litter")
        self.assertEqual(two.stdout, one.stdout)

        r, found = diagnostics("--jobs", "1", "--only", "hoard")
        self.assertEqual(r.returncode, 2)
        stopped = [(path, message) for path, rule, message in found if rule == "rule-error"]
        kept = [path for path, rule, message in found if message == "kept"]
        self.assertEqual(len(kept), 1000)  # it is stopped after the call that kept too much
        self.assertGreaterEqual(len(stopped), 3, found[:3])
        for _, message in stopped:
            self.assertRegex(message, r"^rule 'hoard' was stopped: it keeps \d+ MB between "
                             r"calls \(of 64 MB for rules\)$")
        # each fresh state starts empty and is stopped after as many posts
        at = [int(path[1:5]) for path, _ in stopped]
        gaps = {b - a for a, b in zip(at, at[1:])}
        self.assertEqual(len(gaps), 1, at)

    def test_a_call_stuck_in_a_library_function_still_stops_the_run(self):
        d = tempfile.mkdtemp(prefix="postlint-jobs-watchdog-")
        self.addCleanup(shutil.rmtree, d, True)
        stuck = 'if post.text:find("STUCK", 1, true) then ' \
                'local s = string.rep("a", 400) s:find(".-.-.-.-.-b") end'
        p = os.path.join(d, "plug", "rules", "stuck.lua")
        os.makedirs(os.path.dirname(p))
        with open(p, "w") as f:
            f.write(rule_file("stuck", stuck))
        with open(os.path.join(d, ".lintrc"), "w") as f:
            f.write('plugins = { "./plug" }\nlimits = { seconds = 1 }\n')
        for i in range(40):
            with open(os.path.join(d, f"p{i:02d}.md"), "w") as f:
                f.write(f"Post {i}{' STUCK' if i == 30 else ''}\n")
        t0 = time.time()
        r = run(["--jobs", "2", "--only", "stuck", "--format", "json"], d, timeout=120)
        self.assertEqual(r.returncode, 2, r.stderr)
        # the step-counted pattern runs out of budget in its worker: a rule-error on that
        # post alone, the others linted (the watchdog, a last resort, has unit.watchdog)
        data = json.loads(r.stdout)
        errors = [(x["path"], x["rule"]) for x in data["diagnostics"]]
        self.assertEqual(errors, [("p30.md", "rule-error")], r.stdout)
        self.assertRegex(data["diagnostics"][0]["message"],
                         r"^rule 'stuck' was stopped: .*(instruction budget|time limit)")
        self.assertEqual(data["summary"]["files"], 40)
        self.assertLess(time.time() - t0, 60)


    def calendar_folder(self, rules, posts=40):
        """posts posts (bare quotes, sales pushes and cross-posts among them, scheduled) and a
        plugin of rules across posts with collect ({id: (collect body, check_set body)})."""
        d = tempfile.mkdtemp(prefix="postlint-jobs-calendar-")
        self.addCleanup(shutil.rmtree, d, True)
        for rid, (collect, check_set) in rules.items():
            p = os.path.join(d, "plug", "rules", rid + ".lua")
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                f.write(f'return {{ id = "{rid}", summary = "s", docs = "d", '
                        f'severity = "warning",\n'
                        f'  collect = function(post, ctx) {collect} end,\n'
                        f'  check_set = function(posts, ctx) {check_set} end }}\n')
        with open(os.path.join(d, ".lintrc"), "w") as f:
            f.write('plugins = { "./plug" }\n')
        for i in range(posts):
            # post i + 10 says what post i says on another platform; a bare quote every
            # tenth post, all on one day; four sales pushes in ten
            kind = i % 10
            text = {3: SENTENCES[2], 1: SENTENCES[1], 6: SENTENCES[6]}.get(
                kind, SENTENCES[kind] + " " + SENTENCES[(kind * 7 + 1) % len(SENTENCES)])
            if kind in (4, 8):
                text += " " + SENTENCES[6]
            day = "2026-11-15" if kind == 3 else f"2026-12-0{1 + i % 3}"
            with open(os.path.join(d, f"p{i:02d}.md"), "w") as f:
                f.write(f"---\nplatform: {PLATFORMS[(i // 10) % 4]}\nscheduled: {day}\n"
                        f"goal: replies\n---\n{text}\n")
        return d

    def test_rules_across_posts_run_in_parts_on_the_threads_and_report_as_one(self):
        # with --jobs N the rules across posts run in N parts of consecutive rules, each in
        # a thread's own state (src/cmd_lint.c: calendar_part): every finding, rule error and
        # stopped rule is what one thread gives, whichever part it fell in
        count = ("return { words = #post.words }",
                 "for _, p in ipairs(posts) do if p.linted then ctx:report{ post = p, "
                 "message = #posts .. ' posts, ' .. p.collected.words .. ' words' } end end")
        boom = ("return true", "error('calendar boom on purpose')")
        spin = ("return true", "while true do end")
        d = self.calendar_folder({"calendar-count": count, "calendar-boom": boom,
                                  "calendar-spin": spin})
        built_in = "cross-post-duplicate,promo-ratio,quote-streak"
        for only in (built_in + ",calendar-count,calendar-boom,calendar-spin",
                     "calendar-count,calendar-boom", "calendar-boom,calendar-count",
                     built_in + ",calendar-count"):
            with self.subTest(only=only):
                one = run(["--no-color", "--jobs", "1", "--only", only], d)
                for jobs in ("2", "3", "4"):
                    many = run(["--no-color", "--jobs", jobs, "--only", only], d)
                    self.assertEqual(one.returncode, many.returncode, (jobs, many.stderr))
                    self.same_bytes(one.stdout, many.stdout, (only, jobs, "stdout"))
                    self.same_bytes(one.stderr, many.stderr, (only, jobs, "stderr"))
                out = one.stdout.decode()
                self.assertEqual(out.count("40 posts, "), 40 if "count" in only else 0)
                self.assertEqual(one.returncode, 2 if "boom" in only else 0, one.stderr)
                self.assertEqual("rule 'calendar-boom' failed across 40 posts" in out,
                                 "boom" in only, out[-3000:])
                self.assertEqual("rule 'calendar-spin' was stopped across 40 posts" in out,
                                 "spin" in only)
                for rule in built_in.split(","):
                    self.assertEqual(f"[{rule}]" in out, built_in in only, rule)

    def test_output_nobody_reads_yet_costs_no_cpu(self):
        # the output of a run with rules across posts is made on two threads once the
        # calendar is judged; when the reader is slow (a pager, a pipe), the thread that
        # formats files ahead sleeps at the end of its window rather than polls (it woke
        # every 20 us: 26,000 times in 3 seconds)
        d = tempfile.mkdtemp(prefix="postlint-slow-reader-")
        try:
            os.makedirs(os.path.join(d, "posts"))
            for i in range(600):
                platform = PLATFORMS[i % len(PLATFORMS)]
                with open(os.path.join(d, "posts", f"p{i:03d}.md"), "w") as f:
                    f.write(f"---\nplatform: {platform}\n---\n{SENTENCES[0]} {SENTENCES[1]}\n")
            proc = subprocess.Popen([POSTLINT, "--no-color", "--jobs", "2", "posts"], cwd=d,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            time.sleep(1.5)
            out = proc.stdout.read()
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            proc.stdout.close()
            self.assertEqual(proc.returncode, 0)  # (warnings only)
            self.assertGreater(len(out), 1 << 17)  # more than a pipe holds: the run waited
            self.assertLess(usage.ru_nvcsw, 2000, usage)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_rules_across_posts_keep_two_threads_busy(self):
        # two slow rules across posts with --jobs 2: each part on its own thread, so the
        # worker thread spends about as much CPU time as the main thread (when the main
        # thread ran them all, the worker only collected 40 posts' data: almost none)
        slow = ("return true", "local n = 0 for i = 1, 30000000 do n = n + 1 end")
        d = self.calendar_folder({"slow-a": slow, "slow-b": slow})
        proc = subprocess.Popen([POSTLINT, "--jobs", "2", "--only", "slow-a,slow-b"], cwd=d,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ticks = {}  # thread id -> the most CPU time (clock ticks) seen
        while proc.poll() is None:
            try:
                for t in os.listdir(f"/proc/{proc.pid}/task"):
                    with open(f"/proc/{proc.pid}/task/{t}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    ticks[int(t)] = max(ticks.get(int(t), 0), int(fields[11]) + int(fields[12]))
            except OSError:
                pass
            time.sleep(0.002)
        self.assertEqual(proc.wait(timeout=120), 0)
        main = ticks.get(proc.pid, 0)
        workers = [v for t, v in ticks.items() if t != proc.pid]
        self.assertGreater(main, 5, ticks)  # the loops are long enough to be seen
        self.assertTrue(workers and max(workers) * 3 > main, ticks)



if __name__ == "__main__":
    harness.main(sys.modules[__name__])
