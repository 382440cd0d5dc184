#!/usr/bin/env python3
"""Git-native linting, end to end on real repositories built with the git CLI in temp folders:
--staged, --since/--rev, rules across posts (check_set), the pre-commit hook, the pre-commit
framework and --cache. postlint itself reads the repositories through libgit2 only.

Usage: test_git.py --postlint PATH [unittest options]
"""
import datetime
import glob
import json
import re
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

POSTLINT = None
# what the installed hook and the pre-commit framework's entry ask of glibc (README: The hook)
TUNABLES = "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=16777216"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SET_RULES = "promo-ratio,quote-streak,cross-post-duplicate"

# no-sales-push made an error, so that the hook has something to block
LINTRC = 'rules = { ["no-sales-push"] = "error" }\n'


def post(text, platform="x", scheduled=None, extra=""):
    fm = "platform: %s\ngoal: replies from readers\n" % platform
    if scheduled:
        fm += "scheduled: %s\n" % scheduled
    return "---\n%s%s---\n%s\n" % (fm, extra, text)


BAD = post("Want 50% off? Buy now! Only 24 hours left -> https://deals.example.com/spring")
GOOD = post("We moved our book club from Thursdays to Sunday mornings and attendance doubled.\n"
            "What time of day works best for yours?")
GOOD2 = post("I rewrote our onboarding checklist after three new starters got lost on day one.\n"
             "What was the most useful thing anyone showed you in your first week?")


class Repo:
    """A throwaway repository driven by the git CLI (the test's tool, not postlint's)."""

    def __init__(self, path, home, bare=False, init=True):
        self.path = path
        self.env = dict(os.environ)
        for k in list(self.env):
            if k.startswith("GIT_"):
                del self.env[k]
        self.env.update({"HOME": home, "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1",
                         "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
                         "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com"})
        if init:
            os.makedirs(path, exist_ok=True)
            self.git("init", "-q", "-b", "main", *(["--bare"] if bare else []))

    def git(self, *args, check=True, env=None):
        e = dict(self.env)
        if env:
            e.update(env)
        r = subprocess.run(["git", *args], cwd=self.path, capture_output=True, text=True, env=e)
        if check and r.returncode != 0:
            raise AssertionError("git %s failed: %s%s" % (" ".join(args), r.stdout, r.stderr))
        return r

    def write(self, rel, text):
        path = os.path.join(self.path, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)

    def commit(self, msg="c"):
        self.git("add", "-A")
        self.git("commit", "-q", "-m", msg)
        return self.git("rev-parse", "HEAD").stdout.strip()

    def lint(self, *args, cwd=None, env=None):
        e = dict(self.env)
        if env:
            e.update(env)
        return subprocess.run([POSTLINT, *args], cwd=cwd or self.path, capture_output=True,
                              text=True, env=e, timeout=120)

    def lint_json(self, *args, cwd=None, code=None):
        r = self.lint("--format", "json", *args, cwd=cwd)
        if code is not None and r.returncode != code:
            raise AssertionError("exit %d, expected %d:\n%s%s" % (r.returncode, code, r.stdout,
                                                                  r.stderr))
        return json.loads(r.stdout), r


# ---- the cache's per-post entries, as src/cache.c writes them --------------------------------
ENTRY_MAGIC = b"postlint-entry-5\n"
ENTRY_SKIPPED, ENTRY_COLLECTED, ENTRY_SEEN = 1, 2, 4
M64 = (1 << 64) - 1


def _lane_step(h, v):
    h = ((h ^ v) * 0x9E3779B97F4A7C15) & M64
    return h ^ (h >> 29)


def _word(h, v):
    h[0] = _lane_step(h[0], v)
    h[1] = ((h[1] ^ v) * 0xFF51AFD7ED558CCD) & M64
    h[1] ^= h[1] >> 32


def checksum32(data):
    """src/util/hash.h's hash_checksum32 (four lanes, then a fold): the cache's entries and
    the pack's records carry it."""
    h = [0x243F6A8885A308D3, 0x13198A2E03707344, 0xA4093822299F31D0, 0x082EFA98EC4E6C89]
    for i in range(0, len(data) + 1, 32):
        block = data[i:i + 32].ljust(32, b"\0")
        for k in range(4):
            h[k] = _lane_step(h[k], struct.unpack_from("<Q", block, 8 * k)[0])
    fold = [0x452821E638D01377, 0xBE5466CF34E90C6C]
    for k in range(4):
        _word(fold, h[k])
    _word(fold, len(data))
    return (fold[0] ^ fold[1] ^ (fold[1] >> 32)) & 0xFFFFFFFF


