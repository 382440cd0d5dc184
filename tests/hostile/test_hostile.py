#!/usr/bin/env python3
"""Hostile rules and a hostile .lintrc: each rule that breaks out, loops, hogs memory, abuses
the runtime or poisons the others must end as one `rule-error` naming the rule and the post,
with every other rule's results still printed and exit code 2; a tripped budget costs well
under a second (timings are printed; the bound asserted is generous, for sanitizer builds).

Usage: test_hostile.py --postlint PATH [unittest options]
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

POSTLINT = None

# rule id -> (body run inside check(post, ctx), text the rule-error message must contain)
HOSTILE = {
    "runs-commands": ('os.execute("touch /tmp/postlint-hostile-pwned")', "field 'execute'"),
    "reads-env": ('local home = os.getenv("HOME")', "field 'getenv'"),
    "opens-files": ('local f = io.open("/etc/passwd")', "global 'io'"),
    "opens-via-package": ('package.loadlib("libc.so.6", "system")', "global 'package'"),
    "requires-c-module": ('require("lpeg")', "module 'lpeg.lua' not found in plug"),
    "requires-os": ('require("os")', "module 'os.lua' not found in plug"),
    "requires-parent": ('require("..secret")', "not a module name"),
    "requires-path": ('require("/etc/passwd")', "not a module name"),
    "requires-symlink": ('require("lib.escape")', "module 'lib/escape.lua' not found in plug"),
    "loads-bytecode": ('assert(load("\\27Lua\\84\\0", "x", "b"))', "binary chunks are not allowed"),
    "loads-bytecode-text-mode": ('assert(load("\\27Lua\\84\\0"))', "attempt to load a binary chunk"),
    "loads-a-function": ('assert(load(function() return nil end))', "only load source text"),
    "dumps": ('local d = string.dump(function() end)', "field 'dump'"),
    "debugs": ('debug.sethook()', "global 'debug'"),
    "gets-registry": ('debug.getregistry()', "global 'debug'"),
    "stops-gc": ('collectgarbage("stop")', "collectgarbage('stop') is not allowed"),
    "forces-gc": ('for i = 1, 1e6 do collectgarbage() end', "collectgarbage('collect') is not allowed"),
    "tunes-gc": ('collectgarbage("generational")', "collectgarbage('generational') is not allowed"),
    "sets-gc": ('setmetatable({}, { __gc = function() while true do end end })',
                "__gc metamethods are not allowed"),
    "string-metatable": ('setmetatable("", { __index = function() return "pwned" end })',
                         "bad argument #1 to 'setmetatable' (table expected, got string)"),
    "string-metatable-field": ('getmetatable("").__index = {}', "attempt to index a string value"),
    "string-metatable-raw": ('rawset(getmetatable(""), "__index", {})',
                             "bad argument #1 to 'rawset' (table expected, got string)"),
    "loops": ('while true do end', "instruction budget exceeded"),
    "loops-in-pcall": ('while true do pcall(function() while true do end end) end',
                       "instruction budget exceeded"),
    "loops-in-xpcall": ('xpcall(function() while true do end end, function() while true do end end)',
                        "instruction budget exceeded"),
    "loops-in-handler": ('xpcall(error, function() while true do end end)', "instruction budget exceeded"),
    "loops-in-close": ('local x <close> = setmetatable({}, { __close = function() while true do end end })',
                       "__close metamethods are not allowed"),
    "loops-in-coroutine": ('coroutine.wrap(function() while true do end end)()',
                           "instruction budget exceeded"),
    "loops-resuming": ('local co = coroutine.create(function() while true do coroutine.yield() end end) '
                       'while true do coroutine.resume(co) end', "instruction budget exceeded"),
    "loops-in-tostring": ('error(setmetatable({}, { __tostring = function() while true do end end }))',
                          "instruction budget exceeded"),
    "loops-in-sort": ('local t = {} for i = 1, 1000 do t[i] = i end '
                      'table.sort(t, function(a, b) while true do end end)', "instruction budget exceeded"),
    "backtracks": ('local s = ("a"):rep(5000); s:find(".-.-.-.-.-.-.-.-b")', "instruction budget exceeded"),
    "backtracks-in-gsub": ('local s = ("a"):rep(5000); s:gsub("(.-)(.-)(.-)(.-)b", "%1")',
                           "instruction budget exceeded"),
    "recurses": ('local function f() return 1 + f() end f()', "stack overflow|memory limit exceeded"),
    "recurses-in-c": ('local t = setmetatable({}, {}); getmetatable(t).__index = function(s, k) '
                      'return s[k] end; local _ = t.x', "stack overflow|C stack overflow|memory limit"),
    "huge-rep": ('local s = ("x"):rep(2^40)', "instruction budget exceeded"),
    "rep-empty": ('local s = (""):rep(math.maxinteger)', "instruction budget exceeded"),
    "rep-separator": ('local s = ("x"):rep(1e6, ("y"):rep(1000))', "memory limit exceeded|instruction budget"),
    "big-rep": ('local s = ("x"):rep(1e8)', "memory limit exceeded"),
    "grows-table": ('local t = {} for i = 1, 1e9 do t[i] = i end', "memory limit exceeded|instruction budget"),
    "grows-strings": ('local t = {} for i = 1, 1e9 do t[i] = ("x"):rep(1000) .. i end',
                      "memory limit exceeded"),
    "concats": ('local s = "x" while true do s = s .. s end', "memory limit exceeded"),
    "grows-small-tables": ('local t = {} for i = 1, 1e9 do t[i] = { i } end',
                           "memory limit exceeded|instruction budget"),
    # one instruction or library call, much work in C: charged by what they copy, shift or scan
    "copies-long-strings": ('local s = ("x"):rep(1e7) for i = 1, 1e9 do local y = s .. "a" end',
                            "instruction budget exceeded"),
    "shifts-tables": ('local t = {} for i = 1, 1e6 do t[i] = i end '
                      'for i = 1, 1e9 do table.insert(t, 1, 0) table.remove(t, 1) end',
                      "instruction budget exceeded"),
    "sorts-forever": ('local t = {} for i = 1, 1e6 do t[i] = -i end for i = 1, 1e9 do table.sort(t) end',
                      "instruction budget exceeded"),
    "scans-utf8": ('local s = ("é"):rep(1e6) for i = 1, 1e9 do local n = utf8.len(s) end',
                   "instruction budget exceeded"),
    "concats-tables": ('local t = {} for i = 1, 1e5 do t[i] = "x" end '
                       'for i = 1, 1e9 do local s = table.concat(t) end', "instruction budget exceeded"),
    "table-error": ('error({ code = 1 })', "error object is a table value"),
    "nil-error": ('error(nil)', "error object is a nil value"),
    "yields": ('coroutine.yield()', "attempt to yield from outside a coroutine"),
    "yields-from-pcall": ('pcall(coroutine.yield, 1); error("went on")', "went on"),
    "closes-running": ('coroutine.close(coroutine.running())', "cannot close a running coroutine"),
    "prints-a-lot": ('for i = 1, 1e9 do print(("x"):rep(100)) end', "instruction budget exceeded"),
    # the methods that take a phrase set check its type by its metatable's address
    # (api_check_phrases): another userdata, the post's own handle, or a string is refused
    "fakes-a-phrase-set": ('post:find(rawget(post, math.mininteger))',
                           r"postlint\.phrases expected, got postlint\.post_handle"),
    "fakes-phrases-in-matches": ('post:matches(rawget(post, math.mininteger), 1, 10)',
                                 r"postlint\.phrases expected, got postlint\.post_handle"),
    "passes-a-string-as-phrases": ('post:find("buy now")', r"postlint\.phrases expected, got string"),
}

RULE = """\
return {{
  id = "{rid}", summary = "s", docs = "d", severity = "warning",
  check = function(post, ctx)
    {body}
    ctx:report{{ message = "still running" }}
  end,
}}
"""

# Budget-trippers, timed one by one.
TIMED = ["loops", "loops-in-pcall", "loops-in-coroutine", "backtracks", "backtracks-in-gsub",
         "copies-long-strings", "shifts-tables", "sorts-forever", "scans-utf8",
         "huge-rep", "rep-empty", "big-rep", "grows-strings", "recurses"]
BOUND = 10.0  # seconds: generous; the budget itself is about 0.1 s of Lua


def run(args, cwd, timeout=120):
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    return subprocess.run([POSTLINT] + args, cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=timeout)


class Hostile(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="postlint-hostile-")
        self.outside = tempfile.mkdtemp(prefix="postlint-outside-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        shutil.rmtree(self.outside, ignore_errors=True)

    def write(self, rel, text):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def plugin(self, rules, lintrc_extra=""):
        for rid, body in rules.items():
            self.write(f"plug/rules/{rid}.lua", RULE.format(rid=rid, body=body))
        # a module that is a symlink to a file outside the plugin folder
        secret = os.path.join(self.outside, "escape.lua")
        with open(secret, "w") as f:
            f.write('return "outside"\n')
        os.makedirs(os.path.join(self.dir, "plug/lib"), exist_ok=True)
        os.symlink(secret, os.path.join(self.dir, "plug/lib/escape.lua"))
        self.write(".lintrc", 'plugins = { "./plug" }\n' + lintrc_extra)

    def lint(self, *args, code=2):
        r = run(["--format", "json", *args], self.dir)
        self.assertEqual(r.returncode, code, r.stdout[:3000] + r.stderr[:3000])
        return json.loads(r.stdout), r

    def errors_by_rule(self, data):
        errors = {}
        for d in data["diagnostics"]:
            if d["rule"] != "rule-error":
                continue
            m = re.match(r"rule '([a-z0-9-]+)'", d["message"])
            self.assertIsNotNone(m, d["message"])
            self.assertNotIn(m.group(1), errors, "one rule-error per rule and post")
            errors[m.group(1)] = d
        return errors

    def test_every_hostile_rule_is_a_rule_error_naming_rule_and_post(self):
        rules = {rid: body for rid, (body, _) in HOSTILE.items()}
        rules["well-behaved"] = "-- nothing hostile"
        self.plugin(rules)
        self.write("p.md", "I finished my first marathon today.\n")
        self.write("q.md", "What do you think of our new garden?\n")
        start = time.monotonic()
        data, r = self.lint("p.md", "q.md")
        took = time.monotonic() - start
        print(f"\n# {len(HOSTILE)} hostile rules on 2 posts: {took:.2f} s in all", file=sys.stderr)
        for post in ("p.md", "q.md"):
            errors = self.errors_by_rule({"diagnostics": [d for d in data["diagnostics"]
                                                          if d["path"] == post]})
            self.assertEqual(sorted(errors), sorted(HOSTILE),
                             json.dumps(data["diagnostics"], indent=1)[:4000])
            for rid, (_, want) in HOSTILE.items():
                d = errors[rid]
                self.assertEqual(d["path"], post)
                self.assertEqual(d["severity"], "error")
                # plain text, or a regular expression for "either of" (a|b)
                self.assertTrue(want in d["message"] or re.search(want, d["message"]),
                                f"{rid}: {d['message']!r} does not say {want!r}")
            # the other rules' results stand: the plugin's well-behaved rule and built-ins
            msgs = [(d["rule"], d["message"]) for d in data["diagnostics"] if d["path"] == post]
            self.assertIn(("well-behaved", "still running"), msgs)
            self.assertIn("invite-conversation" if post == "p.md" else "declare-goal",
                          [rule for rule, _ in msgs])
        self.assertIn("self-focus", [d["rule"] for d in data["diagnostics"] if d["path"] == "p.md"])
        self.assertFalse(os.path.exists("/tmp/postlint-hostile-pwned"))
        # the text output names the rule and the post too
        r = run(["--only", "loops", "p.md"], self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stdout, r"p\.md:1:1 error rule 'loops' .*instruction budget exceeded.*\[rule-error\]")

    def test_a_tripped_budget_costs_well_under_a_second(self):
        self.plugin({rid: HOSTILE[rid][0] for rid in TIMED})
        self.write("p.md", "I finished my first marathon today.\n")
        for rid in TIMED:
            start = time.monotonic()
            data, _ = self.lint("--only", rid, "p.md")
            took = time.monotonic() - start
            print(f"# {rid}: stopped, whole run {took:.3f} s", file=sys.stderr)
            self.assertEqual(sorted(self.errors_by_rule(data)), [rid])
            self.assertLess(took, BOUND, rid)

    def test_work_no_charge_sees_is_stopped_by_the_time_limit(self):
        # comparing two long strings is one instruction and a memcmp of 10 MB
        self.plugin({"compares": 'local a, b = ("x"):rep(1e7), ("x"):rep(1e7) local n = 0 '
                                 'for i = 1, 1e9 do if a == b then n = n + 1 end end'},
                    lintrc_extra="limits = { seconds = 1 }\n")
        self.write("p.md", "What do you think of our new garden?\n")
        start = time.monotonic()
        data, _ = self.lint("p.md")
        took = time.monotonic() - start
        print(f"\n# compares (limits.seconds = 1): stopped, whole run {took:.2f} s", file=sys.stderr)
        errors = self.errors_by_rule(data)
        self.assertEqual(sorted(errors), ["compares"])
        self.assertIn("time limit exceeded (1 seconds)", errors["compares"]["message"])
        self.assertIn("declare-goal", [d["rule"] for d in data["diagnostics"]])
        self.assertLess(took, BOUND)

    def test_rules_from_files_are_counted_from_their_first_instruction(self):
        # Only the built-in rules compiled into postlint run uncounted while they are quick
        # (host_trust_next_call); a plugin's rule, or one loaded with --rules-dir, is counted
        # from the start: a quick loop of about 1.6 million instructions trips a budget of 1
        # million at once, long before the watchdog would start counting a trusted call.
        busy = "local n = 0 for i = 1, 800000 do n = n + i end"
        self.plugin({"busy": busy}, lintrc_extra="limits = { instructions = 1000000 }\n")
        self.write("p.md", "What do you think of our new garden?\n")
        data, _ = self.lint("p.md")
        errors = self.errors_by_rule(data)
        self.assertEqual(sorted(errors), ["busy"])
        self.assertIn("instruction budget exceeded (1 million instructions)",
                      errors["busy"]["message"])
        self.assertIn("declare-goal", [d["rule"] for d in data["diagnostics"]])
        self.write(".lintrc", "limits = { instructions = 1000000 }\n")
        data, _ = self.lint("--rules-dir", "plug/rules", "p.md")
        errors = self.errors_by_rule(data)
        self.assertEqual(sorted(errors), ["busy"])
        self.assertIn("instruction budget exceeded", errors["busy"]["message"])
        # the same loop inside a limit it fits is no error (the test measures the budget)
        self.write(".lintrc", "limits = { instructions = 4000000 }\n")
        data, _ = self.lint("--rules-dir", "plug/rules", "p.md", code=0)  # a warning
        self.assertEqual(self.errors_by_rule(data), {})

    def test_a_forged_post_handle_is_refused(self):
        # pairs(post) shows where the table keeps its handle; a rule that puts a userdata of
        # its own there (lint.phrases makes one) gets "expected a post", not another post
        self.plugin({"forges": 'for k, v in pairs(post) do if type(v) == "userdata" then '
                               'rawset(post, k, lint.phrases({ "x" })) end end '
                               'local found = post:find(lint.phrases({ "garden" }))'})
        self.write("p.md", "What do you think of our new garden?\n")
        data, _ = self.lint("p.md")
        errors = self.errors_by_rule(data)
        self.assertEqual(sorted(errors), ["forges"])
        self.assertIn("expected a post", errors["forges"]["message"])
        self.assertIn("declare-goal", [d["rule"] for d in data["diagnostics"]])

    def test_rules_cannot_poison_each_other(self):
        # rules run in id order; a-* poison, z-* check they see none of it. Rules of one plugin
        # share the post table (by design: one author); other plugins get their own.
        self.plugin({
            "a-globals": 'shared_secret = "a"; _G.leak = 1; rawset(_G, "raw_leak", 1); error("done")',
            "a-string-lib": 'string.upper = function() return "PWNED" end; string.find = nil; '
                            'table.insert = nil; math.floor = nil; error("done")',
            "a-env-metatable": 'setmetatable(_G, { __index = function() error("poisoned") end, '
                               '__newindex = function() error("poisoned") end }); error("done")',
            "a-lint-api": 'lint.phrases = nil; lint.words = function() error("poisoned") end; error("done")',
            "a-post": 'rawset(post, "text", "poisoned"); local w = post.words; '
                      'if w[1] then w[1].text = "poisoned" end; rawset(post, "words", {}); error("done")',
            "z-victim": 'assert(shared_secret == nil and leak == nil and raw_leak == nil, "saw a global") '
                        'assert(("x"):upper() == "X" and string.upper("x") == "X", "string.upper poisoned") '
                        'assert(string.find("abc", "b") == 2, "string.find removed") '
                        'assert(table.insert and math.floor, "library removed") '
                        'assert(lint.phrases, "lint api poisoned") '
                        'local ok = pcall(function() return undefined_global end) assert(ok, "env poisoned")',
        })
        self.write("other/rules/z-other-plugin.lua", RULE.format(
            rid="z-other-plugin",
            body='assert(post.text ~= "poisoned" and #post.words > 0 and post.words[1].text ~= "poisoned", '
                 '"post poisoned by another plugin")'))
        self.write(".lintrc", 'plugins = { "./plug", "./other" }\n')
        self.write("p.md", "What do you think of our new garden?\n")
        data, _ = self.lint("p.md")
        errors = self.errors_by_rule(data)
        self.assertEqual(sorted(errors), ["a-env-metatable", "a-globals", "a-lint-api", "a-post",
                                          "a-string-lib"], json.dumps(errors, indent=1)[:3000])
        for d in errors.values():
            self.assertIn("done", d["message"])
        reported = [(d["rule"], d["message"]) for d in data["diagnostics"]]
        self.assertIn(("z-victim", "still running"), reported)
        self.assertIn(("z-other-plugin", "still running"), reported)

    def test_globals_do_not_carry_from_one_post_to_the_next_rule(self):
        self.plugin({
            "a-writer": 'written = (written or 0) + 1',
            "b-reader": 'assert(written == nil, "read a global of a-writer")',
        })
        for n in range(3):
            self.write(f"p{n}.md", "What do you think of our new garden?\n")
        data, _ = self.lint("p0.md", "p1.md", "p2.md", code=0)
        self.assertEqual([d["message"] for d in data["diagnostics"]].count("still running"), 6)


    def test_garbage_past_the_memory_cap_is_collected_not_refused(self):
        # a run of a few posts starts with the collector paused (host_pause_collector):
        # garbage then piles up to the cap, where the allocation collects it all and goes
        # on; only memory that is still held is "not enough memory"
        self.plugin({
            "churns": 'local n = 0 for i = 1, 60 do n = n + #(string.rep("x", 1 << 20) .. i) end '
                      'assert(n > 60 * 1024 * 1024, "short")',
            "hoards": 'local keep = {} for i = 1, 300 do keep[i] = string.rep("x", 1 << 20) .. i end',
        })
        self.write("p.md", "What do you think of our new garden?\n")
        data, _ = self.lint("p.md")
        errors = self.errors_by_rule(data)
        self.assertEqual(sorted(errors), ["hoards"], json.dumps(errors, indent=1)[:3000])
        self.assertIn("memory", errors["hoards"]["message"])
        reported = [(d["rule"], d["message"]) for d in data["diagnostics"]]
        self.assertIn(("churns", "still running"), reported)

    def test_a_memory_error_inside_lint_phrases_is_the_rules_to_catch(self):
        # lint.phrases folds and splits a list into buffers of its own, then makes the set:
        # refused at the memory cap, it raises Lua's memory error, which the rule may catch,
        # and the buffers go with the error (the sanitizer build's leak check would name
        # them otherwise)
        self.plugin({
            "fills": 'local list = {} for i = 1, 50000 do list[i] = "phrase number " .. i end '
                     'local keep = {} '
                     'while pcall(function() keep[#keep + 1] = string.rep("x", 1 << 20) end) do end '
                     'local ok, err = pcall(lint.phrases, list) '
                     'keep = nil '
                     'error((ok and "made" or "refused") .. ": " .. tostring(err))',
        })
        self.write("p.md", "What do you think of our new garden?\n")
        data, _ = self.lint("p.md")
        errors = self.errors_by_rule(data)
        self.assertEqual(sorted(errors), ["fills"], json.dumps(errors, indent=1)[:3000])
        self.assertIn("refused: not enough memory", errors["fills"]["message"])


class HostileLintrc(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="postlint-hostile-")
        with open(os.path.join(self.dir, "p.md"), "w") as f:
            f.write("What do you think of our new garden?\n")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def check(self, lintrc, want):
        with open(os.path.join(self.dir, ".lintrc"), "w") as f:
            f.write(lintrc)
        start = time.monotonic()
        r = run(["p.md"], self.dir)
        took = time.monotonic() - start
        print(f"\n# .lintrc {lintrc.strip()[:50]!r}: {took:.3f} s", file=sys.stderr)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertRegex(r.stderr, want)
        self.assertLess(took, BOUND)
        return r

    def test_infinite_loop(self):
        self.check('platform = "x"\nwhile true do end\n',
                   r"\.lintrc:2: the \.lintrc runs too long \(instruction budget exceeded\)")

    def test_memory_bomb(self):
        self.check('local t = {}\nfor i = 1, 1e9 do t[i] = {} end\n',
                   r"\.lintrc(:\d+)?: the \.lintrc (uses too much memory|runs too long)")

    def test_string_bomb(self):
        # no string methods in a .lintrc, and concatenation is bounded by memory
        self.check('local s = "x"\nwhile true do s = s .. s end\n',
                   r"\.lintrc(:\d+)?: the \.lintrc (uses too much memory|runs too long)")

    def test_no_functions_to_call(self):
        self.check('os.execute("true")\n', r"\.lintrc:1: attempt to index a nil value \(global 'os'\)")
        self.check('local s = ("x"):rep(10)\n', r"\.lintrc:1: attempt to index a string value")
        self.check('require("x")\n', r"\.lintrc:1: attempt to call a nil value \(global 'require'\)")

    def test_recursion_and_error_objects(self):
        self.check('local function f() return f() + 1 end\nf()\n',
                   r"\.lintrc(:1)?: (stack overflow|the \.lintrc uses too much memory)")
        # no functions at all, but an error can still be raised: by arithmetic on a table
        self.check('local t = {} + 1\n', r"\.lintrc:1: attempt to perform arithmetic on a table value")

    def test_deep_nesting_names_the_file(self):
        """Found by fuzz_lintrc: the parser's "C stack overflow" came without the file name."""
        self.check("x = " + "(" * 300 + "1" + ")" * 300 + "\n",
                   r"postlint: [^\n]*\.lintrc: C stack overflow\n")

    def test_a_table_repeated_many_times_is_refused_in_time(self):
        """Found by fuzz_lintrc (CI): the settings are converted to C data, each appearance of
        a table anew: a table nested 8 times over, 8 times in each, was 16 million values,
        3 GB and 10 seconds, until the watchdog stopped postlint."""
        lines = ["a0 = { 1 }"] + ["a%d = { %s }" % (i, ", ".join(["a%d" % (i - 1)] * 8))
                                  for i in range(1, 9)]
        self.check("\n".join(lines) + "\n",
                   r"\.lintrc: too large \(at most 16384 KB of data; a table counts each time")

    def test_a_table_of_many_keys_is_read_in_time(self):
        # each key was looked for among those before it: 150,000 keys took over 10 seconds
        r = self.check('local t = {}\nfor i = 1, 150000 do t["k" .. i] = i end\nx = t\n',
                       r"\.lintrc:3: unknown key 'x'")
        self.assertNotIn("seconds", r.stderr)

    def test_limits_out_of_range_are_refused(self):
        """Found by fuzz_lintrc: 1e30 was converted to an integer before the range check."""
        for value in ("1e30", "-1e300", "0/0", "1/0", "2^63"):
            r = self.check(f"limits = {{ instructions = {value} }}\n",
                           r"\.lintrc:1: limits\.instructions must be a whole number from 100000 to")



if __name__ == "__main__":
    harness.main(sys.modules[__name__])
