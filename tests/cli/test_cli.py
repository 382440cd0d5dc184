#!/usr/bin/env python3
"""End-to-end tests of the postlint command: exit codes, output formats, configuration,
in-file switches, bad input, hostile rules and git, each on files made in a temp folder.

Usage: test_cli.py --postlint PATH [unittest options]
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

POSTLINT = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN = ["invite-conversation", "no-sales-push", "share-needs-commentary", "no-bare-quote",
          "self-focus", "declare-goal"]


def run(args, cwd, env=None, stdin=None, timeout=60):
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    if env:
        full_env.update(env)
    return subprocess.run([POSTLINT] + args, cwd=cwd, capture_output=True, text=True,
                          env=full_env, input=stdin, timeout=timeout)


class Case(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="postlint-test-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, rel, text, mode="w"):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if isinstance(text, bytes):
            with open(path, "wb") as f:
                f.write(text)
        else:
            with open(path, mode, encoding="utf-8") as f:
                f.write(textwrap.dedent(text).lstrip("\n") if text.startswith("\n") else text)
        return path

    def lint_json(self, *args, code=None):
        r = run(["--format", "json", *args], self.dir)
        if code is not None:
            self.assertEqual(r.returncode, code, r.stdout + r.stderr)
        return json.loads(r.stdout), r

    def rules_of(self, data, path=None):
        return sorted(d["rule"] for d in data["diagnostics"] if path is None or d["path"] == path)


GOOD = """---
platform: x
goal: replies from people who run book clubs
---
We moved our book club from Thursdays to Sunday mornings and attendance doubled.
What time of day works best for yours?
"""


class ExitCodes(Case):
    def test_clean_post_exits_0(self):
        self.write("good.md", GOOD)
        data, r = self.lint_json("good.md", code=0)
        self.assertEqual(data["diagnostics"], [])
        self.assertEqual(data["summary"]["files"], 1)

    def test_warnings_exit_0_unless_max_warnings(self):
        self.write("p.md", "---\ngoal: conversation\n---\nI finished my first marathon today.\n")
        self.lint_json("p.md", code=0)
        r = run(["--max-warnings", "0", "p.md"], self.dir)
        self.assertEqual(r.returncode, 1)
        r = run(["--max-warnings", "5", "p.md"], self.dir)
        self.assertEqual(r.returncode, 0)

    def test_error_severity_exits_1(self):
        self.write("p.md", "I finished my first marathon today.\n")
        r = run(["--rule", "self-focus=error", "p.md"], self.dir)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("error", r.stdout)

    def test_usage_errors_exit_2(self):
        r = run(["--no-such-flag"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown option '--no-such-flag'", r.stderr)
        r = run(["--format", "yaml", "x.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown format 'yaml'", r.stderr)
        r = run(["missing.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot read 'missing.md'", r.stderr)
        r = run(["--rule", "no-such-rule=error", "."], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown rule 'no-such-rule'", r.stderr)


def libgit2_linked():
    """Whether this postlint links libgit2 (POSTLINT_STATIC_LIBGIT2, the default build) rather
    than loading it at the first git call (its --version says "libgit2 1.5.1 (linked)")."""
    out = subprocess.run([POSTLINT, "--version"], capture_output=True, text=True).stdout
    return re.search(r"libgit2 [^,]* \(linked\)", out) is not None


class LinkedGit(Case):
    # the default build links Debian's static libgit2 and stands in for libssh2 and GSSAPI
    # (src/git_linked.c): none of the fifteen libraries of the shared libgit2 is loaded
    def test_a_lint_loads_none_of_the_shared_libgit2s_libraries(self):
        if not libgit2_linked():
            self.skipTest("skipped: not found: a postlint with libgit2 linked (this one loads it)")
        self.write("a.md", "---\ngoal: replies\n---\nHello. What do you think?\n")
        r = run(["a.md"], self.dir, env={"LD_DEBUG": "libs"})
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        loaded = [l for l in r.stderr.splitlines() if "calling init:" in l]
        self.assertGreater(len(loaded), 3)  # libc, Lua, ... : the log is there
        for lib in ("libgit2", "libssh2", "libcrypto", "libgssapi", "libkrb5", "libmbed",
                    "libhttp_parser", "libpcre2"):
            self.assertEqual([l for l in loaded if lib in l], [], lib)
        # POSTLINT_LIBGIT2 names nothing to load here: a lint works whatever it says
        r = run(["a.md"], self.dir, env={"POSTLINT_LIBGIT2": "/no/such/libgit2.so"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1 file checked, no problems", r.stdout)


    def test_the_linked_libgit2_brings_no_tls_stack(self):
        # libgit2's TLS streams and their set-up (a DRBG seeded from the entropy sources,
        # 9% of a one-post lint) are stand-ins that fail (src/git_linked.c): mbedtls's SSL,
        # entropy and X.509 code is not linked at all
        if not libgit2_linked():
            self.skipTest("skipped: not found: a postlint with libgit2 linked (this one loads it)")
        if not shutil.which("nm"):
            self.skipTest("skipped: not found: nm")
        symbols = subprocess.run(["nm", POSTLINT], capture_output=True, text=True).stdout
        defined = {l.split()[-1] for l in symbols.splitlines() if " T " in l}
        if not defined:
            self.skipTest("skipped: not found: symbols (this postlint is stripped)")
        self.assertTrue("git_repository_open_ext" in defined)  # libgit2 is there
        for name in ("mbedtls_ssl_setup", "mbedtls_entropy_init", "mbedtls_ctr_drbg_seed",
                     "mbedtls_x509_crt_parse_file", "git_mbedtls_stream_global_init"):
            self.assertFalse(name in defined, name + " is linked")
        self.assertTrue("__wrap_git_mbedtls_stream_new" in defined)


class LinkedLibraries(Case):
    # Lua, utf8proc, libyaml and jansson are linked from their static libraries by default
    # (POSTLINT_STATIC_LIBS): none of them is loaded at run time
    def test_a_lint_loads_none_of_the_libraries_it_links(self):
        version = subprocess.run([POSTLINT, "--version"], capture_output=True, text=True).stdout
        linked = re.findall(r"(Lua|utf8proc|libyaml|jansson) [^,\n]* \(linked\)", version)
        if not linked:
            self.skipTest("skipped: not found: a postlint with its libraries linked in "
                          "(this one loads them)")
        self.assertEqual(sorted(linked), ["Lua", "jansson", "libyaml", "utf8proc"], version)
        self.write("a.md", "---\ngoal: replies\n---\nHello. What do you think?\n")
        r = run(["a.md", "--format", "json"], self.dir, env={"LD_DEBUG": "libs"})
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        loaded = [l for l in r.stderr.splitlines() if "calling init:" in l]
        self.assertGreater(len(loaded), 1)  # libc at least: the log is there
        for lib in ("liblua", "libutf8proc", "libyaml", "libjansson"):
            self.assertEqual([l for l in loaded if lib in l], [], lib)


class LoadingGit(Case):
    # with -DPOSTLINT_STATIC_LIBGIT2=OFF, libgit2 is loaded at the first git call
    # (src/git_dl.c), not linked: POSTLINT_LIBGIT2 names the library to load instead of the
    # one built against
    def setUp(self):
        if libgit2_linked():  # (before the temp folder: tearDown does not run after a skip)
            self.skipTest("skipped: not found: a postlint that loads libgit2 (this one links it; "
                          "the sanitizer build of .ci/run loads it)")
        super().setUp()

    def test_only_commands_that_read_git_load_libgit2(self):
        self.write("a.md", "---\ngoal: replies\n---\nHello. What do you think?\n")
        missing = {"POSTLINT_LIBGIT2": os.path.join(self.dir, "no-such-libgit2.so")}
        for args in (["rules"], ["explain", "invite-conversation"], ["test"], ["--help"],
                     ["length", "a.md"]):
            with self.subTest(args=args):
                r = run(args, self.dir, env=missing)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertNotIn("libgit2", r.stderr)
        # linting asks git what it ignores: a clear message, exit 2, and nothing half-printed
        for args in (["a.md"], ["--format", "json", "."], ["--version"]):
            with self.subTest(args=args):
                r = run(args, self.dir, env=missing)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertEqual(r.stdout, "")
                self.assertEqual(r.stderr.splitlines(), [
                    "postlint: cannot load libgit2: %s: cannot open shared object file: "
                    "No such file or directory" % missing["POSTLINT_LIBGIT2"]])
        # a library that is not libgit2 is named with the first function it lacks
        r = run(["a.md"], self.dir, env={"POSTLINT_LIBGIT2": "libc.so.6"})
        self.assertEqual((r.returncode, r.stdout), (2, ""))
        self.assertEqual(r.stderr, "postlint: cannot load libgit2 (libc.so.6): it has no "
                         "git_blob_free\n")
        # and not loaded at all: the dynamic loader's own log (LD_DEBUG=libs) names no
        # libgit2 for `rules`, and loads it when a post is linted (a sanitizer build's
        # runtime adds its own lines, none of them libgit2's)
        def loaded(args):
            r = run(args, self.dir, env={"LD_DEBUG": "libs"})
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            return [l for l in r.stderr.splitlines() if "calling init:" in l and "libgit2" in l]
        self.assertEqual(loaded(["rules"]), [])
        self.assertEqual(len(loaded(["a.md"])), 1)
        # the run-time name of the library built against (libgit2.so.MAJOR.MINOR) works
        # like the default
        version = re.search(r"libgit2 (\d+)\.(\d+)\.", run(["--version"], self.dir).stdout)
        soname = "libgit2.so.%s.%s" % version.groups()
        r = run(["a.md"], self.dir, env={"POSTLINT_LIBGIT2": soname})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1 file checked, no problems", r.stdout)


    def test_a_libgit2_of_another_minor_version_is_refused(self):
        # a stand-in with every function postlint calls (the list of src/git_dl.h), whose
        # git_libgit2_version says 1.99: built with the system's C compiler
        cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
        if not cc:
            self.skipTest("skipped: not found: a C compiler to build the stand-in")
        with open(os.path.join(ROOT, "src", "git_dl.h")) as f:
            names = re.findall(r"^\tX\((git_\w+)\)", f.read(), re.M)
        self.assertGreater(len(names), 50)
        src = "".join("int %s(void) { return 0; }\n" % n for n in names
                      if n != "git_libgit2_version")
        src += ("int git_libgit2_version(int *a, int *b, int *c)"
                " { *a = 1; *b = 99; *c = 0; return 0; }\n")
        c_file = self.write("fake/libgit2.c", src)
        lib = os.path.join(self.dir, "fake", "libgit2.so")
        subprocess.run([cc, "-shared", "-fPIC", "-o", lib, c_file], check=True)
        self.write("a.md", "---\ngoal: replies\n---\nHello. What do you think?\n")
        r = run(["a.md"], self.dir, env={"POSTLINT_LIBGIT2": lib})
        self.assertEqual((r.returncode, r.stdout), (2, ""))
        self.assertRegex(r.stderr, r"^postlint: cannot load libgit2 \(%s\): it is 1\.99\.0, "
                         r"postlint was built for \d+\.\d+\n$" % re.escape(lib))


class Formats(Case):
    def test_json_matches_design(self):
        self.write("p.md", "---\ngoal: conversation\n---\nMust read 👇 https://news.example.com/a\n")
        data, _ = self.lint_json("p.md", code=0)
        self.assertEqual(list(data.keys()), ["version", "files", "diagnostics", "summary"])
        self.assertEqual(data["version"], 1)
        self.assertEqual(data["files"], ["p.md"])
        by_rule = {d["rule"]: d for d in data["diagnostics"]}
        self.assertEqual(sorted(by_rule), ["invite-conversation", "share-needs-commentary"])
        d = by_rule["share-needs-commentary"]
        self.assertEqual(set(d), {"path", "rule", "severity", "message", "line", "column",
                                  "end_line", "end_column", "fix", "suggestions"})
        # the link starts after "Must read 👇 ": columns count code points, not bytes
        self.assertEqual((d["line"], d["column"], d["end_line"], d["end_column"]), (4, 13, 4, 39))
        self.assertIsNone(d["fix"])
        self.assertEqual(len(d["suggestions"]), 1)
        edit = d["suggestions"][0]["edits"][0]
        self.assertEqual(set(edit), {"start", "end", "text"})
        with open(os.path.join(self.dir, "p.md"), "rb") as f:
            raw = f.read()
        self.assertEqual(raw[edit["start"]:edit["start"] + 5], b"Must ")  # inserted before the line
        self.assertEqual(edit["start"], edit["end"])
        self.assertEqual(data["summary"]["warnings"], 2)
        self.assertEqual(data["summary"]["with_suggestions"], 2)

    def test_text_shows_location_source_and_suggestion(self):
        self.write("p.md", "---\ngoal: conversation\n---\nWant 50% off? Buy now! Only 24 hours left!\n")
        r = run(["--no-color", "--rule", "no-sales-push=error", "p.md"], self.dir)
        self.assertEqual(r.returncode, 1)
        lines = r.stdout.splitlines()
        i = next(k for k, l in enumerate(lines) if "[no-sales-push]" in l)
        self.assertRegex(lines[i], r'^p\.md:4:15 error Pure sales push \(.*"Buy now".*\): '
                                   r'nothing for readers to respond to \[no-sales-push\]$')
        self.assertEqual(lines[i + 1], "    4 | Want 50% off? Buy now! Only 24 hours left!")
        self.assertEqual(lines[i + 2], "      |               ^^^^^^^")
        self.assertTrue(lines[i + 3].startswith('  suggestion: Pull, don\'t push: ask about the '
                                                'reader\'s need instead: replace "Buy now" with "'),
                        lines[i + 3])
        self.assertRegex(r.stdout, r"\d+ problems \(1 error, \d+ warnings?\) in 1 of 1 file")

    def test_text_gutter_widens_past_five_digits(self):
        # the line number takes five columns, more when it has more digits, and the caret
        # line lines up under it
        self.write("p.md", "---\ngoal: conversation\n---\n" + "\n" * 100005
                   + "Want 50% off? Buy now! Only 24 hours left!\n")
        r = run(["--no-color", "--rule", "no-sales-push=error", "p.md"], self.dir)
        lines = r.stdout.splitlines()
        i = next(k for k, l in enumerate(lines) if "[no-sales-push]" in l)
        self.assertTrue(lines[i].startswith("p.md:100009:15 error "), lines[i])
        self.assertEqual(lines[i + 1], "100009 | Want 50% off? Buy now! Only 24 hours left!")
        self.assertEqual(lines[i + 2], "       |               ^^^^^^^")

    def test_color_only_when_asked_and_no_color_wins(self):
        self.write("p.md", "I finished my first marathon today.\n")
        plain = run(["p.md"], self.dir)
        self.assertNotIn("\033[", plain.stdout)  # not a terminal
        colored = run(["--color", "p.md"], self.dir)
        self.assertIn("\033[", colored.stdout)
        quiet = run(["--quiet", "p.md"], self.dir)
        self.assertEqual(quiet.stdout, "")  # warnings hidden, nothing else to say

    def test_json_is_valid_with_invalid_utf8_and_control_characters(self):
        self.write("p.md", b"Buy now \xff\xfe and \x01 save 50% off today only! https://shop.example/x\n")
        data, r = self.lint_json("p.md")
        rules = self.rules_of(data)
        self.assertIn("encoding", rules)
        self.assertIn("no-sales-push", rules)
        enc = next(d for d in data["diagnostics"] if d["rule"] == "encoding")
        self.assertEqual((enc["line"], enc["column"]), (1, 9))
        self.assertIn("0xFF", enc["message"])


class Config(Case):
    def test_broken_lintrc_exits_2_naming_file_and_line(self):
        self.write(".lintrc", 'platform = "x"\nrules = {\n  ["no-sales-push"] = "error",\n  oops oops\n}\n')
        self.write("p.md", GOOD)
        r = run(["p.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stderr, r"\.lintrc:4: .*near 'oops'")
        self.write(".lintrc", 'return { "x", "y" }\n')
        r = run(["p.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("expected names as keys, like name = value", r.stderr)

    def test_unknown_keys_rules_and_options_have_lines(self):
        self.write(".lintrc", textwrap.dedent("""\
            platfrom = "x"
            rules = {
              ["self-focus"] = "error",
              ["invite-conversaton"] = "warning",
              ["no-sales-push"] = { "warning", treshold = 2 },
              ["declare-goal"] = "loud",
            }
            """))
        self.write("p.md", GOOD)
        r = run(["p.md"], self.dir)
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn(".lintrc:1: unknown key 'platfrom'", r.stderr)
        self.assertEqual(r.stdout, "")  # nothing linted under a broken config

        self.write(".lintrc", textwrap.dedent("""\
            rules = {
              ["self-focus"] = "error",
              ["invite-conversaton"] = "warning",
              ["no-sales-push"] = { "warning", treshold = 2 },
              ["declare-goal"] = "loud",
            }
            """))
        r = run(["p.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn(".lintrc:3: unknown rule 'invite-conversaton' (did you mean "
                      "'invite-conversation'?)", r.stderr)
        self.assertIn(".lintrc:4: rule 'no-sales-push' has no option 'treshold' (options: "
                      "threshold)", r.stderr)
        self.assertIn(".lintrc:5: rule 'declare-goal': severity must be", r.stderr)

    def test_lintrc_cannot_call_anything_or_loop(self):
        self.write(".lintrc", 'platform = "x"\nlocal f = io.open("/etc/passwd")\n')
        self.write("p.md", GOOD)
        r = run(["p.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stderr, r"\.lintrc:2: attempt to index a nil value \(global 'io'\)")
        self.write(".lintrc", "while true do end\n")
        r = run(["p.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("instruction budget exceeded", r.stderr)

    def test_discovery_overrides_include_exclude(self):
        self.write(".lintrc", textwrap.dedent("""\
            platform = "mastodon"
            include = { "posts/**" }
            exclude = { "posts/archive/**" }
            rules = { ["self-focus"] = "error" }
            overrides = { { files = "posts/drafts/**", rules = { ["self-focus"] = "off" } } }
            """))
        me = "---\ngoal: conversation\n---\nI finished my first marathon today.\n"
        self.write("posts/a.md", me)
        self.write("posts/drafts/b.md", me)
        self.write("posts/archive/c.md", me)
        self.write("notes/d.md", me)  # not included
        self.write("posts/sub/.lintrc", 'rules = { ["self-focus"] = "info" }\n')
        self.write("posts/sub/e.md", me)
        data, r = self.lint_json(code=1)  # no paths: the project at the working directory
        got = {(d["path"], d["rule"], d["severity"]) for d in data["diagnostics"]
               if d["rule"] == "self-focus"}
        self.assertEqual(got, {("posts/a.md", "self-focus", "error"),
                               ("posts/sub/e.md", "self-focus", "info")})
        self.assertEqual(sorted(data["files"]), ["posts/a.md", "posts/drafts/b.md", "posts/sub/e.md"])

    def test_a_post_named_twice_is_linted_once(self):
        # a folder named twice, a folder inside one named, a file inside one named: each post
        # once, in the order first named (the first walk does not look its posts up)
        me = "---\ngoal: conversation\n---\nI finished my first marathon today.\n"
        self.write("posts/a.md", me)
        self.write("posts/sub/b.md", me)
        data, _ = self.lint_json("posts", "posts/sub", "posts/a.md", "posts", code=0)
        self.assertEqual(data["files"], ["posts/a.md", "posts/sub/b.md"])
        data, _ = self.lint_json("posts/sub", "posts", code=0)
        self.assertEqual(data["files"], ["posts/sub/b.md", "posts/a.md"])
        got = [d["path"] for d in data["diagnostics"] if d["rule"] == "self-focus"]
        self.assertEqual(got, ["posts/sub/b.md", "posts/a.md"])

    def test_config_flag_and_print_config(self):
        cfg = self.write("team.lintrc", 'platform = { "x", "linkedin" }\nlang = "de"\n'
                                        'rules = { ["no-sales-push"] = { "error", threshold = 4 } }\n')
        self.write("p.md", GOOD)
        r = run(["--config", cfg, "--print-config", "p.md"], self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        conf = json.loads(r.stdout)
        self.assertEqual(conf["platforms"], ["x", "linkedin"])
        self.assertEqual(conf["lang"], "de")
        self.assertEqual(conf["rules"]["no-sales-push"], {"severity": "error",
                                                          "options": {"threshold": 4}})
        self.assertEqual(conf["rules"]["self-focus"]["severity"], "warning")

    def test_print_config_is_the_same_every_run(self):
        # options come from Lua tables, whose order changes with each run's hash seed: the
        # keys print sorted (before: a different order in most runs)
        self.write(".lintrc", 'rules = { ["promo-ratio"] = { "warning", window_days = 7, '
                              'min_posts = 2, max_percent = 30, threshold = 2 } }\n')
        self.write("p.md", GOOD)
        outs = set()
        for _ in range(6):
            r = run(["--print-config", "p.md"], self.dir)
            self.assertEqual(r.returncode, 0, r.stderr)
            outs.add(r.stdout)
        self.assertEqual(len(outs), 1, outs)
        line = [l for l in outs.pop().splitlines() if '"promo-ratio"' in l][0]
        self.assertIn('{"max_percent": 30, "min_posts": 2, "threshold": 2, "window_days": 7}',
                      line)

    def test_limits_are_whole_numbers_in_range_and_lintrc_has_no_string_methods(self):
        self.write("p.md", GOOD)
        self.write(".lintrc", "limits = {\n  instructions = 1e30,\n  memory_mb = 0.5,\n}\n")
        r = run(["p.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn(".lintrc:2: limits.instructions must be a whole number from 100000 to", r.stderr)
        self.assertIn(".lintrc:3: limits.memory_mb must be a whole number from 4 to 65535", r.stderr)
        self.write(".lintrc", 'platform = ("X"):lower()\n')
        r = run(["p.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("attempt to index a string value", r.stderr)

    def test_globs_are_not_exponential_and_symlinked_paths_still_match(self):
        self.write("real/proj/.lintrc", 'exclude = { "drafts/**", "*a*a*a*a*a*a*a*a*b" }\n')
        self.write("real/proj/drafts/b.md", "I finished my first marathon today.\n")
        self.write("real/proj/" + "a" * 100 + ".md", "I finished my first marathon today.\n")
        self.write("real/proj/posts/c.md", GOOD)
        os.symlink(os.path.join(self.dir, "real"), os.path.join(self.dir, "link"))
        data, _ = self.lint_json("link/proj/drafts/b.md", "link/proj", code=0)
        self.assertEqual(len(data["files"]), 2)
        self.assertTrue(all(f.endswith(("c.md", "a.md")) for f in data["files"]), data["files"])

    def walk_tree(self):
        """A folder with every kind of entry the walk meets; the files it should lint."""
        self.write("posts/a.md", GOOD)
        self.write("posts/sub/b.md", GOOD)
        self.write("elsewhere/c.md", GOOD)
        self.write("posts/.drafts/d.md", GOOD)
        self.write("posts/node_modules/e.md", GOOD)
        os.symlink(os.path.join(self.dir, "posts", "sub", "b.md"),
                   os.path.join(self.dir, "posts", "b-link.md"))
        os.symlink(os.path.join(self.dir, "elsewhere", "c.md"),
                   os.path.join(self.dir, "posts", "c-link.md"))
        os.symlink(self.dir, os.path.join(self.dir, "posts", "loop"))
        os.mkfifo(os.path.join(self.dir, "posts", "pipe.md"))
        return ["a.md", "b-link.md", "sub/b.md"]

    def check_walk(self, expected, env=None):
        r = run(["--format", "json", "posts"], self.dir, env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        data = json.loads(r.stdout)
        self.assertEqual(sorted(f.split("posts/", 1)[1] for f in data["files"]), expected,
                         data["files"])
        self.assertIn("c-link.md': a symbolic link to", r.stderr)

    def test_the_folder_walk_lints_files_and_file_links_only(self):
        # the walk takes each entry's kind from readdir: a symlinked file is linted (when it
        # points inside the folder walked), a symlinked folder (here a loop back to the top)
        # is not followed, a named pipe (which would block a read) and hidden or node_modules
        # folders are passed over
        self.check_walk(self.walk_tree())

    def test_the_folder_walk_asks_lstat_when_readdir_cannot_tell(self):
        # some file systems (XFS without ftype, NFS, many FUSE ones) give every entry the
        # type DT_UNKNOWN: the walk then asks lstat, with the same answers. A readdir that
        # says so for every entry is preloaded (a shim built here; it counts its entries)
        cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
        if not cc:
            self.skipTest("no C compiler to build the readdir shim")
        shim = os.path.join(self.dir, "shim")
        os.makedirs(shim)
        with open(os.path.join(shim, "unknown.c"), "w") as f:
            f.write(textwrap.dedent("""\
                #define _GNU_SOURCE
                #include <dirent.h>
                #include <dlfcn.h>
                #include <stdio.h>
                #include <stdlib.h>
                static long seen;
                struct dirent *readdir(DIR *d)
                {
                    static struct dirent *(*real)(DIR *);
                    if (!real)
                        real = (struct dirent *(*)(DIR *))dlsym(RTLD_NEXT, "readdir");
                    struct dirent *e = real(d);
                    if (e) {
                        e->d_type = DT_UNKNOWN;
                        seen++;
                    }
                    return e;
                }
                __attribute__((destructor)) static void report(void)
                {
                    const char *out = getenv("SHIM_COUNT");
                    FILE *f = out ? fopen(out, "w") : NULL;
                    if (f) {
                        fprintf(f, "%ld\\n", seen);
                        fclose(f);
                    }
                }
                """))
        lib = os.path.join(shim, "unknown.so")
        subprocess.run([cc, "-shared", "-fPIC", "-o", lib, os.path.join(shim, "unknown.c"),
                        "-ldl"], check=True)
        count = os.path.join(shim, "count")
        expected = self.walk_tree()
        # a sanitizer build wants its runtime first among the preloaded libraries
        asan = ":".join(o for o in (os.environ.get("ASAN_OPTIONS"), "verify_asan_link_order=0")
                        if o)
        self.check_walk(expected, env={"LD_PRELOAD": lib, "SHIM_COUNT": count,
                                       "ASAN_OPTIONS": asan})
        with open(count) as f:
            self.assertGreater(int(f.read()), 5, "the shim saw the entries")

    def test_unknown_platform_in_config(self):
        self.write(".lintrc", 'platform = "myspace"\n')
        self.write("p.md", GOOD)
        r = run(["p.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn(".lintrc:1: unknown platform 'myspace' (known: x, mastodon", r.stderr)

    def test_rule_and_only_flags(self):
        self.write("p.md", "I finished my first marathon today.\n")
        data, _ = self.lint_json("--only", "self-focus", "p.md")
        self.assertEqual(self.rules_of(data), ["self-focus"])
        data, _ = self.lint_json("--rule", "self-focus=off", "--rule", "declare-goal=off", "p.md")
        self.assertEqual(self.rules_of(data), ["invite-conversation"])


class Switches(Case):
    def test_comments_and_front_matter_turn_rules_off(self):
        self.write("p.md", textwrap.dedent("""\
            ---
            goal: conversation
            lint: { disable: [invite-conversation] }
            ---
            <!-- postlint-disable self-focus -->
            I finished my first marathon today.
            <!-- postlint-enable self-focus -->
            <!-- postlint-disable-next-line no-bare-quote -->
            “Stay hungry, stay foolish.” — Steve Jobs
            <!-- postlint-disable no-such-rule -->
            ```
            <!-- postlint-disable declare-goal -->
            ```
            """))
        data, _ = self.lint_json("p.md")
        rules = self.rules_of(data)
        self.assertNotIn("invite-conversation", rules)  # front matter
        self.assertNotIn("no-bare-quote", rules)        # next line
        self.assertEqual(rules.count("directive"), 1)
        d = next(d for d in data["diagnostics"] if d["rule"] == "directive")
        self.assertEqual(d["line"], 10)
        self.assertIn("unknown rule 'no-such-rule'", d["message"])

    def test_self_focus_outside_the_disabled_stretch_still_reported(self):
        self.write("p.md", "---\ngoal: x\n---\n<!-- postlint-disable no-bare-quote -->\n"
                           "I finished my first marathon today.\n")
        data, _ = self.lint_json("p.md")
        self.assertIn("self-focus", self.rules_of(data))


class BadInput(Case):
    def test_each_bad_file_gets_a_precise_message_and_the_rest_is_linted(self):
        self.write("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        self.write("broken.md", "---\ntitle: Hello: world?\n---\nBody\n")
        self.write("open.md", "---\ngoal: x\n")
        self.write("empty.md", "")
        self.write("only-fm.md", "---\ngoal: replies\n---\n")
        self.write("good.md", GOOD)
        self.write("me.md", "---\ngoal: x\n---\nI finished my first marathon today.\n")
        data, r = self.lint_json(".", code=1)
        by = {}
        for d in data["diagnostics"]:
            by.setdefault(d["path"], []).append(d)
        self.assertEqual([(d["rule"], d["line"]) for d in by["binary.md"]], [("not-text", 1)])
        self.assertEqual([(d["rule"], d["line"], d["column"]) for d in by["broken.md"]],
                         [("front-matter", 2, 13)])
        self.assertIn("put quotes around", by["broken.md"][0]["message"])
        self.assertEqual([d["rule"] for d in by["open.md"]], ["front-matter"])
        self.assertNotIn("good.md", by)
        self.assertIn("self-focus", [d["rule"] for d in by["me.md"]])
        self.assertNotIn("only-fm.md", by)  # nothing to say about an empty body with a goal
        self.assertEqual(len(data["files"]), 7)

    def test_long_posts_stay_within_the_budgets_and_huge_ones_are_refused(self):
        line = "Buy now and save! I love my new shoes. What do you think? https://x.example/a #tag @bob\n"
        self.write("long.md", "---\ngoal: replies\n---\n" + line * 2300)   # about 200 KB
        self.write("huge.md", "---\ngoal: replies\n---\n" + line * 4000)   # about 350 KB
        data, r = self.lint_json("long.md", "huge.md", code=1)
        self.assertNotIn("rule-error", self.rules_of(data), r.stdout[:2000])
        huge = [d for d in data["diagnostics"] if d["path"] == "huge.md"]
        self.assertEqual([(d["rule"], d["line"]) for d in huge], [("too-large", 4)])
        self.assertIn("limits.max_post_kb is 256", huge[0]["message"])
        self.write(".lintrc", "limits = { max_post_kb = 1024 }\n")
        data, _ = self.lint_json("huge.md")
        self.assertNotIn("too-large", self.rules_of(data))

    def test_nul_after_the_first_kilobytes_and_byte_order_marks(self):
        self.write("nul.md", b"x" * 9000 + b"<!-- note \0 -->\n<!-- postlint-disable -->\nBuy now!\n")
        self.write("bom.md", b"\xef\xbb\xbf---\r\nplatform: x\r\n---\r\nBuy now! 50% off today only!\r\n")
        self.write("bom-nofm.md", b"\xef\xbb\xbfWhat do you think?\n")
        data, _ = self.lint_json("nul.md", "bom.md", "bom-nofm.md")
        self.assertEqual(self.rules_of(data, "nul.md"), ["not-text"])
        bom = {d["rule"]: d for d in data["diagnostics"] if d["path"] == "bom.md"}
        self.assertEqual((bom["no-sales-push"]["line"], bom["no-sales-push"]["column"]), (4, 1))
        self.assertEqual(bom["declare-goal"]["suggestions"][0]["edits"][0],
                         {"start": 8, "end": 8, "text": "goal: replies\r\n"})
        nofm = [d for d in data["diagnostics"] if d["path"] == "bom-nofm.md"]
        self.assertEqual([(d["rule"], d["column"]) for d in nofm], [("declare-goal", 1)])
        self.assertEqual(nofm[0]["suggestions"][0]["edits"][0]["start"], 3)

    def test_directory_named_like_a_post_is_walked_not_read(self):
        os.makedirs(os.path.join(self.dir, "folder.md"))
        self.write("folder.md/inner.md", GOOD)
        data, _ = self.lint_json(".", code=0)
        self.assertEqual(data["files"], ["folder.md/inner.md"])


HOSTILE = {
    "throws": 'error("boom")',
    "reads-files": 'local f = io.open("/etc/passwd")',
    "runs-commands": 'os.execute("touch /tmp/postlint-pwned")',
    "loads-bytecode": 'assert(load("\\27Lua", "x", "b"))',
    "dumps": 'local d = string.dump(function() end)',
    "requires-os": 'require("os")',
    "requires-outside": 'require("..secret")',
    "debugs": 'debug.sethook()',
    "loops": 'while true do end',
    "loops-in-pcall": 'while true do pcall(function() while true do end end) end',
    "loops-in-coroutine": 'coroutine.wrap(function() while true do end end)()',
    "recurses": 'local function f() return 1 + f() end f()',
    "eats-memory": 'local t = {} for i = 1, 1e9 do t[i] = ("x"):rep(1000) .. i end',
    "huge-rep": 'local s = ("x"):rep(2^40)',
    "sets-gc": 'setmetatable({}, { __gc = function() while true do end end })',
    "gc-abuse": 'collectgarbage("stop")',
    "table-error": 'error({ code = 1 })',
    "nil-error": 'error(nil)',
    "yields": 'coroutine.yield()',
}


class HostileRules(Case):
    def plugin(self, rules):
        for rid, body in rules.items():
            self.write(f"plug/rules/{rid}.lua", textwrap.dedent(f"""\
                return {{
                  id = "{rid}", summary = "s", docs = "d", severity = "warning",
                  check = function(post, ctx)
                    {body}
                    ctx:report{{ message = "still running" }}
                  end,
                }}
                """))
        self.write(".lintrc", 'plugins = { "./plug" }\n')

    def test_every_hostile_rule_becomes_a_rule_error_and_the_others_stand(self):
        self.plugin(HOSTILE)
        self.write("p.md", "I finished my first marathon today.\n")
        data, r = self.lint_json("p.md", code=2)
        errors = {}
        for d in data["diagnostics"]:
            if d["rule"] == "rule-error":
                rid = re.match(r"rule '([a-z-]+)'", d["message"]).group(1)
                errors[rid] = d["message"]
        self.assertEqual(sorted(errors), sorted(HOSTILE), json.dumps(data["diagnostics"], indent=1))
        self.assertRegex(errors["throws"], r"rule 'throws' failed: plug/rules/throws\.lua:4: boom")
        verbose = run(["--verbose", "--only", "throws", "p.md"], self.dir)
        self.assertIn("stack traceback:\n  \t[C]: in function 'error'\n  \tplug/rules/throws.lua:4:",
                      verbose.stdout)
        self.assertIn("global 'io'", errors["reads-files"])
        self.assertIn("field 'execute'", errors["runs-commands"])  # os has only time and date
        self.assertIn("binary chunks are not allowed", errors["loads-bytecode"])
        self.assertIn("field 'dump'", errors["dumps"])
        self.assertIn("module 'os.lua' not found in plug", errors["requires-os"])
        self.assertIn("not a module name", errors["requires-outside"])
        self.assertIn("instruction budget exceeded", errors["loops"])
        self.assertIn("instruction budget exceeded", errors["loops-in-pcall"])
        self.assertIn("instruction budget exceeded", errors["loops-in-coroutine"])
        self.assertIn("memory limit exceeded", errors["eats-memory"])
        self.assertIn("__gc metamethods are not allowed", errors["sets-gc"])
        self.assertIn("collectgarbage('stop') is not allowed", errors["gc-abuse"])
        self.assertIn("error object is a table value", errors["table-error"])
        self.assertIn("attempt to yield from outside a coroutine", errors["yields"])
        # the built-in rules' results still stand
        self.assertIn("self-focus", self.rules_of(data))
        self.assertFalse(os.path.exists("/tmp/postlint-pwned"))

    def test_rules_cannot_crash_the_host(self):
        """Defects found in review: each of these crashed, hung or escaped the budgets."""
        self.plugin({
            "reenters-report": 'ctx:report(setmetatable({message="outer"}, {__index=function(t,k) '
                               'if k=="severity" then ctx:report{message="inner"} end end}))',
            "reenters-suggestion": 'ctx:report{message="m", suggestions={setmetatable({title="t"}, '
                                   '{__index=function(_,k) if k=="edits" then ctx:report{message="i"} '
                                   'return {{first=1,last=0,text="x"}} end end})}}',
            "fakes-handle": 'local k; for x in pairs(post) do k = x end; '
                            'post.line_col({[k] = lint.phrases{"a b c", "d e"}}, 1)',
            "moves-a-lot": 'table.move({}, 1, math.maxinteger - 1, 1, {})',
            "counts-columns": 'for i = 1, 1e9 do post:line_col(#post.text) end',
        })
        self.write("p.md", "---\ngoal: x\n---\n" + "word " * 20000 + "\n")
        data, r = self.lint_json("p.md", code=2)
        errors = {re.match(r"rule '([a-z-]+)'", d["message"]).group(1): d["message"]
                  for d in data["diagnostics"] if d["rule"] == "rule-error"}
        self.assertEqual(sorted(errors), ["counts-columns", "fakes-handle", "moves-a-lot"],
                         json.dumps(data["diagnostics"], indent=1)[:3000])
        self.assertIn("expected a post", errors["fakes-handle"])
        self.assertIn("instruction budget exceeded", errors["moves-a-lot"])
        self.assertIn("instruction budget exceeded", errors["counts-columns"])
        messages = [d["message"] for d in data["diagnostics"]]
        self.assertIn("outer", messages)  # raw reads: its __index never ran
        self.assertNotIn("inner", messages)

    def test_a_backtracking_pattern_is_stopped_by_the_budget(self):
        # patterns are step-counted (src/lua/pattern.c): a rule-error, not the watchdog
        self.plugin({"backtracks": 'local s = ("a"):rep(3000); s:find(".-.-.-.-.-.-.-b")'})
        self.write(".lintrc", 'plugins = { "./plug" }\nlimits = { seconds = 1 }\n')
        self.write("p.md", GOOD)
        data, r = self.lint_json("p.md", code=2)
        errors = [d["message"] for d in data["diagnostics"] if d["rule"] == "rule-error"]
        self.assertEqual(len(errors), 1, r.stderr)
        self.assertIn("rule 'backtracks' was stopped", errors[0])
        self.assertIn("instruction budget exceeded", errors[0])
        self.assertNotIn("ran for more than", r.stderr)

    def test_a_memory_hog_is_blamed_and_the_other_rules_keep_working(self):
        self.plugin({"hogs": 'hog = hog or {}; pcall(function() local i = #hog while true do '
                             'i = i + 1; hog[i] = ("x"):rep(1000) .. i end end)'})
        for n in range(6):
            self.write(f"p{n}.md", "---\ngoal: x\n---\nI finished my first marathon today.\n")
        data, r = self.lint_json(*[f"p{n}.md" for n in range(6)], code=2)
        blamed = {re.match(r"rule '([a-z-]+)'", d["message"]).group(1)
                  for d in data["diagnostics"] if d["rule"] == "rule-error"}
        self.assertEqual(blamed, {"hogs"}, json.dumps(data["diagnostics"], indent=1)[:3000])
        for n in range(6):  # the built-in rules still ran on every post
            self.assertIn("self-focus", self.rules_of(data, f"p{n}.md"))

    def test_rule_tests_run_under_the_budget(self):
        self.write("tplug/rules/t.lua", 'return { id = "t", summary = "s", docs = "d", '
                                        'check = function() end, tests = setmetatable({}, '
                                        '{ __index = function() while true do end end }) }\n')
        r = run(["test", "tplug"], self.dir, timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertIn("instruction budget exceeded", r.stdout)

    def test_rules_cannot_poison_each_other(self):
        self.plugin({
            "a-poisoner": 'string.find = function() return 1, 1 end; shared = "a"; '
                          'table.insert = nil',
            "b-victim": 'assert(shared == nil, "saw a global of another rule"); '
                        'assert(("abc"):find("z") == nil, "string.find was poisoned"); '
                        'assert(table.insert, "table.insert was removed")',
        })
        self.write("p.md", GOOD)
        data, r = self.lint_json("p.md", code=0)
        msgs = [d["message"] for d in data["diagnostics"]]
        self.assertEqual(msgs.count("still running"), 2, msgs)

    def test_a_rule_that_keeps_the_post_cannot_use_it_later(self):
        self.plugin({
            "keeper": 'if kept then local _ = kept.words end kept = post',
        })
        self.write("a.md", GOOD)
        self.write("b.md", GOOD)
        data, r = self.lint_json("a.md", "b.md", code=2)
        errors = [d for d in data["diagnostics"] if d["rule"] == "rule-error"]
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["path"], "b.md")
        self.assertIn("no longer valid", errors[0]["message"])

    def test_a_rule_that_keeps_the_words_cannot_read_them_later(self):
        # post.words makes a word's table when it is first read, through the post: a kept
        # list must be refused like the post, not read a post whose run is over
        # (post.sentences likewise)
        self.plugin({
            "keeper": 'if kept then local _ = kept[2] end kept = post.words',
            "counter": 'if kept_words then local _ = #kept_words end kept_words = post.words',
            "sentence-keeper": 'if kept_s then local _ = kept_s[1] end kept_s = post.sentences',
        })
        self.write("a.md", GOOD)
        self.write("b.md", GOOD)
        data, r = self.lint_json("a.md", "b.md", code=2)
        errors = [d for d in data["diagnostics"] if d["rule"] == "rule-error"]
        self.assertEqual(len(errors), 3, errors)
        for e in errors:
            self.assertEqual(e["path"], "b.md")
            self.assertIn("no longer valid", e["message"])

    def test_the_lists_made_as_read_are_lists_and_hold_no_other_post(self):
        # post.words and post.sentences make their items' tables when read, through the
        # post's handle kept in the list (under the key the post table keeps it): reading
        # them every way a list is read gives what a plain list would, and a handle a rule
        # swaps in (any userdata of its own) is refused, never taken for a post
        checks = []
        for name in ("words", "sentences"):
            checks.append(f"""
                local l = post.{name}
                local n, by_ipairs, by_pairs = #l, {{}}, {{}}
                for i, t in ipairs(l) do by_ipairs[i] = t.text end
                for i, t in pairs(l) do by_pairs[#by_pairs + 1] = i .. "=" .. t.text end
                assert(getmetatable(l) == "{name}", "metatable " .. tostring(getmetatable(l)))
                assert(l[0] == nil and l[n + 1] == nil and l.n == nil and l[1.5] == nil)
                assert(rawequal(l[1], l[1]) and l[n].last <= #post.text)
                ctx:report{{ message = "{name} " .. n .. ": " .. table.concat(by_ipairs, "|")
                  .. " / " .. table.concat(by_pairs, "|") }}""")
        self.plugin({
            "lists": "\n".join(checks),
            # (after "lists", which read every item: # still asks the handle)
            "spoofer": 'rawset(post.sentences, math.mininteger, lint.phrases{ "x" }); '
                       'local _ = #post.sentences',
        })
        self.write("p.md", "Big news. We shipped it! Do you like it?\n")
        data, r = self.lint_json("p.md", code=2)
        msgs = sorted(d["message"] for d in data["diagnostics"] if d["rule"] == "lists")
        self.assertEqual(msgs, [
            "sentences 3: Big news.|We shipped it!|Do you like it? / "
            "1=Big news.|2=We shipped it!|3=Do you like it?",
            "still running",
            "words 9: Big|news|We|shipped|it|Do|you|like|it / "
            "1=Big|2=news|3=We|4=shipped|5=it|6=Do|7=you|8=like|9=it"], data["diagnostics"])
        errors = [d["message"] for d in data["diagnostics"] if d["rule"] == "rule-error"]
        self.assertEqual(len(errors), 1, errors)
        self.assertIn("rule 'spoofer' failed", errors[0])
        self.assertIn("expected a post", errors[0])

    def test_a_list_given_a_post_without_words_is_refused(self):
        # the handle a list keeps can be swapped for a real one of another post: one of a
        # post of check_set that has no words (a light post, its tokens long freed) must be
        # refused, not read (this crashed postlint)
        self.write("plug/rules/swapper.lua", textwrap.dedent("""\
            return {
              id = "swapper", summary = "s", docs = "d", severity = "warning",
              collect = function(post, ctx) kept = kept or post.words; return {} end,
              check_set = function(posts, ctx)
                rawset(kept, math.mininteger, rawget(posts[1], math.mininteger))
                ctx:report{ post = posts[1], message = "words: " .. #kept }
              end,
            }
            """))
        self.write(".lintrc", 'plugins = { "./plug" }\n')
        self.write("a.md", GOOD)
        self.write("b.md", GOOD)
        data, r = self.lint_json("--jobs", "1", "--only", "swapper", "a.md", "b.md", code=2)
        errors = [d["message"] for d in data["diagnostics"] if d["rule"] == "rule-error"]
        self.assertEqual(len(errors), 1, r.stdout + r.stderr)
        self.assertIn("this list is not a list of a post's words or sentences", errors[0])

    def test_the_invitations_metatables_are_out_of_reach(self):
        # post:invitation's results share two metatables per state: a rule may not read
        # (for their functions), change (a __gc of its own) or take them away
        self.plugin({"inv": textwrap.dedent("""\
            local W = { phrases = {}, sets = {}, data = {} }
            local inv = post:invitation(W, nil, false, 0)
            assert(getmetatable(inv) == "invitation", tostring(getmetatable(inv)))
            assert(not pcall(setmetatable, inv, nil), "the metatable was taken")
            local judged
            for _, v in pairs(inv) do
              if type(v) == "userdata" then judged = v end
            end
            assert(getmetatable(judged) == "invitation judgments")
            assert(#inv.sentences == 2 and inv.sentences[2].question)""").replace("\n", " ")})
        self.write("p.md", "We met. Do you agree?\n")
        data, r = self.lint_json("--only", "inv", "p.md", code=0)
        self.assertEqual([d["message"] for d in data["diagnostics"]], ["still running"],
                         r.stdout + r.stderr)

    def test_broken_rule_files_are_reported_with_their_line(self):
        self.write("plug/rules/syntax.lua", "return {\n  id = 'syntax',\n  summary = \n}\n")
        self.write("plug/rules/typo.lua", 'return { id = "typo", summary = "s", docs = "d", '
                                          'severty = "error", check = function() end }\n')
        self.write("plug/rules/wrong-name.lua", 'return { id = "right-name", summary = "s", '
                                                'docs = "d", check = function() end }\n')
        # two typos: both named, sorted (not the first in the state's hash order, which
        # differs from run to run)
        self.write("plug/rules/typos.lua", 'return { id = "typos", summary = "s", docs = "d", '
                                           'severty = "error", chekc = function() end, '
                                           '[1] = true }\n')
        self.write(".lintrc", 'plugins = { "./plug" }\n')
        self.write("p.md", GOOD)
        for _ in range(4):
            r = run(["p.md"], self.dir)
            self.assertIn("plug/rules/typos.lua: unknown fields '1', 'chekc', 'severty' in the "
                          "rule table", r.stderr)
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stderr, r"plug/rules/syntax\.lua:4: unexpected symbol near '}'")
        self.assertIn("plug/rules/typo.lua: unknown field 'severty'", r.stderr)
        self.assertIn("in the rule table (fields: id, summary, docs, severity, fixable, options, "
                      "check, check_set, collect, tests, version)", r.stderr)
        self.assertIn("rule id 'right-name' does not match its file name (wrong-name.lua)", r.stderr)

    def test_plugin_require_stays_in_its_folder(self):
        self.write("plug/lib/helper.lua", 'return { word = "fromhelper" }\n')
        self.write("plug/rules/uses-helper.lua", textwrap.dedent("""\
            local helper = require("lib.helper")
            return { id = "uses-helper", summary = "s", docs = "d",
              check = function(post, ctx) ctx:report{ message = helper.word } end }
            """))
        self.write(".lintrc", 'plugins = { "./plug" }\n')
        self.write("p.md", GOOD)
        data, _ = self.lint_json("p.md")
        self.assertIn("fromhelper", [d["message"] for d in data["diagnostics"]])

    def test_a_module_that_fails_to_load_says_why_to_every_rule_that_requires_it(self):
        # the first require's error must not leave the module marked as loading: the next
        # rule requiring it would be told "requires itself", a cycle there is not
        self.write("plug/lib/broken.lua", "return { oops = }\n")
        for name in ("first", "second"):
            self.write(f"plug/rules/{name}.lua", textwrap.dedent(f"""\
                local broken = require("lib.broken")
                return {{ id = "{name}", summary = "s", docs = "d",
                  check = function(post, ctx) end }}
                """))
        self.write(".lintrc", 'plugins = { "./plug" }\n')
        self.write("p.md", GOOD)
        r = run(["p.md"], self.dir)
        self.assertEqual(r.returncode, 2, r.stderr)
        # each of the two rules fails to load with the module's own error
        self.assertEqual(r.stderr.count("plug/lib/broken.lua:1: unexpected symbol near '}'"), 2,
                         r.stderr)
        self.assertNotIn("requires itself", r.stderr)


# Posts written for these tests (not from the tuning set): each breaks one golden rule.
UNSEEN = {
    "invite-conversation": "Our garden produced forty kilos of tomatoes this summer, most of them in August.",
    "no-sales-push": "Flash sale! 40% off every planter, today only. Order now at https://pots.example/sale",
    "share-needs-commentary": "RT @cityplanner: New bike lanes approved for the whole east side https://city.example/news/42",
    "no-bare-quote": "“The best time to plant a tree was twenty years ago.” — Chinese proverb #quote",
    "self-focus": "I spent my whole Saturday rebuilding my bookshelf and I'm so proud of myself.",
}


class GoldenRules(Case):
    def test_each_unseen_post_gets_its_rule_with_a_suggestion(self):
        for rule, text in UNSEEN.items():
            with self.subTest(rule=rule):
                self.write("p.md", "---\ngoal: conversation\n---\n" + text + "\n")
                data, _ = self.lint_json("p.md")
                hits = [d for d in data["diagnostics"] if d["rule"] == rule]
                self.assertEqual(len(hits), 1, json.dumps(data["diagnostics"], indent=1))
                self.assertTrue(hits[0]["suggestions"] or hits[0]["fix"], hits[0])
                for s in hits[0]["suggestions"]:
                    self.assertTrue(s["title"])
                    self.assertTrue(s["edits"], s)

    def test_a_good_post_gets_nothing(self):
        self.write("p.md", GOOD)
        data, _ = self.lint_json("p.md", code=0)
        self.assertEqual(data["diagnostics"], [])

    def test_missing_and_vanity_goals(self):
        self.write("none.md", "What should we plant next spring?\n")
        self.write("vanity.md", "---\ngoal: 10k impressions\n---\nWhat should we plant next spring?\n")
        data, _ = self.lint_json("none.md", "vanity.md")
        got = [(d["path"], d["rule"], d["line"], d["column"]) for d in data["diagnostics"]]
        self.assertEqual(got, [("none.md", "declare-goal", 1, 1), ("vanity.md", "declare-goal", 2, 7)])
        v = data["diagnostics"][1]
        self.assertEqual(v["suggestions"][0]["edits"][0]["text"], "replies")

    def test_a_cross_post_is_reported_where_its_text_starts(self):
        # the finding's place comes with the match (lint.nearest_posts carries the post's
        # collected `first` and `last`); without it, ctx:report would fall back to the body's
        # first line, here a blank one
        body = "\n\n   " + GOOD.split("---\n")[2]
        for platform in ("x", "linkedin"):
            self.write(platform + ".md", "---\nplatform: %s\ngoal: replies\n---\n%s"
                       % (platform, body))
        for args in ((".",), ("--jobs", "1", "x.md", "linkedin.md")):
            with self.subTest(args=args):
                data, _ = self.lint_json(*args)
                got = sorted((d["path"], d["line"], d["column"], d["end_line"], d["end_column"])
                             for d in data["diagnostics"] if d["rule"] == "cross-post-duplicate")
                end = 4 + len(GOOD.split("---\n")[2].split("\n")[0])
                self.assertEqual(got, [("linkedin.md", 7, 4, 7, end), ("x.md", 7, 4, 7, end)])

    def test_language_without_word_lists_stays_silent(self):
        self.write("fr.md", "---\ngoal: conversation\nlang: fr\n---\nJe suis allée au marché.\n")
        data, _ = self.lint_json("fr.md", code=0)
        self.assertEqual(data["diagnostics"], [])

    def test_examples_folder(self):
        r = run(["--format", "json", "examples"], ROOT)
        self.assertEqual(r.returncode, 1, r.stderr)
        data = json.loads(r.stdout)
        got = sorted((os.path.basename(d["path"]), d["rule"]) for d in data["diagnostics"])
        self.assertEqual(got, [
            ("2026-12-01-spring-sale.md", "invite-conversation"),
            ("2026-12-01-spring-sale.md", "no-sales-push"),
            ("2026-12-03-new-role.md", "invite-conversation"),
            ("2026-12-03-new-role.md", "self-focus"),
            ("2026-12-04-slow-hiring.md", "invite-conversation"),
            ("2026-12-04-slow-hiring.md", "share-needs-commentary"),
            ("2026-12-05-monday-quote.md", "declare-goal"),
            ("2026-12-05-monday-quote.md", "hashtag-case"),
            ("2026-12-05-monday-quote.md", "invite-conversation"),
            ("2026-12-05-monday-quote.md", "no-bare-quote"),
        ] + [("2026-12-08-field-notes-thread.md", rule) for rule in [
            "engagement-bait", "exclamation-overuse", "hashtag-case", "hashtag-case",
            "hashtag-case", "hashtag-limit", "max-length", "max-length", "thread-numbering",
            "thread-numbering", "thread-numbering", "thread-numbering"]
        ] + [
            ("launch-idea.md", "self-focus"),
        ])
        self.assertNotIn("examples/posts/archive/2019-old-promo.md", data["files"])


class Commands(Case):
    def test_rules_lists_every_golden_rule(self):
        r = run(["rules"], self.dir)
        self.assertEqual(r.returncode, 0)
        ids = [line.split()[0] for line in r.stdout.splitlines()]
        for rule in GOLDEN:
            self.assertIn(rule, ids)

    def test_explain(self):
        r = run(["explain", "no-sales-push"], self.dir)
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith("no-sales-push: No pure sales pushes"))
        self.assertIn("Bad:", r.stdout)
        self.assertIn("threshold", r.stdout)
        r = run(["explain", "nope"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown rule 'nope'", r.stderr)

    def test_version_and_help(self):
        r = run(["--version"], self.dir)
        self.assertRegex(r.stdout, r"^postlint \d+\.\d+\.\d+\n  Lua 5\.4")
        r = run(["--help"], self.dir)
        for flag in ["--format", "--rule", "--only", "--config", "--max-warnings", "--no-color",
                     "--quiet", "--print-config", "--rules-dir"]:
            self.assertIn(flag, r.stdout)

    def test_rule_tests_fail_on_wrong_expectations(self):
        self.write("plug/rules/wrong.lua", textwrap.dedent("""\
            return { id = "wrong", summary = "s", docs = "d",
              check = function(post, ctx)
                local s, e = post.text:find("synergy", 1, true)
                if s then ctx:report{ message = "no buzzwords", first = s, last = e } end
              end,
              tests = {
                valid = { "plain words" },
                invalid = { { text = "more synergy", errors = 2 },
                            { text = "synergy", errors = { { message = "buzz", line = 1, column = 1 } } } },
              } }
            """))
        r = run(["test", "plug"], self.dir)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("not ok 2 - wrong invalid #1\n  expected 2 problems, got 1", r.stdout)
        self.assertIn('  text: "more synergy"', r.stdout)
        self.assertTrue(r.stdout.rstrip().endswith("2 passed, 1 failed"), r.stdout)


class Documentation(Case):
    def test_the_readme_rule_example_works_as_written(self):
        with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        section = readme[readme.index("## Writing a rule"):]
        code = re.search(r"```lua\n(.*?)```", section, re.S).group(1)
        self.write("lint/our-brand/rules/no-synergy.lua", code)
        r = run(["test", "lint/our-brand"], self.dir)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(r.stdout.rstrip().endswith("2 passed, 0 failed"), r.stdout)
        self.write(".lintrc", 'plugins = { "./lint/our-brand" }\n')
        self.write("p.md", "---\ngoal: x\n---\nWhat does synergy mean to you?\n")
        r = run(["--no-color", "p.md"], self.dir)
        self.assertIn('p.md:4:11 warning Jargon: synergy [no-synergy]', r.stdout)
        self.assertIn('  fix: replace "synergy" with "working together"', r.stdout)
        self.assertIn("1 with a safe fix", r.stdout)

    def test_lintrc_example_documents_every_key_and_loads(self):
        r = run(["--config", os.path.join(ROOT, ".lintrc.example"), "--print-config", "p.md"], self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(ROOT, ".lintrc.example"), encoding="utf-8") as f:
            example = f.read()
        for key in ["platform", "lang", "include", "exclude", "extensions", "plugins", "rules",
                    "overrides", "limits", "instructions", "memory_mb", "max_post_kb", "seconds"]:
            self.assertRegex(example, r"\b%s\b" % key)


class Git(Case):
    def git(self, *args):
        subprocess.run(["git", *args], cwd=self.dir, check=True, capture_output=True,
                       env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e",
                            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"})

    POST = "---\ngoal: x\n---\nI finished my first marathon today.\n"

    def repo_with(self, ignore, posts):
        """A repository with this .gitignore and these posts, untracked."""
        self.git("init", "-q")
        self.write(".gitignore", ignore)
        for path in posts:
            self.write(path, self.POST)

    def linted(self, cwd):
        r = run(["--format", "json"], cwd)
        return sorted(json.loads(r.stdout)["files"])

    def test_gitignored_posts_are_skipped_and_the_repo_root_is_the_default(self):
        self.repo_with("scratch/\n*.tmp.md\n", ["posts/a.md", "posts/b.tmp.md", "scratch/c.md",
                                                 "posts/ünïcode name with spaces.md"])
        os.makedirs(os.path.join(self.dir, "posts", "deep"))
        self.assertEqual(self.linted(os.path.join(self.dir, "posts", "deep")),
                         ["../a.md", "../ünïcode name with spaces.md"])

    def test_every_source_of_ignore_rules_is_honoured(self):
        # without any rule postlint does not ask git (nor read the index): each source of
        # rules must make it ask again - info/exclude, core.excludesFile, git's default
        # excludes file, a .gitignore above the folder walked or in a folder below it - and
        # git ignores what is under .git whatever the rules
        home, xdg = os.path.join(self.dir, "home"), os.path.join(self.dir, "xdg")
        cases = {
            "info/exclude": lambda: self.write(".git/info/exclude", "# comment\n\nb.md\n"),
            "core.excludesFile": lambda: (
                self.write("rules.txt", "b.md\n"),
                self.git("config", "core.excludesFile", os.path.join(self.dir, "rules.txt"))),
            "$XDG_CONFIG_HOME/git/ignore": lambda: self.write("xdg/git/ignore", "b.md\n"),
            "~/.config/git/ignore": lambda: self.write("home/.config/git/ignore", "b.md\n"),
            ".gitignore above": lambda: self.write(".gitignore", "posts/b.md\n"),
            ".gitignore below": lambda: self.write("posts/.gitignore", "b.md\n"),
        }
        for name, add_rule in cases.items():
            with self.subTest(source=name):
                shutil.rmtree(self.dir)
                os.makedirs(self.dir)
                self.git("init", "-q")
                for post in ("posts/a.md", "posts/b.md", "other/b.md"):
                    self.write(post, self.POST)
                # an index past 16 KB: postlint reads a smaller one rather than look for
                # rules elsewhere
                for i in range(300):
                    self.write("assets/file-%03d.txt" % i, "x\n")
                self.git("add", "assets")
                # (git reads ~/.config/git/ignore only where XDG_CONFIG_HOME is not set)
                env = {k: v for k, v in os.environ.items() if k != "XDG_CONFIG_HOME"}
                env["HOME"] = home
                if not name.startswith("~"):
                    env["XDG_CONFIG_HOME"] = xdg
                lint = lambda: subprocess.run([POSTLINT, "--format", "json", "posts"],
                                              cwd=self.dir, env=env, capture_output=True,
                                              text=True, timeout=60)
                r = lint()
                self.assertEqual(sorted(json.loads(r.stdout)["files"]),
                                 ["posts/a.md", "posts/b.md"], r.stderr)
                add_rule()
                r = lint()
                self.assertEqual(sorted(json.loads(r.stdout)["files"]), ["posts/a.md"],
                                 r.stderr)
        shutil.rmtree(self.dir)
        os.makedirs(self.dir)
        self.git("init", "-q")
        self.write(".git/drafts/a.md", self.POST)
        r = run(["--format", "json", ".git/drafts"], self.dir)
        self.assertEqual(json.loads(r.stdout)["files"], [], r.stderr)

    def test_a_tracked_post_is_linted_even_where_gitignore_matches_it(self):
        # git's rule: ignore patterns apply to untracked files only
        self.repo_with("*.tmp.md\n", ["posts/kept.tmp.md", "posts/scratch.tmp.md", "posts/a.md"])
        self.git("add", "-f", "posts/kept.tmp.md")
        self.assertEqual(self.linted(self.dir), ["posts/a.md", "posts/kept.tmp.md"])


if __name__ == "__main__":
    harness.main(sys.modules[__name__], postlint_default=os.path.join(ROOT, "build", "postlint"))