def varint(data, i):
    n = shift = 0
    while True:
        b = data[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return n, i


def put_varint(n):
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def read_entry(data):
    """An entry's parts: (flags, lang, collected data, findings' bytes); asserts its magic
    and checksum."""
    assert data.startswith(ENTRY_MAGIC), data[:32]
    body = data[len(ENTRY_MAGIC) + 4:]
    assert struct.unpack_from("<I", data, len(ENTRY_MAGIC))[0] == checksum32(body)
    flags, i = varint(body, 0)
    lang = collected = None
    if flags & ENTRY_COLLECTED:
        n, i = varint(body, i)
        lang, i = body[i:i + n], i + n
    if flags & ENTRY_SEEN:
        n, i = varint(body, i)
        collected, i = body[i:i + n], i + n
    return flags, lang, collected, body[i:]


def cache_entries(cache):
    """The cache's per-post entries, by path from its folder: XX/KEY.bin, in the folder of
    the key's first byte (asserted), and KEY.json or KEY.bin in the folder itself (written
    by earlier postlints)."""
    found = []
    for path in glob.glob(os.path.join(cache, "*", "*.bin")):
        folder, name = os.path.relpath(path, cache).split(os.sep)
        if folder == "calendars":  # (a calendar's findings: not a post's entry)
            continue
        assert re.fullmatch(r"[0-9a-f]{2}", folder) and name.startswith(folder), path
        found.append(folder + "/" + name)
    found += [e for e in os.listdir(cache) if e.endswith((".json", ".bin"))]
    return sorted(found)


def make_entry(flags, lang, collected, findings):
    """An entry of these parts, with its checksum: damage that the checksum does not find."""
    body = put_varint(flags)
    if lang is not None:
        body += put_varint(len(lang)) + lang
    if collected is not None:
        body += put_varint(len(collected)) + collected
    body += findings
    return ENTRY_MAGIC + struct.pack("<I", checksum32(body)) + body


def calendar_reporter(rule_id, line, sep):
    """A plugin rule across posts (with collect) that reports on each linted post one message:
    `line` (a Lua expression of p) for every post of the calendar, sorted, joined by sep."""
    return """return {
  id = "%s", summary = "test", docs = "test",
  collect = function(post, ctx) return true end,
  check_set = function(posts, ctx)
    local lines = {}
    for _, p in ipairs(posts) do lines[#lines + 1] = %s end
    table.sort(lines)
    for _, p in ipairs(posts) do
      if p.linted then
        ctx:report{ post = p, message = table.concat(lines, "%s"), first = 1, last = 1 }
      end
    end
  end,
}
""" % (rule_id, line, sep)


def found(data, rule=None):
    """{(path, rule)} of the diagnostics, optionally of one rule."""
    return sorted((d["path"], d["rule"]) for d in data["diagnostics"]
                  if rule is None or d["rule"] == rule)


def linted(data):
    return sorted(f if isinstance(f, str) else f["path"] for f in data["files"])


class Case(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="postlint-git-")
        self.home = os.path.join(self.tmp, "home")
        os.makedirs(self.home)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def repo(self, name="repo", **kw):
        return Repo(os.path.join(self.tmp, name), self.home, **kw)


class Staged(Case):
    def test_bad_post_staged_then_fixed_in_the_work_tree_is_still_reported(self):
        r = self.repo()
        r.write(".lintrc", LINTRC)
        r.write("posts/a.md", BAD)
        r.git("add", "-A")  # before any commit: HEAD is unborn
        r.write("posts/a.md", GOOD)  # fixed on disk only
        data, _ = r.lint_json("--staged", code=1)
        self.assertEqual(found(data, "no-sales-push"), [("posts/a.md", "no-sales-push")])
        data, _ = r.lint_json(code=0)  # the work tree is clean
        self.assertEqual(found(data, "no-sales-push"), [])

    def test_good_post_staged_then_broken_in_the_work_tree_is_not_reported(self):
        r = self.repo()
        r.write(".lintrc", LINTRC)
        r.write("posts/old.md", GOOD2)
        r.commit()
        r.write("posts/a.md", GOOD)
        r.git("add", "posts/a.md")
        r.write("posts/a.md", BAD)
        data, _ = r.lint_json("--staged", code=0)
        self.assertEqual(linted(data), ["posts/a.md"])  # only what is staged
        self.assertEqual(found(data, "no-sales-push"), [])
        data, _ = r.lint_json(code=1)
        self.assertEqual(found(data, "no-sales-push"), [("posts/a.md", "no-sales-push")])

    def test_only_staged_posts_and_not_deletions_or_intent_to_add(self):
        r = self.repo()
        r.write("posts/keep.md", GOOD)
        r.write("posts/gone.md", GOOD2)
        r.write("posts/edit.md", GOOD2)
        r.commit()
        r.write("posts/edit.md", BAD)
        r.write("posts/new.md", BAD)
        r.write("posts/later.md", BAD)
        r.write("notes.png", "not a post\n")
        r.git("add", "posts/edit.md", "posts/new.md", "notes.png")
        r.git("rm", "-q", "posts/gone.md")
        r.git("add", "-N", "posts/later.md")
        data, _ = r.lint_json("--staged", "--only", "no-sales-push")
        self.assertEqual(linted(data), ["posts/edit.md", "posts/new.md"])
        # a path limits the staged posts to those under it
        data, _ = r.lint_json("--staged", "--only", "no-sales-push", "posts/new.md")
        self.assertEqual(linted(data), ["posts/new.md"])

    def test_a_partial_commit_index_from_git_index_file_is_what_gets_linted(self):
        r = self.repo()
        r.write("posts/a.md", GOOD)
        r.commit()
        r.write("posts/a.md", BAD)
        r.git("add", "posts/a.md")
        # a second index as `git commit <paths>` makes, where a.md is unchanged
        alt = os.path.join(self.tmp, "alt-index")
        r.git("read-tree", "HEAD", env={"GIT_INDEX_FILE": alt})
        res = r.lint("--format", "json", "--staged", env={"GIT_INDEX_FILE": alt})
        self.assertEqual(linted(json.loads(res.stdout)), [])
        res = r.lint("--format", "json", "--staged")
        self.assertEqual(linted(json.loads(res.stdout)), ["posts/a.md"])

    def test_bare_repository_refuses_staged_mode(self):
        r = self.repo("bare.git", bare=True)
        res = r.lint("--staged")
        self.assertEqual(res.returncode, 2)
        self.assertIn("bare repository", res.stderr)


class Ranges(Case):
    def history(self):
        r = self.repo()
        r.write("posts/a.md", GOOD)
        r.write("posts/b.md", GOOD2 + "\nA longer paragraph so the rename is recognised as one "
                "by git and by libgit2 alike, with plenty of shared lines.\n")
        r.write("posts/c.md", GOOD)
        r.write("posts/same.md", GOOD2)
        c1 = r.commit("one")
        r.write("posts/a.md", BAD)  # modified
        r.git("mv", "posts/b.md", "posts/b2.md")  # renamed
        r.git("rm", "-q", "posts/c.md")  # deleted
        r.write("posts/d.md", BAD)  # added
        c2 = r.commit("two")
        return r, c1, c2

    def test_rev_reports_exactly_the_changed_posts_from_the_newer_tree(self):
        r, c1, c2 = self.history()
        r.write("posts/a.md", GOOD)  # the work tree differs: the commit is what counts
        data, _ = r.lint_json("--rev", "%s..%s" % (c1, c2), "--only", "no-sales-push")
        self.assertEqual(linted(data), ["posts/a.md", "posts/b2.md", "posts/d.md"])
        self.assertEqual(found(data), [("posts/a.md", "no-sales-push"),
                                       ("posts/d.md", "no-sales-push")])
        data, _ = r.lint_json("--rev", "%s..%s" % (c2, c2))
        self.assertEqual(linted(data), [])

    def test_since_uses_the_merge_base_and_head(self):
        r, c1, c2 = self.history()
        data, _ = r.lint_json("--since", c1, "--only", "no-sales-push")
        self.assertEqual(linted(data), ["posts/a.md", "posts/b2.md", "posts/d.md"])
        # a branch from c1 that changes another post: since main, only its own change
        r.git("checkout", "-q", "-b", "topic", c1)
        r.write("posts/same.md", BAD)
        r.commit("topic")
        data, _ = r.lint_json("--since", "main", "--only", "no-sales-push")
        self.assertEqual(linted(data), ["posts/same.md"])
        data, _ = r.lint_json("--rev", "main...topic", "--only", "no-sales-push")
        self.assertEqual(linted(data), ["posts/same.md"])
        # two dots compare the trees themselves: main's changes show too
        data, _ = r.lint_json("--rev", "main..topic", "--only", "no-sales-push")
        self.assertEqual(linted(data), ["posts/a.md", "posts/b.md", "posts/c.md",
                                        "posts/same.md"])

    def test_bad_revisions_exit_2_with_a_message(self):
        r, c1, _ = self.history()
        for args, msg in ((["--rev", "nope..HEAD"], "--rev 'nope..HEAD'"),
                          (["--rev", c1], "is not a range"),
                          (["--since", "nope"], "unknown revision")):
            res = r.lint(*args)
            self.assertEqual(res.returncode, 2, args)
            self.assertIn(msg, res.stderr)

    def test_bare_repository(self):
        r, c1, c2 = self.history()
        bare = self.repo("mirror.git", init=False)
        subprocess.run(["git", "clone", "-q", "--bare", r.path, bare.path], check=True,
                       env=r.env, capture_output=True)
        data, _ = bare.lint_json("--rev", "%s..%s" % (c1, c2), "--only", "no-sales-push")
        self.assertEqual(linted(data), ["posts/a.md", "posts/b2.md", "posts/d.md"])
        self.assertEqual(len(found(data)), 2)


class Places(Case):
    def test_outside_a_repository_git_modes_exit_2_and_paths_still_work(self):
        d = os.path.join(self.tmp, "plain")
        os.makedirs(d)
        with open(os.path.join(d, "p.md"), "w") as f:
            f.write(BAD)
        r = Repo(d, self.home, init=False)
        for args in (["--staged"], ["--since", "HEAD~1"], ["--rev", "A..B"]):
            res = r.lint(*args)
            self.assertEqual(res.returncode, 2, args)
            self.assertIn("needs a git repository", res.stderr)
            self.assertEqual(res.stdout, "")
        data, _ = r.lint_json("p.md", "--only", "no-sales-push", code=0)
        self.assertEqual(found(data), [("p.md", "no-sales-push")])

    def test_repository_below_cwd_with_spaces_and_non_ascii_names(self):
        r = self.repo("my posts/répo")
        name = "posts/café ☕ week 1.md"
        r.write(name, GOOD)
        c1 = r.commit()
        r.write(name, BAD)
        r.write("posts/日本語 の 投稿.md", BAD)
        c2 = r.commit()
        r.write(name, GOOD)
        r.git("add", "-A")
        outside = Repo(self.tmp, self.home, init=False)  # cwd: not a repository
        data, res = outside.lint_json("--staged", "my posts/répo", "--only", "no-sales-push")
        self.assertEqual(linted(data), ["my posts/répo/" + name], res.stderr)
        self.assertEqual(found(data), [])
        data, _ = outside.lint_json("--rev", "%s..%s" % (c1, c2), "my posts/répo",
                                    "--only", "no-sales-push")
        self.assertEqual(found(data), [("my posts/répo/" + name, "no-sales-push"),
                                       ("my posts/répo/posts/日本語 の 投稿.md", "no-sales-push")])

    def test_crlf_checkout_gives_the_same_findings_as_the_lf_blob(self):
        r = self.repo()
        r.git("config", "core.autocrlf", "true")
        text = BAD.replace("\n", "\r\n")
        r.write("posts/a.md", text)
        r.git("add", "-A")  # the blob is stored with LF, the work tree keeps CRLF
        blob = r.git("cat-file", "-p", ":posts/a.md").stdout
        self.assertNotIn("\r", blob)
        with open(os.path.join(r.path, "posts/a.md"), "rb") as f:
            self.assertIn(b"\r\n", f.read())

        def where(data):
            return sorted((d["rule"], d["line"], d["column"], d["end_line"], d["end_column"])
                          for d in data["diagnostics"])
        staged, _ = r.lint_json("--staged")
        disk, _ = r.lint_json()
        self.assertTrue(where(staged))
        self.assertEqual(where(staged), where(disk))


    def test_libgit2_never_reads_the_ca_bundle(self):
        # postlint reads repositories on disk only; Debian's libgit2 (mbedtls) would parse
        # the whole CA bundle at start-up, more work than a one-post lint. Linked, libgit2's
        # TLS set-up is a stand-in (src/git_linked.c), so the bundle is not even looked for;
        # loaded, libgit2 looks for it and the parse is stood in for (src/git_offline.c)
        if not shutil.which("strace"):
            self.skipTest("skipped: not found: strace")
        r = self.repo()
        r.write("posts/a.md", BAD)
        r.git("add", "-A")
        trace = os.path.join(self.tmp, "trace")
        res = subprocess.run(["strace", "-f", "-o", trace, "-e",
                              "trace=openat,open,newfstatat,stat", POSTLINT, "--staged", "--format", "json"], cwd=r.path,
                             capture_output=True, text=True, env=r.env, timeout=120)
        self.assertEqual(found(json.loads(res.stdout), "no-sales-push"),
                         [("posts/a.md", "no-sales-push")], res.stderr)
        with open(trace) as f:
            calls = [line for line in f if "cert" in line]
        version = subprocess.run([POSTLINT, "--version"], capture_output=True, text=True).stdout
        if re.search(r"libgit2 [^,]* \(linked\)", version):
            self.assertEqual(calls, [])
            return
        looked = [c for c in calls if "stat" in c and "= 0" in c]
        if not looked:
            self.skipTest("skipped: not found: libgit2 found no CA bundle to skip here")
        self.assertEqual([c for c in calls if "open" in c], [])


    def test_libgit2_gets_the_offline_stand_ins(self):
        # libgit2's init would set up TLS trust roots and SSH's crypto (OpenSSL engines and
        # error strings) that a linter of repositories on disk never uses: the executable's
        # stand-ins take their place (src/git_offline.c), as the dynamic linker reports. (The
        # default build links libgit2 and wraps them at link time, src/git_linked.c: the CA
        # bundle test above covers it.)
        version = subprocess.run([POSTLINT, "--version"], capture_output=True, text=True).stdout
        if re.search(r"libgit2 [^,]* \(linked\)", version):
            self.skipTest("skipped: not found: a postlint that loads libgit2 (this one links it)")
        r = self.repo()
        r.write("posts/a.md", BAD)
        r.git("add", "-A")
        env = dict(r.env, LD_DEBUG="bindings")
        res = subprocess.run([POSTLINT, "--staged", "--format", "json"], cwd=r.path,
                             capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(found(json.loads(res.stdout), "no-sales-push"),
                         [("posts/a.md", "no-sales-push")])
        for symbol in ("libssh2_init", "mbedtls_x509_crt_parse_file"):
            bound = [line.split(" to ")[1].split(" [")[0] for line in res.stderr.splitlines()
                     if "binding file" in line and "libgit2" in line
                     and line.endswith("`%s'" % symbol)]
            self.assertEqual(bound, [os.path.realpath(POSTLINT)], symbol)


def traced_postlint_execs(cmd, cwd, env, tmp):
    """Runs cmd under strace and returns (result, [(argv, environ)] of each successful execve
    of postlint). One trace file per process (-ff), so that no execve line is split by
    another process's; LeakSanitizer cannot run under ptrace, so a sanitizer build is told
    not to try."""
    env = dict(env)
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "detect_leaks=0"]))
    prefix = os.path.join(tmp, "trace")
    for old in glob.glob(prefix + ".*"):
        os.remove(old)
    res = subprocess.run(["strace", "-ff", "-qq", "-v", "-s", "100000", "-e", "trace=execve",
                          "-e", "signal=none", "-o", prefix] + cmd, cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=300)
    want = os.path.realpath(POSTLINT)
    found = []
    for path in glob.glob(prefix + ".*"):
        with open(path) as f:
            for line in f:
                m = re.match(r'execve\("([^"]+)", \[(.*?)\], \[(.*)\]\) = 0$', line.rstrip())
                if m and os.path.realpath(m.group(1)) == want:
                    found.append((re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)),
                                  re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(3))))
    return res, found


class Hook(Case):
    def test_installed_hook_blocks_a_bad_commit_and_lets_a_clean_one_through(self):
        r = self.repo()
        r.write(".lintrc", LINTRC)
        r.commit("config")
        res = r.lint("hook", "install")
        self.assertEqual(res.returncode, 0, res.stderr)
        hook = os.path.join(r.path, ".git", "hooks", "pre-commit")
        self.assertTrue(os.access(hook, os.X_OK))
        r.write("posts/bad.md", BAD)
        r.git("add", "-A")
        res = r.git("commit", "-m", "bad", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("no-sales-push", res.stdout + res.stderr)
        self.assertEqual(r.git("rev-list", "--count", "HEAD").stdout.strip(), "1")
        # fixed in the work tree but not staged: still blocked
        r.write("posts/bad.md", GOOD)
        self.assertNotEqual(r.git("commit", "-m", "bad", check=False).returncode, 0)
        r.git("add", "-A")
        res = r.git("commit", "-m", "good", check=False)
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertEqual(r.git("rev-list", "--count", "HEAD").stdout.strip(), "2")
        # the hook runs with --cache: the commits left entries for the next one
        cache = os.path.join(r.path, ".git", "postlint", "cache")
        self.assertTrue(os.path.isdir(cache) and os.listdir(cache))
        # `git commit -a` (another index file) is checked too
        r.write("posts/bad.md", BAD)
        self.assertNotEqual(r.git("commit", "-a", "-m", "bad", check=False).returncode, 0)

    def test_installed_hook_asks_glibc_for_huge_pages_and_keeps_the_users_tunables(self):
        # the hook's postlint reads thousands of posts: glibc's heap on 2 MB pages, grown 16 MB
        # at a time, saves a third of its time where page faults are dear (README, Performance)
        if not shutil.which("strace"):
            self.skipTest("skipped: not found: strace")
        r = self.repo()
        r.write("posts/a.md", GOOD)
        r.git("add", "-A")
        self.assertEqual(r.lint("hook", "install").returncode, 0)
        hook = os.path.join(r.path, ".git", "hooks", "pre-commit")
        # first, so that the user's own tunables (glibc reads them in order) have the last word
        for before, after in ((None, TUNABLES),
                              ("glibc.malloc.hugetlb=0", TUNABLES + ":glibc.malloc.hugetlb=0")):
            with self.subTest(before=before):
                env = dict(r.env)
                env.pop("GLIBC_TUNABLES", None)
                if before:
                    env["GLIBC_TUNABLES"] = before
                res, execs = traced_postlint_execs([hook], r.path, env, self.tmp)
                self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
                self.assertEqual(len(execs), 1, execs)
                argv, environ = execs[0]
                self.assertEqual(argv[1:], ["--staged", "--cache"])
                self.assertEqual([v for v in environ if v.startswith("GLIBC_TUNABLES=")],
                                 ["GLIBC_TUNABLES=" + after])

    def test_foreign_hook_is_kept_unless_forced_and_restored_on_uninstall(self):
        r = self.repo()
        hook = os.path.join(r.path, ".git", "hooks", "pre-commit")
        os.makedirs(os.path.dirname(hook), exist_ok=True)
        with open(hook, "w") as f:
            f.write("#!/bin/sh\necho mine\n")
        res = r.lint("hook", "install")
        self.assertEqual(res.returncode, 2)
        self.assertIn("--force", res.stderr)
        with open(hook) as f:
            self.assertIn("echo mine", f.read())
        self.assertEqual(r.lint("hook", "uninstall").returncode, 2)  # not ours: left alone
        res = r.lint("hook", "install", "--force")
        self.assertEqual(res.returncode, 0, res.stderr)
        with open(hook) as f:
            self.assertIn("--staged", f.read())
        self.assertEqual(r.lint("hook", "install").returncode, 0)  # ours: replaced freely
        res = r.lint("hook", "uninstall")
        self.assertEqual(res.returncode, 0)
        with open(hook) as f:
            self.assertIn("echo mine", f.read())

    def test_hooks_path_is_honoured_and_outside_a_repository_is_an_error(self):
        r = self.repo()
        r.git("config", "core.hooksPath", "githooks")
        self.assertEqual(r.lint("hook", "install").returncode, 0)
        self.assertTrue(os.path.exists(os.path.join(r.path, "githooks", "pre-commit")))
        # the hook committed with the repository (a team's shared hooks folder) blocks too
        r.write(".lintrc", LINTRC)
        r.commit("hooks and config")
        self.assertEqual(r.git("ls-files", "githooks").stdout.strip(), "githooks/pre-commit")
        r.write("posts/bad.md", BAD)
        r.git("add", "-A")
        res = r.git("commit", "-m", "bad", check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("no-sales-push", res.stdout + res.stderr)
        plain = Repo(self.home, self.home, init=False)
        res = plain.lint("hook", "install")
        self.assertEqual(res.returncode, 2)
        self.assertIn("not in a git repository", res.stderr)


class PreCommitFramework(Case):
    def test_pre_commit_runs_the_hook_from_pre_commit_hooks_yaml(self):
        if not shutil.which("pre-commit"):
            self.skipTest("pre-commit is not installed (tools/install-deps --test)")
        # the hooks repository: this repository's .pre-commit-hooks.yaml, committed in a
        # local repository so that pre-commit can clone it offline
        hooks = self.repo("hooks-repo")
        shutil.copy(os.path.join(ROOT, ".pre-commit-hooks.yaml"), hooks.path)
        rev = hooks.commit("hooks")
        r = self.repo()
        r.write(".lintrc", LINTRC)
        r.write(".pre-commit-config.yaml",
                "repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: postlint\n"
                % (hooks.path, rev))
        r.commit("config")
        env = {"PATH": os.path.dirname(POSTLINT) + os.pathsep + os.environ["PATH"],
               "PRE_COMMIT_HOME": os.path.join(self.tmp, "pre-commit-cache")}
        r.env.update(env)
        res = subprocess.run(["pre-commit", "install"], cwd=r.path, env=r.env,
                             capture_output=True, text=True)
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        r.write("posts/bad.md", BAD)
        r.write("posts/good.md", GOOD)
        r.git("add", "-A")
        res = r.git("commit", "-m", "bad", check=False)
        self.assertNotEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertIn("no-sales-push", res.stdout + res.stderr)
        self.assertIn("posts/bad.md", res.stdout + res.stderr)
        r.write("posts/bad.md", GOOD2)
        r.git("add", "-A")
        if shutil.which("strace"):
            # the hook's postlint runs with glibc's heap on 2 MB pages (as the installed hook)
            r.env.pop("GLIBC_TUNABLES", None)
            res, execs = traced_postlint_execs(["git", "commit", "-m", "good"], r.path, r.env,
                                               self.tmp)
            self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
            self.assertEqual(len(execs), 1, execs)
            argv, environ = execs[0]
            # both posts: the first commit was refused, so both are still to be committed
            self.assertEqual(argv[1], "--cache")
            self.assertEqual(sorted(argv[2:]), ["posts/bad.md", "posts/good.md"])
            self.assertEqual([v for v in environ if v.startswith("GLIBC_TUNABLES=")],
                             ["GLIBC_TUNABLES=" + TUNABLES])
        else:
            print("skipped: not found: strace (the hook's environment is not checked)",
                  file=sys.stderr)
            res = r.git("commit", "-m", "good", check=False)
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertIn("postlint", res.stdout + res.stderr)


QUOTES = ["“Stay hungry, stay foolish.” — Steve Jobs",
          "“Simplicity is the ultimate sophistication.” — Leonardo da Vinci",
          "“Culture eats strategy for breakfast.” — Peter Drucker",
          "“The best way out is always through.” — Robert Frost"]
PUSHES = ["Black Friday: 40% off everything, buy now! https://shop.example.com",
          "Last chance: 40% off ends tonight, shop now! https://shop.example.com"]
USEFUL = ["Which gift did you love getting as a child? Tell me yours.",
          "We tested three standing desks for a month. The cheapest one won. Which do you use?",
          "Our support team answered 400 questions last week. What should we write a guide on?",
          "I finally fixed the squeaky stairs with talcum powder. Any other old-house tricks?",
          "Ten minutes of reading before bed changed my mornings. What is on your nightstand?"]


class SetRules(Case):
    def calendar(self, entries):
        """entries: (file name, text, platform, date). A new repository each time."""
        self.calendars = getattr(self, "calendars", 0) + 1
        r = self.repo("calendar%d" % self.calendars)
        for name, text, platform, date in entries:
            r.write("posts/" + name, post(text, platform=platform, scheduled=date))
        r.commit()
        return r

    def set_findings(self, r, *args):
        data, _ = r.lint_json("--only", SET_RULES, *args)
        return found(data)

    def test_promo_ratio_fires_on_a_pushy_fortnight_and_not_on_a_balanced_one(self):
        r = self.calendar([("a.md", PUSHES[0], "x", "2026-12-01"),
                           ("b.md", PUSHES[1], "x", "2026-12-02"),
                           ("c.md", USEFUL[0], "x", "2026-12-03")])
        self.assertEqual(self.set_findings(r), [("posts/a.md", "promo-ratio"),
                                                ("posts/b.md", "promo-ratio")])
        entries = [("a.md", PUSHES[0], "x", "2026-12-01")]
        entries += [("u%d.md" % i, t, "x", "2026-12-%02d" % (i + 2)) for i, t in enumerate(USEFUL)]
        self.assertEqual(self.set_findings(self.calendar(entries)), [])
        # the same pushes spread over months are fine: the window is 14 days
        r = self.calendar([("a.md", PUSHES[0], "x", "2026-01-01"),
                           ("b.md", PUSHES[1], "x", "2026-03-01"),
                           ("c.md", USEFUL[0], "x", "2026-05-01")])
        self.assertEqual(self.set_findings(r), [])

    def test_quote_streak_fires_on_three_in_a_row_and_not_when_broken(self):
        entries = [("q%d.md" % i, q, "x", "2026-12-%02d" % (i + 10)) for i, q in enumerate(QUOTES[:3])]
        r = self.calendar(entries)
        self.assertEqual(self.set_findings(r), [("posts/q%d.md" % i, "quote-streak")
                                                for i in range(3)])
        # the same quotes with a post of one's own between them
        entries.append(("own.md", USEFUL[1], "x", "2026-12-11T12:00"))
        self.assertEqual(self.set_findings(self.calendar(entries)), [])

    def test_the_calendar_is_the_project_being_linted_not_every_file_of_the_repo(self):
        # a copy of a post in a test corpus elsewhere in the repository, under no .lintrc
        # or under another team's .lintrc, is not part of the calendar
        text = ("We moved our book club from Thursdays to Sunday mornings and attendance "
                "doubled. What time works best for yours?")
        r = self.repo("projects")
        r.write("blog/.lintrc", 'platform = "x"\n')
        r.write("blog/posts/a.md", post(text, platform="x", scheduled="2026-12-01"))
        r.write("fuzz/corpus/a-copy.md", post(text, platform="linkedin", scheduled="2026-12-01"))
        # a folder outside every project that the tree walk visits before the project's: the
        # walk's answer for one folder must not stand for the next
        r.write("archive/a-copy.md", post(text, platform="linkedin", scheduled="2026-12-01"))
        r.write("other/.lintrc", "this is not lua\n")  # never read: outside the project
        r.write("other/b.md", post(text, platform="linkedin", scheduled="2026-12-01"))
        r.commit()
        data, res = r.lint_json("--only", SET_RULES, "blog", code=0)
        self.assertEqual(found(data), [], res.stderr)
        # inside the project, the same copy is a cross-post
        r.write("blog/posts/b.md", post(text, platform="linkedin", scheduled="2026-12-01"))
        r.commit()
        data, _ = r.lint_json("--only", SET_RULES, "blog/posts/a.md")
        self.assertEqual(found(data), [("blog/posts/a.md", "cross-post-duplicate")])

    def test_cross_post_duplicate_uses_similarity_not_equality(self):
        text = ("We moved our book club from Thursdays to Sunday mornings and attendance "
                "doubled. What time works best for yours?")
        near = text.replace("doubled.", "nearly doubled!").replace("best ", "")
        r = self.calendar([("x.md", text, "x", "2026-12-01"),
                           ("li.md", near, "linkedin", "2026-12-01")])
        self.assertEqual(self.set_findings(r), [("posts/li.md", "cross-post-duplicate"),
                                                ("posts/x.md", "cross-post-duplicate")])
        data, _ = r.lint_json("--only", "cross-post-duplicate")
        self.assertRegex(data["diagnostics"][0]["message"], r"^\d+% the same as ")
        # a different text on the other platform, or the same text on the same platform
        r = self.calendar([("x.md", text, "x", "2026-12-01"),
                           ("li.md", USEFUL[2], "linkedin", "2026-12-01")])
        self.assertEqual(self.set_findings(r), [])
        r = self.calendar([("x.md", text, "x", "2026-12-01"),
                           ("x2.md", near, "x", "2026-12-08")])
        self.assertEqual(self.set_findings(r), [])
        # the threshold is an option: a strict one lets the near-duplicate pass
        r = self.calendar([("x.md", text, "x", "2026-12-01"),
                           ("li.md", near, "linkedin", "2026-12-01")])
        r.write(".lintrc", 'rules = { ["cross-post-duplicate"] = { "warning", threshold = 0.99 } }\n')
        self.assertEqual(self.set_findings(r), [])

    def test_set_rules_report_only_linted_posts_but_see_the_whole_calendar(self):
        entries = [("q%d.md" % i, q, "x", "2026-12-%02d" % (i + 10)) for i, q in enumerate(QUOTES[:2])]
        r = self.calendar(entries)
        self.assertEqual(self.set_findings(r), [])  # two in a row are fine
        # a third quote, staged: the committed two are context, only the new one is reported
        r.write("posts/q2.md", post(QUOTES[2], scheduled="2026-12-12"))
        r.git("add", "-A")
        self.assertEqual(self.set_findings(r, "--staged"), [("posts/q2.md", "quote-streak")])
        # one file named on the command line: the same
        self.assertEqual(self.set_findings(r, "posts/q2.md"), [("posts/q2.md", "quote-streak")])
        # switched off in the post itself, or by the config
        r.write("posts/q2.md", post(QUOTES[2], scheduled="2026-12-12",
                                    extra="lint: { disable: [quote-streak] }\n"))
        self.assertEqual(self.set_findings(r, "posts/q2.md"), [])
        r.write("posts/q2.md", post("<!-- postlint-disable quote-streak -->\n" + QUOTES[2],
                                    scheduled="2026-12-12"))
        self.assertEqual(self.set_findings(r, "posts/q2.md"), [])
        r.write("posts/q2.md", post(QUOTES[2], scheduled="2026-12-12"))
        r.write(".lintrc", 'rules = { ["quote-streak"] = "error" }\n')
        data, _ = r.lint_json("--only", SET_RULES, "posts/q2.md", code=1)
        self.assertEqual([d["severity"] for d in data["diagnostics"]], ["error"])

    def test_staged_the_calendar_is_the_index_the_commit_will_hold(self):
        text = ("We moved our book club from Thursdays to Sunday mornings and attendance "
                "doubled. What time works best for yours?")
        r = self.calendar([("x.md", text, "x", "2026-12-01"),
                           ("li.md", text, "linkedin", "2026-12-01"),
                           # committed, but in a hidden folder: never part of the calendar
                           (".drafts/copy.md", text, "mastodon", "2026-12-01")])
        # x.md edited and staged: the committed li.md is the calendar, a cross-post
        r.write("posts/x.md", post(text + " Tell me below.", platform="x",
                                   scheduled="2026-12-01"))
        r.git("add", "posts/x.md")
        data, _ = r.lint_json("--only", "cross-post-duplicate", "--staged")
        self.assertEqual([d["path"] for d in data["diagnostics"]], ["posts/x.md"])
        self.assertRegex(data["diagnostics"][0]["message"], r"^\d+% the same as li\.md \(linkedin\)")
        # li.md staged for deletion: the commit will not hold it (HEAD's tree still does)
        r.git("rm", "-q", "--cached", "posts/li.md")
        self.assertEqual(self.set_findings(r, "--staged"), [])
        # announced with `git add -N` (an empty entry in the index): the calendar reads past
        # it without an error
        r.git("add", "-N", "posts/li.md")
        self.assertEqual(self.set_findings(r, "--staged"), [])
        # back in the index as committed (so not linted itself): a cross-post again
        r.git("add", "posts/li.md")
        self.assertEqual(self.set_findings(r, "--staged"), [("posts/x.md", "cross-post-duplicate")])

class SetRuleHost(Case):
    """check_set in a plugin: the sandbox, budgets and reporting rules apply."""

    def plugin(self, body):
        r = self.repo()
        r.write("lint/cal/rules/cal-check.lua", """return {
  id = "cal-check", summary = "test", docs = "test",
  check_set = function(posts, ctx)
%s
  end,
  tests = { invalid = { { posts = { "x" }, errors = 1 } } },
}
""" % body)
        r.write(".lintrc", 'plugins = { "./lint/cal" }\n')
        r.write("posts/a.md", GOOD)
        r.write("posts/b.md", GOOD2)
        r.commit()
        return r

    def test_reports_go_to_the_named_post_and_context_posts_are_dropped(self):
        r = self.plugin("""    for _, p in ipairs(posts) do
      ctx:report{ post = p, message = "seen " .. #posts .. " posts, linted " .. tostring(p.linted),
                  first = p.body.first, last = p.body.first }
    end""")
        data, _ = r.lint_json("--only", "cal-check", "posts/b.md")
        self.assertEqual([(d["path"], d["message"], d["line"]) for d in data["diagnostics"]],
                         [("posts/b.md", "seen 2 posts, linted true", 5)])

    def test_a_failing_or_runaway_set_rule_is_a_rule_error_and_exit_2(self):
        for body, words in (('    error("boom")', "boom"),
                            ("    while true do end", "was stopped"),
                            ('    ctx:report{ message = "no post" }', "needs 'post'"),
                            ("    posts[1].text = 'x'", "read-only"),
                            ('    io.open("/etc/passwd")', "io")):
            r = self.plugin(body)
            data, res = r.lint_json("--only", "cal-check")
            self.assertEqual(res.returncode, 2, body)
            errors = [d for d in data["diagnostics"] if d["rule"] == "rule-error"]
            self.assertEqual(len(errors), 1, body)
            self.assertIn("cal-check", errors[0]["message"])
            self.assertIn(words, errors[0]["message"])
            shutil.rmtree(r.path)


class CollectRules(Case):
    """Rules across posts with collect(post, ctx): their data is made in the per-post pass
    (by the worker threads) and check_set reads it from light posts."""

    def plugin(self, collect, check_set, n=12, files=None):
        r = self.repo()
        r.write("lint/cal/rules/cal-collect.lua", """return {
  id = "cal-collect", summary = "test", docs = "test",
  collect = function(post, ctx)
%s
  end,
  check_set = function(posts, ctx)
%s
  end,
}
""" % (collect, check_set))
        r.write(".lintrc", 'plugins = { "./lint/cal" }\n')
        for i in range(n):
            r.write("posts/p%02d.md" % i, post("%s %s" % (USEFUL[i % 5], "word " * i)))
        for name, text in (files or {}).items():
            r.write(name, text)
        r.commit()
        return r

    # raw: bytes that are not UTF-8 (as post:shingles makes), which the cache keeps as they are
    COUNT_WORDS = ("    return { words = #post.words, first = post.body.first,\n"
                   "             raw = string.char(0, 255, 128) .. post.path }",
                   """    local total = 0
    for _, p in ipairs(posts) do
      assert(p.collected.raw == string.char(0, 255, 128) .. p.path, "raw bytes changed")
      total = total + p.collected.words
    end
    for _, p in ipairs(posts) do
      if p.linted then
        ctx:report{ post = p, message = p.path .. ": " .. p.collected.words .. " of " .. total,
                    first = p.collected.first, last = p.collected.first }
      end
    end""")

    def test_check_set_reads_each_posts_collected_data_the_same_with_any_jobs(self):
        r = self.plugin(*self.COUNT_WORDS)
        outs = []
        for jobs in ("1", "2", "4"):
            data, res = r.lint_json("--only", "cal-collect", "--jobs", jobs, code=0)
            outs.append(data)
        self.assertEqual(outs[0], outs[1])
        self.assertEqual(outs[0], outs[2])
        messages = [d["message"] for d in outs[0]["diagnostics"]]
        self.assertEqual(len(messages), 12)
        counts = {}
        for m in messages:
            path, _, rest = m.partition(": ")
            n, _, total = rest.partition(" of ")
            counts[path] = (int(n), int(total))
        self.assertEqual(sorted(counts), ["posts/p%02d.md" % i for i in range(12)])
        total = sum(n for n, _ in counts.values())
        self.assertEqual({t for _, t in counts.values()}, {total})
        # each post's own data: p05 repeats p00's text with five more words
        self.assertEqual(counts["posts/p05.md"][0] - counts["posts/p00.md"][0], 5)
        self.assertEqual(counts["posts/p11.md"][0] - counts["posts/p01.md"][0], 10)
        self.assertEqual(outs[0]["diagnostics"][3]["line"], 5)  # the body's first line
        # one post linted: the others are context, collected from HEAD, not reported
        data, _ = r.lint_json("--only", "cal-collect", "posts/p05.md", code=0)
        self.assertEqual([d["message"] for d in data["diagnostics"]],
                         ["posts/p05.md: %d of %d" % (counts["posts/p05.md"][0], total)])
        # the cache keeps collected data: a second run reads it and says the same
        first, _ = r.lint_json("--only", "cal-collect", "--cache")
        second, res = r.lint_json("--only", "cal-collect", "--cache", "--verbose")
        self.assertEqual(first, outs[0])
        self.assertEqual(second, outs[0])
        self.assertIn("cache: 12 reused", res.stderr)
        # one post linted and the others context: the second run answers the context from
        # the pack of light posts, raw bytes and all (check_set asserts them)
        expected = ["posts/p05.md: %d of %d" % (counts["posts/p05.md"][0], total)]
        for _ in range(2):
            data, res = r.lint_json("--only", "cal-collect", "posts/p05.md", "--cache", code=0)
            self.assertEqual([d["message"] for d in data["diagnostics"]], expected, res.stderr)
        self.assertTrue(os.path.isfile(os.path.join(r.path, ".git", "postlint", "cache",
                                                    "light.pack")))

    @staticmethod
    def timing(stderr):
        """{row: calls} of the POSTLINT_TIMING table."""
        rows = {}
        for line in stderr.splitlines():
            m = re.match(r"^(.*?)\s+[\d.]+\s+(\d+)\s+[\d.]+%$", line)
            if m:
                rows[m.group(1)] = int(m.group(2))
        return rows

    def test_timing_shows_each_post_read_once_and_collect_only_when_wanted(self):
        r = self.plugin(*self.COUNT_WORDS, n=6)
        res = r.lint("--jobs", "1", env={"POSTLINT_TIMING": "1"})
        rows = self.timing(res.stderr)
        self.assertIn("rule (or step)", res.stderr)
        # read once for the lint and the calendar both (reading the calendar again was
        # the old way), collected once per post, judged once
        self.assertEqual(rows["(host: read files)"], 6, res.stderr)
        self.assertEqual(rows["cal-collect (collect)"], 6)
        self.assertEqual(rows["cal-collect"], 1)
        self.assertEqual(rows["declare-goal"], 6)
        # rules across posts off for the run: nothing collected, the calendar not read
        res = r.lint("--jobs", "1", "--only", "declare-goal", env={"POSTLINT_TIMING": "1"})
        rows = self.timing(res.stderr)
        self.assertEqual(rows["(host: read files)"], 6, res.stderr)
        self.assertNotIn("cal-collect (collect)", rows)
        self.assertNotIn("cal-collect", rows)
        # without the variable, no table
        self.assertNotIn("rule (or step)", r.lint("--jobs", "1").stderr)

    def test_light_posts_say_to_use_collect_for_the_text(self):
        r = self.plugin("    return true", "    local n = #posts[1].words")
        data, res = r.lint_json("--only", "cal-collect", code=2)
        errors = [d["message"] for d in data["diagnostics"] if d["rule"] == "rule-error"]
        self.assertEqual(len(errors), 1, res.stderr)
        self.assertIn("post.words is not available in check_set of a rule with collect", errors[0])

    def test_collect_errors_are_rule_errors_on_the_post_or_once_for_context(self):
        r = self.plugin('    if post.path:find("p03") then error("bad post") end\n    return 1',
                        "    return")
        data, res = r.lint_json("--only", "cal-collect", code=2)
        errors = [(d["path"], d["message"]) for d in data["diagnostics"]
                  if d["rule"] == "rule-error"]
        self.assertEqual(len(errors), 1, res.stderr)
        self.assertEqual(errors[0][0], "posts/p03.md")
        self.assertIn("failed in collect", errors[0][1])
        self.assertIn("bad post", errors[0][1])
        # the failing post as context: one error, on the first linted post, naming it
        data, res = r.lint_json("--only", "cal-collect", "posts/p07.md", code=2)
        errors = [(d["path"], d["message"]) for d in data["diagnostics"]
                  if d["rule"] == "rule-error"]
        self.assertEqual(len(errors), 1, res.stderr)
        self.assertEqual(errors[0][0], "posts/p07.md")
        self.assertIn("on 1 other post (first: posts/p03.md)", errors[0][1])
        # runaway collect and oversized data are stopped the same way
        for collect, words in (("    while true do end", "instruction budget exceeded"),
                               ('    return string.rep("x", 100000)', "at most 64 KB"),
                               # a table nested in itself 8 times over, 12 times: 8^12
                               # values if converted whole (it ran until the watchdog)
                               ("    local t = { 1 }\n    for i = 1, 12 do t = { t, t, t, t, t, "
                                "t, t, t } end\n    return t", "at most 64 KB"),
                               ("    return function() end", "not plain data")):
            shutil.rmtree(r.path)
            r = self.plugin(collect, "    return", n=2)
            data, res = r.lint_json("--only", "cal-collect", code=2)
            errors = [d["message"] for d in data["diagnostics"] if d["rule"] == "rule-error"]
            self.assertEqual(len(errors), 2, res.stderr)
            self.assertIn(words, errors[0])

    def test_dated_tells_which_posts_have_data_whole_or_when_asked(self):
        # lint.dated's third list, in check_set of a rule with collect: whether each dated
        # post's post.collected is neither nil nor false. Made whole when many posts are
        # linted, answered when asked when few are (one of twelve); the same answers, for the
        # posts as dated even after the rule reorders its list.
        collect = ('    local n = tonumber(post.path:match("d(%d+)"))\n'
                   '    return ({ nil, false, true, { 1 }, 0, "" })[n % 6 + 1]')
        check_set = """    local dated, linted, data = lint.dated(posts)
    local expect = {}
    for k, p in ipairs(dated) do expect[k] = p.collected ~= nil and p.collected ~= false end
    for i = 1, #dated // 2 do
      dated[i], dated[#dated + 1 - i] = dated[#dated + 1 - i], dated[i]
    end
    local flags = {}
    for k = 1, #expect do
      assert(data[k] == expect[k], "post " .. k)
      flags[k] = data[k] and "1" or "0"
    end
    assert(data[0] == nil and data[#expect + 1] == nil and data.x == nil, "outside the list")
    for _, k in ipairs(linted) do
      ctx:report{ post = dated[#dated + 1 - k], message = table.concat(flags) }
    end"""
        files = {"posts/d%02d.md" % i: post("%s %s" % (USEFUL[i % 5], "word " * i),
                                              scheduled="2026-12-%02d" % (12 - i))
                 for i in range(12)}  # (dated: d11 first, against the order of the paths)
        # a rule without collect gets the two lists alone
        files["lint/cal/rules/cal-plain.lua"] = """return {
  id = "cal-plain", summary = "test", docs = "test",
  check_set = function(posts, ctx)
    local n = select("#", lint.dated(posts))
    for _, p in ipairs(posts) do
      if p.linted then ctx:report{ post = p, message = "values " .. n } end
    end
  end,
}
"""
        r = self.plugin(collect, check_set, n=0, files=files)
        data, res = r.lint_json("--only", "cal-collect,cal-plain", code=0)
        messages = sorted((d["path"], d["rule"], d["message"]) for d in data["diagnostics"])
        self.assertEqual(messages, sorted(
            [("posts/d%02d.md" % i, "cal-collect", "111100111100") for i in range(12)] +
            [("posts/d%02d.md" % i, "cal-plain", "values 2") for i in range(12)]), res.stderr)
        for args in (("posts/d05.md",), ("posts/d05.md", "--cache"), ("posts/d05.md", "--cache")):
            data, res = r.lint_json("--only", "cal-collect", *args, code=0)
            self.assertEqual([(d["path"], d["message"]) for d in data["diagnostics"]],
                             [("posts/d05.md", "111100111100")], res.stderr)

    # 60 KB a post, each post's own: what one collect may return, kept for every post
    BIG_COLLECT = ('    return string.rep("x", 60000) .. post.path',
                   """    for _, p in ipairs(posts) do
      if p.linted then ctx:report{ post = p, message = "judged " .. #p.collected } end
    end""")
    # a rule keeps at most the memory limit and 2 KB a post of collected data over a run
    SMALL_MEMORY = 'plugins = { "./lint/cal" }\nlimits = { memory_mb = 8 }\n'

    def test_a_rule_that_collects_too_much_over_the_run_is_stopped_once(self):
        # 130 posts: 7.6 MB of data, under 8 MB and 260 KB: judged
        r = self.plugin(*self.BIG_COLLECT, n=130)
        r.write(".lintrc", self.SMALL_MEMORY)
        r.commit()
        data, res = r.lint_json("--only", "cal-collect", code=0)
        self.assertEqual(len(found(data, "cal-collect")), 130, res.stderr)
        # 150 posts: 8,791 KB, over 8 MB and 300 KB (8,492 KB): one rule-error, on the first
        # post, and no check_set - the same for every --jobs, and from the cache
        for i in range(130, 150):
            r.write("posts/p%03d.md" % i, post("%s %s" % (USEFUL[i % 5], "word " * i)))
        r.commit()
        outs = []
        for args in (("--jobs", "1"), ("--jobs", "2"), ("--jobs", "3"), ("--cache",),
                     ("--cache", "--verbose")):
            data, res = r.lint_json("--only", "cal-collect", *args, code=2)
            errors = [(d["path"], d["message"]) for d in data["diagnostics"]
                      if d["rule"] == "rule-error"]
            self.assertEqual(len(errors), 1, res.stderr)
            self.assertEqual(errors[0][0], "posts/p00.md")
            self.assertIn("rule 'cal-collect' was stopped across 150 posts: its collect returned "
                          "8791 KB of data in all, more than the 8492 KB a rule may keep",
                          errors[0][1])
            self.assertEqual(found(data, "cal-collect"), [])
            outs.append(data)
        self.assertIn("cache: 150 reused", res.stderr)
        for data in outs[1:]:
            self.assertEqual(data, outs[0])
        # one post linted, the others context: collected anew (no cache yet), then from the
        # pack, which keeps no post whose data was dropped (it would answer with less than the
        # post has, and the rule would judge a calendar with holes in it)
        shutil.rmtree(os.path.join(r.path, ".git", "postlint"))
        for _ in range(3):
            data, res = r.lint_json("--only", "cal-collect", "posts/p77.md", "--cache", code=2)
            errors = [(d["path"], d["message"]) for d in data["diagnostics"]
                      if d["rule"] == "rule-error"]
            self.assertEqual(len(errors), 1, res.stderr)
            self.assertEqual(errors[0][0], "posts/p77.md")
            self.assertIn("8791 KB of data in all", errors[0][1])
        # the fix modes collect from whole posts in the calendar itself: the same bound
        data, res = r.lint_json("--only", "cal-collect", "--fix-dry-run", code=2)
        errors = [d["message"] for d in data["diagnostics"] if d["rule"] == "rule-error"]
        self.assertEqual(len(errors), 1, res.stderr)
        self.assertIn("8791 KB of data in all", errors[0])

    def test_what_a_rule_collects_over_the_run_is_held_within_its_bound(self):
        # 1,500 posts of 60 KB: 88 MB collected, of which the rule may keep 11 MB. The rest
        # is dropped as it comes (the whole of it was held: 100 MB peak)
        r = self.plugin(*self.BIG_COLLECT, n=1500)
        r.write(".lintrc", self.SMALL_MEMORY)
        r.commit()
        # (--cache twice: the second run reads every post's 60 KB from its cache entry)
        for args in (("--jobs", "1"), ("--jobs", "2"), ("--cache",), ("--cache",)):
            res, _, rss = harness.run_measured([POSTLINT, "--format", "json", "--only",
                                                "cal-collect", *args], r.path, r.env)
            self.assertEqual(res.returncode, 2, res.stderr)
            errors = [d["message"] for d in json.loads(res.stdout)["diagnostics"]
                      if d["rule"] == "rule-error"]
            self.assertEqual(len(errors), 1)
            self.assertIn("more than the 11192 KB a rule may keep", errors[0])
            if not harness.sanitized(POSTLINT):  # (AddressSanitizer holds freed memory)
                self.assertLess(rss, 50 << 20, "peak RSS %d MB" % (rss >> 20))

    def test_more_findings_than_the_per_post_cap_in_one_calendar(self):
        # the cap of 1000 reports is per post: a calendar of 1,100 quotes in a row is 1,100
        # findings (a cap per rule call dropped the last 100 without a word)
        r = self.repo()
        for i in range(1100):
            r.write("posts/q%04d.md" % i,
                    post(QUOTES[i % 4], scheduled="2026-%02d-%02d" % (1 + i // 28 % 12,
                                                                       1 + i % 28)))
        r.commit()
        data, res = r.lint_json("--only", "quote-streak")
        self.assertEqual(len(found(data, "quote-streak")), 1100, res.stderr)


class Cache(Case):
    def test_cached_posts_with_comments_take_findings_of_rules_across_posts(self):
        # a post answered from the cache has no Markdown structure computed; merging the
        # cross-post findings reads its comments (switches), which crashed (exit 139)
        r = self.repo()
        text = ("We moved our book club from Thursdays to Sunday mornings and attendance "
                "doubled. <!-- a note -->\nWhat time of day works best for yours?")
        r.write("posts/x.md", post(text, platform="x"))
        r.write("posts/li.md", post(text, platform="linkedin"))
        r.commit()
        first, _ = r.lint_json("--cache", "posts")
        second, res = r.lint_json("--cache", "posts")
        self.assertEqual(second, first, res.stderr)
        self.assertEqual(found(second, "cross-post-duplicate"),
                         [("posts/li.md", "cross-post-duplicate"),
                          ("posts/x.md", "cross-post-duplicate")])

    def test_second_run_reuses_results_and_changes_invalidate_them(self):
        r = self.repo()
        rules = os.path.join(self.tmp, "rules")
        shutil.copytree(os.path.join(ROOT, "rules"), rules)
        r.write(".lintrc", LINTRC)
        for i, t in enumerate([BAD, GOOD, GOOD2]):
            r.write("posts/p%d.md" % i, t)
        r.write("posts/q0.md", post(QUOTES[0], scheduled="2026-12-01"))
        r.write("posts/q1.md", post(QUOTES[1], scheduled="2026-12-02"))
        r.write("posts/q2.md", post(QUOTES[2], scheduled="2026-12-03"))
        r.commit()
        args = ["--cache", "--verbose", "--rules-dir", rules, "--format", "json"]
        first = r.lint(*args)
        self.assertIn("cache: 0 reused, 6 linted", first.stderr)
        cache = os.path.join(r.path, ".git", "postlint", "cache")
        entries = cache_entries(cache)
        self.assertEqual(len(entries), 6)
        self.assertTrue(all("/" in e for e in entries), entries)
        # no pack of light posts: every post was linted, none was only context
        self.assertFalse(os.path.exists(os.path.join(cache, "light.pack")))
        second = r.lint(*args)
        self.assertIn("cache: 6 reused, 0 linted", second.stderr)
        self.assertEqual(first.stdout, second.stdout)
        self.assertEqual(first.returncode, second.returncode)
        # set rules are recomputed: the streak is there on the cached run too
        self.assertIn(("posts/q2.md", "quote-streak"), found(json.loads(second.stdout)))
        # one post changed: one linted
        r.write("posts/p1.md", GOOD2 + "\nOne more line of my own.\n")
        self.assertIn("cache: 5 reused, 1 linted", r.lint(*args).stderr)
        # the config changed: everything again
        r.write(".lintrc", LINTRC + "-- a comment\n")
        self.assertIn("cache: 0 reused, 6 linted", r.lint(*args).stderr)
        # a rule changed: everything again, with the new rule's words
        path = os.path.join(rules, "no-sales-push.lua")
        with open(path) as f:
            src = f.read()
        with open(path, "w") as f:
            f.write(src.replace('"Pure sales push (', '"Pure push (', 1))
        third = r.lint(*args)
        self.assertIn("cache: 0 reused, 6 linted", third.stderr)
        self.assertIn("Pure push (", third.stdout)
        # a change in a rule library (lib/) counts as a rule change
        with open(os.path.join(rules, "lib", "edit.lua"), "a") as f:
            f.write("-- touched\n")
        self.assertIn("cache: 0 reused, 6 linted", r.lint(*args).stderr)


    def test_another_build_of_postlint_does_not_reuse_the_results(self):
        # findings follow postlint's code in C (the tokenizer, the analyses) as much as the
        # rules: a cache written by one build must not answer for another, though the version
        # string and every rule are the same. The other build here is a copy whose build ID
        # (the linker's hash of the binary, which the cache keys mix in) differs by a byte.
        r = self.repo()
        for i, t in enumerate([BAD, GOOD, GOOD2]):
            r.write("posts/p%d.md" % i, t)
        r.commit()
        notes = subprocess.run(["readelf", "-n", POSTLINT], capture_output=True, text=True)
        build = re.search(r"Build ID: ([0-9a-f]+)", notes.stdout)
        self.assertIsNotNone(build, notes.stdout + notes.stderr)
        with open(POSTLINT, "rb") as f:
            binary = bytearray(f.read())
        at = binary.find(bytes.fromhex(build.group(1)))
        self.assertGreater(at, 0)
        binary[at] ^= 0xFF
        other = os.path.join(self.tmp, "postlint-other-build")
        with open(other, "wb") as f:
            f.write(binary)
        os.chmod(other, 0o755)
        args = ["--cache", "--verbose", "--format", "json", "posts"]

        def lint_with(binary_path):
            return subprocess.run([binary_path, *args], cwd=r.path, capture_output=True,
                                  text=True, env=r.env, timeout=120)
        first = lint_with(POSTLINT)
        self.assertIn("cache: 0 reused, 3 linted", first.stderr)
        self.assertIn("cache: 3 reused, 0 linted", lint_with(POSTLINT).stderr)
        by_other = lint_with(other)
        self.assertIn("cache: 0 reused, 3 linted", by_other.stderr)
        self.assertEqual(by_other.stdout, first.stdout)  # (the same code, in fact)
        self.assertIn("cache: 3 reused, 0 linted", lint_with(other).stderr)

    def test_the_calendars_findings_are_reused_and_follow_every_post(self):
        # --cache keeps the findings of the rules across posts per calendar, keyed by every
        # post's entry: a second run does not run those rules, and any post, linted or only
        # context, that changes makes them run again
        r = self.repo()
        r.write("posts/x.md", GOOD)
        r.write("posts/li.md", GOOD.replace("platform: x", "platform: linkedin"))
        for i in range(3):
            r.write("posts/q%d.md" % i, post(QUOTES[i], scheduled="2026-12-%02d" % (i + 1)))
        r.write("posts/p.md", GOOD2)
        r.commit()
        cache = os.path.join(r.path, ".git", "postlint", "cache")

        def both(*args):
            plain, _ = r.lint_json(*args)
            res = r.lint("--cache", "--format", "json", *args, env={"POSTLINT_TIMING": "1"})
            return plain, json.loads(res.stdout), CollectRules.timing(res.stderr)

        plain, first, rows = both("posts")
        self.assertEqual(first, plain)
        self.assertIn(("posts/li.md", "cross-post-duplicate"), found(plain))
        self.assertIn(("posts/q2.md", "quote-streak"), found(plain))
        self.assertIn("cross-post-duplicate", rows)
        calendars = os.listdir(os.path.join(cache, "calendars"))
        self.assertEqual(len(calendars), 1)
        # unchanged: the same findings, and the rules across posts did not run
        plain, second, rows = both("posts")
        self.assertEqual(second, plain)
        self.assertNotIn("cross-post-duplicate", rows)
        self.assertNotIn("quote-streak", rows)
        # a linted post changed: the near-duplicate is gone from both posts
        r.write("posts/li.md", GOOD2.replace("platform: x", "platform: linkedin"))
        plain, third, rows = both("posts")
        self.assertEqual(third, plain)
        self.assertNotIn(("posts/x.md", "cross-post-duplicate"), found(third))
        self.assertIn("cross-post-duplicate", rows)
        # a post that is only context (the commit's calendar) changed: judged again
        r.write("posts/li.md", GOOD.replace("platform: x", "platform: linkedin"))  # as committed
        r.write("posts/x.md", GOOD + "\nOne more line of mine.\n")
        r.git("add", "posts/x.md")
        plain, fourth, rows = both("--staged")
        self.assertEqual(fourth, plain)
        self.assertIn(("posts/x.md", "cross-post-duplicate"), found(fourth))
        plain, fifth, rows = both("--staged")
        self.assertEqual(fifth, plain)
        self.assertNotIn("cross-post-duplicate", rows)
        r.git("reset", "-q")
        r.write("posts/li.md", GOOD2.replace("platform: x", "platform: linkedin"))
        r.git("add", "posts/li.md")
        r.git("commit", "-qm", "li rewritten")
        r.git("add", "posts/x.md")
        plain, sixth, rows = both("--staged")
        self.assertEqual(sixth, plain)
        self.assertNotIn(("posts/x.md", "cross-post-duplicate"), found(sixth))
        # a damaged entry is not used: the rules run, and the output is right
        for e in os.listdir(os.path.join(cache, "calendars")):
            path = os.path.join(cache, "calendars", e)
            with open(path, "r+b") as f:
                f.truncate(os.path.getsize(path) // 2)
        plain, seventh, rows = both("--staged")
        self.assertEqual(seventh, plain)

    def test_only_the_newest_calendars_are_kept(self):
        # a calendar entry is written whenever the calendar changed; only the newest eight
        # stay, and the one in use is among them
        r = self.repo()
        r.write("posts/x.md", GOOD)
        r.write("posts/li.md", GOOD.replace("platform: x", "platform: linkedin"))
        r.commit()
        cache = os.path.join(r.path, ".git", "postlint", "cache")
        for i in range(11):
            r.write("posts/p.md", post("Note %d. What would you add to it?" % i))
            r.lint_json("--cache", "posts")
        self.assertEqual(len(os.listdir(os.path.join(cache, "calendars"))), 8)
        res = r.lint("--cache", "--format", "json", "posts", env={"POSTLINT_TIMING": "1"})
        self.assertNotIn("cross-post-duplicate", CollectRules.timing(res.stderr))

    def three_posts(self):
        """A repository of three posts, two of them one text cross-posted, and its cache."""
        r = self.repo()
        r.write("posts/x.md", GOOD)
        r.write("posts/li.md", GOOD.replace("platform: x", "platform: linkedin"))
        r.write("posts/p.md", post("Note 0. What would you add to it?"))
        r.commit()
        return r, os.path.join(r.path, ".git", "postlint", "cache")

    def test_per_post_entries_are_pruned_least_recently_used_first(self):
        # every version of a post leaves an entry; past the limit (POSTLINT_CACHE_ENTRIES,
        # never under four times the run's posts) the folder is pruned to half of it, the
        # least recently used first and never an entry the run used
        r, cache = self.three_posts()
        env = {"POSTLINT_CACHE_ENTRIES": "8"}  # the run's three posts make it 12

        def entries():
            return cache_entries(cache)

        def run():
            res = r.lint("--cache", "--verbose", "--format", "json", "posts", env=env)
            return json.loads(res.stdout), res.stderr

        run()
        first = entries()
        self.assertEqual(len(first), 3)
        # an entry the runs keep using, last used two days ago: the next run that reuses
        # it marks it used now (an entry less than a day old is not touched)
        old = time.time() - 2 * 86400
        for e in first:
            os.utime(os.path.join(cache, e), (old, old))
        data, err = run()
        self.assertIn("cache: 3 reused, 0 linted", err)
        used_now = [e for e in first if os.path.getmtime(os.path.join(cache, e)) > old + 86400]
        self.assertEqual(used_now, first)
        sizes = []
        for i in range(1, 11):
            r.write("posts/p.md", post("Note %d. What would you add to it?" % i))
            data, err = run()
            self.assertIn("cache: 2 reused, 1 linted", err)
            sizes.append(len(entries()))
        # 13 entries written in all: the twelfth was the last kept, the thirteenth pruned
        # down to six, then four more
        self.assertEqual(sizes, [4, 5, 6, 7, 8, 9, 10, 11, 12, 6])
        with open(os.path.join(cache, "entries.count")) as f:
            self.assertEqual(f.read(), "6\n")
        # what the run used survived, and is reused
        plain, _ = r.lint_json("posts")
        data, err = run()
        self.assertIn("cache: 3 reused, 0 linted", err)
        self.assertEqual(data, plain)
        # a cache filled before the count existed (or with its count damaged) is counted
        # and pruned by the next run that writes; a temporary file a killed run left an
        # hour ago goes too, one being written now stays
        # (entries of earlier postlints, in the folder itself, go the same way)
        stale = []
        os.makedirs(os.path.join(cache, "00"), exist_ok=True)
        for k in range(30):
            name = ["00/%032x.bin", "%032x.json", "%032x.bin"][k % 3] % k
            with open(os.path.join(cache, name), "w") as f:
                f.write("{}")
            os.utime(os.path.join(cache, name), (old, old))
            stale.append(name)
        self.assertEqual(len(set(stale) & set(entries())), 30)
        left = os.path.join(cache, "00", "%032x.bin.4242.tmp" % 99)
        left_top = os.path.join(cache, "%032x.json.4141.tmp" % 97)
        fresh = os.path.join(cache, "00", "%032x.bin.4343.tmp" % 98)
        for name in (left, left_top, fresh):
            with open(name, "w") as f:
                f.write("{")
        os.utime(left, (old, old))
        os.utime(left_top, (old, old))
        with open(os.path.join(cache, "entries.count"), "w") as f:
            f.write("not a number")
        r.write("posts/p.md", post("Note 11. What would you add to it?"))
        data, err = run()
        self.assertIn("cache: 2 reused, 1 linted", err)
        self.assertEqual(len(entries()), 6)
        self.assertFalse(set(stale) & set(entries()))
        self.assertFalse(os.path.exists(left))
        self.assertFalse(os.path.exists(left_top))
        self.assertTrue(os.path.exists(fresh))
        data, err = run()
        self.assertIn("cache: 3 reused, 0 linted", err)

    def hook_repo(self):
        """A calendar with a quote streak and a cross-post, and a staged quote that extends
        the streak: the pre-commit case, where every other post is context."""
        r = self.repo()
        for i in range(8):
            r.write("posts/q%d.md" % i, post(QUOTES[i % 4], scheduled="2026-12-%02d" % (i + 1)))
        r.write("posts/x.md", GOOD)
        r.write("posts/li.md", GOOD.replace("platform: x", "platform: linkedin"))
        # a post rules cannot see (its front matter is broken): the pack keeps that too
        r.write("posts/broken.md", "---\nplatform: [x\n---\nHello there\n")
        r.commit()
        r.write("posts/q8.md", post(QUOTES[0], scheduled="2026-12-09"))
        r.git("add", "posts/q8.md")
        return r

    def hook_run(self, r):
        res = r.lint("--staged", "--cache", "--format", "json",
                     env={"POSTLINT_TIMING": "1"})
        return json.loads(res.stdout), CollectRules.timing(res.stderr).get(
            "(host: read git blobs)", 0), res

    def test_hook_answers_context_posts_from_the_pack_without_reading_them(self):
        r = self.hook_repo()
        plain, _ = r.lint_json("--staged")
        self.assertIn(("posts/q8.md", "quote-streak"), found(plain))
        # the first run reads the eleven context posts from git and keeps them in the pack
        first, reads, res = self.hook_run(r)
        self.assertEqual(reads, 11, res.stderr)
        self.assertEqual(first, plain)
        pack = os.path.join(r.path, ".git", "postlint", "cache", "light.pack")
        self.assertTrue(os.path.isfile(pack))
        # the next reads none of them, and says the same
        second, reads, res = self.hook_run(r)
        self.assertEqual(reads, 0, res.stderr)
        self.assertEqual(second, plain)
        # a context post changed in a new commit: that one is read again
        r.git("reset", "-q")
        r.write("posts/q3.md", post(QUOTES[2], scheduled="2026-12-04"))
        r.git("add", "posts/q3.md")
        r.git("commit", "-qm", "q3")
        r.git("add", "posts/q8.md")
        plain, _ = r.lint_json("--staged")
        third, reads, res = self.hook_run(r)
        self.assertEqual(reads, 1, res.stderr)
        self.assertEqual(third, plain)

    def test_a_large_run_keeps_its_entries_in_one_pack(self):
        # from 256 posts to lint, a run keeps its entries in one file, entries.pack, not in
        # a file each (creating 10,000 files cost a cold run 0.3-1 s); a smaller run writes
        # single files; each finds the other's, and a damaged record costs its post a lint
        r = self.repo()
        for i in range(300):
            r.write("posts/p%03d.md" % i, post("Note %d. What would you add to it?" % i))
        r.commit()
        cache = os.path.join(r.path, ".git", "postlint", "cache")
        pack = os.path.join(cache, "entries.pack")
        args = ("--cache", "--verbose", "--format", "json")

        def run(*more, reused, linted):
            res = r.lint(*args, *more)
            self.assertIn("cache: %d reused, %d linted" % (reused, linted), res.stderr)
            return json.loads(res.stdout)

        plain, _ = r.lint_json()
        self.assertEqual(run(reused=0, linted=300), plain)
        self.assertTrue(os.path.isfile(pack))
        self.assertEqual(cache_entries(cache), [])
        self.assertEqual(run(reused=300, linted=0), plain)
        # one post changed and linted alone (the others are its calendar, from the pack):
        # its entry is a file, which a large run finds
        r.write("posts/p007.md", post("Note seven, rewritten. What would you add to it?"))
        run("posts/p007.md", reused=299, linted=1)
        self.assertEqual(len(cache_entries(cache)), 1)
        plain, _ = r.lint_json()
        self.assertEqual(run(reused=300, linted=0), plain)
        # a small run reads its calendar from the pack and the file, and lints its own
        # post again (cheaper than loading the pack's index to look for one)
        run("posts/p001.md", reused=299, linted=1)
        # one byte of a record changed: that post is linted again, its record replaced
        with open(pack, "r+b") as f:
            data = f.read()
            count = struct.unpack_from("<Q", data, 24)[0]
            payloads = 32 + 32 * count
            f.seek(payloads + (len(data) - payloads) // 2)
            f.write(bytes([data[payloads + (len(data) - payloads) // 2] ^ 0x20]))
        self.assertEqual(run(reused=299, linted=1), plain)
        self.assertEqual(run(reused=300, linted=0), plain)
        # a record whose checksums hold but whose entry does not fit (flags no postlint
        # writes): linted again, and the new record replaces it in the pack
        with open(pack, "r+b") as f:
            data = bytearray(f.read())
            at = 32 + 32 * 5
            off, length = struct.unpack_from("<II", data, at + 16)
            start = 32 + 32 * count + off
            flags, lang, collected, findings = read_entry(bytes(data[start:start + length]))
            spoiled = make_entry(flags | 8, lang, collected, findings)
            self.assertEqual(len(spoiled), length)
            data[start:start + length] = spoiled
            struct.pack_into("<I", data, at + 28, checksum32(spoiled))
            f.seek(0)
            f.write(data)
        self.assertEqual(run(reused=299, linted=1), plain)
        self.assertEqual(run(reused=300, linted=0), plain)

    def test_a_cold_hook_runs_the_rules_of_one_post_on_the_staged_post_alone(self):
        # the hook after an upgrade or an edit of a rule reads every context post anew: it
        # collects from them and keeps them in the pack, but runs the rules of one post on
        # the staged post alone and writes that post's entry only (linting every context
        # post whole to store its entry took the hook 1.74 s instead of 0.37 s at 10,000)
        r = self.hook_repo()
        plain, _ = r.lint_json("--staged")
        first, reads, res = self.hook_run(r)
        self.assertEqual(first, plain)
        self.assertEqual(reads, 11, res.stderr)
        rows = CollectRules.timing(res.stderr)
        self.assertEqual(rows.get("invite-conversation"), 1, res.stderr)
        self.assertEqual(rows.get("quote-streak (collect)"), 11, res.stderr)
        cache = os.path.join(r.path, ".git", "postlint", "cache")
        self.assertEqual(len(cache_entries(cache)), 1)
        # the next commit's hook reads nothing and says the same
        second, reads, res = self.hook_run(r)
        self.assertEqual((second, reads), (plain, 0), res.stderr)
        # a run over the repository lints the posts the hook only collected from, and
        # stores them: the one after it reuses them all
        whole, _ = r.lint_json()
        args = ("--cache", "--verbose", "--format", "json")
        res = r.lint(*args)
        self.assertIn("cache: 1 reused, 11 linted", res.stderr)
        self.assertEqual(json.loads(res.stdout), whole)
        res = r.lint(*args)
        self.assertIn("cache: 12 reused, 0 linted", res.stderr)
        self.assertEqual(json.loads(res.stdout), whole)

    def test_hook_finds_a_cross_post_among_context_posts_from_the_pack(self):
        # cross-post-duplicate reads the context posts' shingles where the pack keeps them
        # (lint.nearest_posts), not from Lua copies: the same finding from git and from the pack
        r = self.hook_repo()
        r.write("posts/m.md", GOOD.replace("platform: x", "platform: mastodon"))
        r.git("add", "posts/m.md")
        plain, _ = r.lint_json("--staged")
        self.assertIn(("posts/m.md", "cross-post-duplicate"), found(plain))
        first, reads, res = self.hook_run(r)
        self.assertEqual(first, plain, res.stderr)
        second, reads, res = self.hook_run(r)
        self.assertEqual(reads, 0, res.stderr)
        self.assertEqual(second, plain)

    def test_a_retried_commit_makes_no_light_posts(self):
        # the calendar is keyed by its posts' entries: a retried commit's (the same staged
        # post, `pre-commit run` then `git commit`) comes from the cache without the pack's
        # light posts being made; a new commit's calendar makes them and runs the rules
        r = self.hook_repo()
        light = "(host: calendar, light posts)"
        first, reads, res = self.hook_run(r)
        self.assertEqual(reads, 11, res.stderr)
        self.assertNotIn(light, CollectRules.timing(res.stderr))  # none in the pack yet
        r.write("posts/q8.md", post(QUOTES[0] + " Still true.", scheduled="2026-12-09"))
        r.git("add", "posts/q8.md")
        plain, _ = r.lint_json("--staged")
        self.assertIn(("posts/q8.md", "quote-streak"), found(plain))
        new, reads, res = self.hook_run(r)
        rows = CollectRules.timing(res.stderr)
        self.assertEqual((new, reads), (plain, 0), res.stderr)
        self.assertEqual(rows.get(light), 1, res.stderr)
        self.assertIn("quote-streak", rows)
        retried, reads, res = self.hook_run(r)
        rows = CollectRules.timing(res.stderr)
        self.assertEqual((retried, reads), (plain, 0), res.stderr)
        self.assertNotIn(light, rows, res.stderr)
        self.assertNotIn("quote-streak", rows, res.stderr)

    def test_a_light_post_damaged_past_its_checksum_is_read_from_git_when_judged(self):
        # a record whose checksum holds but whose light post cannot be made (its language's
        # length spoiled, the checksum made anew): found by the key, and only when the
        # calendar is judged does it turn out unusable - then that post is read from git
        # and collected, with the same findings, and kept anew
        r = self.hook_repo()
        self.hook_run(r)
        pack = os.path.join(r.path, ".git", "postlint", "cache", "light.pack")
        with open(pack, "rb") as f:
            data = bytearray(f.read())
        count = struct.unpack_from("<Q", data, 24)[0]
        payloads = 32 + 32 * count
        spoiled = 0
        for i in range(count):
            at = 32 + 32 * i
            off, length = struct.unpack_from("<II", data, at + 16)
            start = payloads + off
            # (the checksum here is the pack's: else the record would fail when found)
            check = struct.unpack_from("<I", data, at + 28)[0]
            self.assertEqual(checksum32(bytes(data[start:start + length])), check)
            if length > 2 and data[start] == 1:  # a post rules see: flags, language, ...
                data[start + 1] = 0x7f
                struct.pack_into("<I", data, at + 28,
                                 checksum32(bytes(data[start:start + length])))
                spoiled += 1
                break
        self.assertEqual(spoiled, 1)
        with open(pack, "wb") as f:
            f.write(data)
        # a new commit: the calendar is judged, the spoiled post read from git
        r.write("posts/q8.md", post(QUOTES[0] + " Still true.", scheduled="2026-12-09"))
        r.git("add", "posts/q8.md")
        plain, _ = r.lint_json("--staged")
        data, reads, res = self.hook_run(r)
        self.assertEqual((data, reads), (plain, 1), res.stderr)
        self.assertEqual(res.stderr.count("postlint:"), 0, res.stderr)
        # kept anew: a second new commit reads nothing
        r.write("posts/q8.md", post(QUOTES[0] + " Still.", scheduled="2026-12-09"))
        r.git("add", "posts/q8.md")
        plain, _ = r.lint_json("--staged")
        data, reads, res = self.hook_run(r)
        self.assertEqual((data, reads), (plain, 0), res.stderr)

    def test_an_entry_is_binary_and_a_damaged_one_costs_its_post_a_lint(self):
        # an entry is the host's binary form with a checksum: its flags, the post's language,
        # the data the rules across posts collected (post:shingles' bytes among it), then the
        # findings. Any changed byte costs the post a lint, never a wrong result; an entry
        # whose checksum holds but whose parts do not fit is not used either
        r, cache = self.three_posts()
        plain, _ = r.lint_json("posts")
        self.assertIn(("posts/x.md", "cross-post-duplicate"), found(plain))

        def run():
            res = r.lint("--cache", "--verbose", "--format", "json", "--jobs", "1", "posts",
                         env={"POSTLINT_TIMING": "1"})
            return json.loads(res.stdout), res.stderr, CollectRules.timing(res.stderr)

        run()
        data, err, rows = run()
        self.assertIn("cache: 3 reused, 0 linted", err)
        self.assertEqual(data, plain)
        self.assertNotIn("cross-post-duplicate (collect)", rows)
        entries = {}
        for e in cache_entries(cache):
            with open(os.path.join(cache, e), "rb") as f:
                entries[e] = f.read()
        self.assertEqual(len(entries), 3)
        for e, raw in entries.items():
            flags, lang, collected, findings = read_entry(raw)
            self.assertEqual(flags, ENTRY_COLLECTED | ENTRY_SEEN, e)
            self.assertEqual(lang, b"en")
            self.assertIn(b"cross-post-duplicate", collected)
        # the findings of the rules of one post are there (not those across posts)
        self.assertEqual(sum(varint(read_entry(raw)[3], 0)[0] for raw in entries.values()),
                         sum(1 for d in plain["diagnostics"]
                             if d["rule"] not in SET_RULES.split(",")))

        def spoil(change, reused, collects):
            for e, raw in entries.items():
                with open(os.path.join(cache, e), "wb") as f:
                    f.write(change(raw))
            data, err, rows = run()
            self.assertEqual(data, plain, err)
            self.assertIn("cache: %d reused, %d linted" % (reused, 3 - reused), err)
            self.assertEqual(rows.get("cross-post-duplicate (collect)"), collects, err)
            # ...and the entries are written anew: the next run reuses them whole
            data, err, rows = run()
            self.assertEqual(data, plain)
            self.assertIn("cache: 3 reused, 0 linted", err)
            self.assertNotIn("cross-post-duplicate (collect)", rows, err)

        def flip(at):
            return lambda raw: raw[:at(raw)] + bytes([raw[at(raw)] ^ 0x10]) + raw[at(raw) + 1:]

        # damage the checksum finds: one bit anywhere, cut short, a byte more, no body
        for change in (flip(lambda raw: len(raw) - 1),            # the last finding
                       flip(lambda raw: len(ENTRY_MAGIC) + 4),     # the flags
                       flip(lambda raw: len(raw) // 2),            # the collected data
                       flip(lambda raw: len(ENTRY_MAGIC) + 1),     # the checksum itself
                       flip(lambda raw: 3),                        # the magic
                       lambda raw: raw[:len(raw) // 2], lambda raw: raw + b"\0",
                       lambda raw: raw[:len(ENTRY_MAGIC) + 4]):
            spoil(change, 0, 3)
        # checksums that hold over parts that do not fit. Collected data that is not the
        # host's (or has a byte after it) costs the data alone: collected again, the
        # findings reused
        for change in (lambda c: c[:len(c) // 2], lambda c: c + b"\0", lambda c: b"",
                       lambda c: b"\xff" * len(c)):
            spoil(lambda raw: make_entry(*(lambda f, l, c, fi: (f, l, change(c), fi))(
                *read_entry(raw))), 3, 3)
        # a byte after the findings, a finding cut short, flags no postlint writes, or an
        # entry that says rules do not see the post while data follows (taken as it was, the
        # post would have left the calendar and its cross-post finding with it): linted again
        for change in (lambda f, l, c, fi: (f, l, c, fi + b"\0"),
                       lambda f, l, c, fi: (f, l, c, fi[:-1]),
                       lambda f, l, c, fi: (f | 8, l, c, fi),
                       lambda f, l, c, fi: (ENTRY_SEEN, None, c, fi),
                       lambda f, l, c, fi: (f & ~ENTRY_SEEN, l, None, put_varint(len(c)) + c + fi),
                       lambda f, l, c, fi: (f, b"x" * 8, c, fi)):
            spoil(lambda raw: make_entry(*change(*read_entry(raw))), 0, 3)

    def test_a_damaged_pack_costs_reads_not_results(self):
        r = self.hook_repo()
        plain, _ = r.lint_json("--staged")
        self.hook_run(r)
        pack = os.path.join(r.path, ".git", "postlint", "cache", "light.pack")
        size = os.path.getsize(pack)
        # bytes overwritten inside the records, the file cut short, the file not a pack
        damage = [lambda f: (f.seek(size // 2), f.write(b"\xff" * 48)),
                  lambda f: f.truncate(size - 20),
                  lambda f: (f.seek(0), f.write(b"not a pack at all"))]
        # a retried commit reads no payload (the calendar's findings are in the cache):
        # damage inside the payloads costs it nothing, and it says the same
        with open(pack, "r+b") as f:
            f.seek(size // 2)
            f.write(b"\xff" * 48)
        data, reads, res = self.hook_run(r)
        self.assertEqual((data, reads), (plain, 0), res.stderr)
        for n, spoil in enumerate(damage):
            with open(pack, "r+b") as f:
                spoil(f)
            # a new commit (another staged quote): the calendar is judged again, and the
            # posts whose records are damaged are read from git
            r.write("posts/q8.md", post(QUOTES[n + 1], scheduled="2026-12-09"))
            r.git("add", "posts/q8.md")
            plain, _ = r.lint_json("--staged")
            data, reads, res = self.hook_run(r)
            self.assertEqual(data, plain, res.stderr)
            self.assertGreater(reads, 0, res.stderr)
            self.assertEqual(res.stderr.count("postlint:"), 0, res.stderr)
            # written back whole: the run after reads nothing
            data, reads, res = self.hook_run(r)
            self.assertEqual((data, reads), (plain, 0), res.stderr)

    def test_a_linked_worktree_answers_its_calendar_from_the_pack(self):
        # a worktree's git folder is .git/worktrees/NAME, its objects are the main one's:
        # the blobs left unread by the walk are read from there, and the pack lives there
        r = self.repo()
        for i in range(5):
            r.write("posts/q%d.md" % i, post(QUOTES[i % 4], scheduled="2026-12-%02d" % (i + 1)))
        r.commit()
        wt = os.path.join(self.tmp, "wt")
        r.git("worktree", "add", "-q", wt)
        with open(os.path.join(wt, "posts", "q5.md"), "w") as f:
            f.write(post(QUOTES[0], scheduled="2026-12-06"))
        subprocess.run(["git", "add", "posts/q5.md"], cwd=wt, check=True, env=r.env)
        plain, _ = r.lint_json("--staged", cwd=wt)
        self.assertIn(("posts/q5.md", "quote-streak"), found(plain))
        for reads in (5, 0):
            res = r.lint("--staged", "--cache", "--format", "json", cwd=wt,
                         env={"POSTLINT_TIMING": "1"})
            self.assertEqual(json.loads(res.stdout), plain, res.stderr)
            self.assertEqual(CollectRules.timing(res.stderr).get("(host: read git blobs)", 0),
                             reads, res.stderr)

    def test_cached_light_posts_keep_their_language(self):
        # check_set of a rule with collect reads post.lang of every post; a post answered
        # from the cache (its JSON entry, or the pack) had no words to guess it from, and
        # fell back to the config's language ("en" for a Spanish post)
        r = self.repo()
        r.write("lint/cal/rules/cal-lang.lua", calendar_reporter(
            "cal-lang", 'p.path .. "=" .. tostring(p.lang)', " "))
        r.write(".lintrc", 'plugins = { "./lint/cal" }\n')
        r.write("posts/es.md", post("Hola a todos. ¿Qué libro están leyendo esta semana? Yo "
                                    "empecé una novela de misterio y no la puedo dejar."))
        r.write("posts/en.md", GOOD)
        r.commit()
        expected = "posts/en.md=en posts/es.md=es"
        for args in ((), ("--cache",), ("--cache",), ("posts/en.md", "--cache"),
                     ("posts/en.md", "--cache")):
            data, res = r.lint_json("--only", "cal-lang", *args)
            self.assertEqual({d["message"] for d in data["diagnostics"]}, {expected},
                             (args, res.stderr))


    def test_light_posts_from_the_pack_keep_their_front_matter_and_time(self):
        # a post answered from the pack keeps its front matter as the pack's bytes until a
        # rule asks (post_meta), and its time as the post had it (kept in the pack beside
        # them): scheduled before date, date alone, a dated file name, one before 1970, and a
        # list under meta
        r = self.repo()
        r.write("lint/cal/rules/cal-meta.lua", calendar_reporter(
            "cal-meta", 'string.format("%s kind=%s goal=%s tag2=%s time=%s", p.path, '
            'tostring(p.kind), tostring(p.meta.goal), tostring(p.meta.tags and p.meta.tags[2]), '
            'tostring(p.time))', "; "))
        r.write(".lintrc", 'plugins = { "./lint/cal" }\n')
        r.write("posts/a.md", post("Hello one two three.", scheduled="2026-12-01",
                                   extra="kind: quote\ntags: [a, b]\n"))
        r.write("posts/b.md", post("Hello four five six.", extra="date: 2026-11-02\n"))
        r.write("posts/c.md", post("Hello seven.", scheduled="2026-12-03",
                                   extra="date: 2026-11-03\n"))
        r.write("posts/2026-10-04-d.md", post("Hello eight."))
        r.write("posts/f.md", post("Hello ten.", scheduled="1969-07-20"))
        r.commit()
        r.write("posts/e.md", post("Hello nine.", scheduled="2026-12-05"))
        r.git("add", "posts/e.md")
        day = lambda d: str(int(datetime.datetime(*d, tzinfo=datetime.timezone.utc).timestamp()))
        expected = "; ".join([
            "posts/2026-10-04-d.md kind=nil goal=replies from readers tag2=nil time="
            + day((2026, 10, 4)),
            "posts/a.md kind=quote goal=replies from readers tag2=b time=" + day((2026, 12, 1)),
            "posts/b.md kind=nil goal=replies from readers tag2=nil time=" + day((2026, 11, 2)),
            "posts/c.md kind=nil goal=replies from readers tag2=nil time=" + day((2026, 12, 3)),
            "posts/e.md kind=nil goal=replies from readers tag2=nil time=" + day((2026, 12, 5)),
            "posts/f.md kind=nil goal=replies from readers tag2=nil time=" + day((1969, 7, 20))])
        # from git, then with the cache: the second answers the context from the pack, and
        # so does the third, whose staged post changed (a new calendar: its findings are not
        # in the cache, so the light posts are made from the pack's payloads)
        for args in ((), ("--cache",), ("--cache",), ("--cache", "new")):
            if args and args[-1] == "new":
                r.write("posts/e.md", post("Hello nine again.", scheduled="2026-12-05"))
                r.git("add", "posts/e.md")
                args = args[:-1]
            res = r.lint("--staged", "--only", "cal-meta", "--format", "json", *args,
                         env={"POSTLINT_TIMING": "1"})
            data = json.loads(res.stdout)
            self.assertEqual([d["message"] for d in data["diagnostics"]], [expected],
                             (args, res.stderr))
        self.assertEqual(CollectRules.timing(res.stderr).get("(host: read git blobs)", 0), 0,
                         res.stderr)

if __name__ == "__main__":
    harness.main(sys.modules[__name__], postlint_default=os.path.join(ROOT, "build", "postlint"))
