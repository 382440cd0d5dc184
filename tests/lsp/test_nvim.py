#!/usr/bin/env python3
"""The language server in a real editor: headless Neovim (Debian's neovim, 0.7+, built-in LSP
client) opens a draft, receives diagnostics, and applies two code actions (a fix and
"disable rule for this post"); nvim_session.lua records what happened, this file asserts it.
Prints "skipped: nvim not found" without Neovim.

Usage: test_nvim.py --postlint PATH [unittest options]
"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
POSTLINT = None

SYNERGY = '''
return {
  id = "no-synergy",
  summary = "Say what you mean instead of 'synergy'",
  docs = [[Jargon hides meaning.]],
  severity = "warning",
  fixable = true,
  check = function(post, ctx)
    for _, m in ipairs(post:find(lint.phrases{ "synergy" })) do
      ctx:report{ message = "Jargon: " .. m.text, first = m.first, last = m.last,
                  fix = { first = m.first, last = m.last, text = "working together" } }
    end
  end,
}
'''

# emoji and CJK before the finding: Neovim's byte columns prove the UTF-16 positions
LINE = "🎉🎉 新年 team synergy is our plan for the year."
POST = "---\nplatform: mastodon\ngoal: replies from other organisers\n---\n" + LINE + "\n"


class Neovim(harness.TempCase):
    prefix = "postlint-nvim-"

    def test_diagnostics_and_code_actions_in_neovim(self):
        os.makedirs(os.path.join(self.dir, "project", ".git"))
        self.write("project/plug/rules/no-synergy.lua", SYNERGY)
        self.write("project/.lintrc", 'plugins = { "./plug" }\n')
        post = self.write("project/posts/draft.md", POST)
        result = os.path.join(self.dir, "result.json")
        env = dict(os.environ, POSTLINT_BIN=POSTLINT, POSTLINT_POST=post,
                   POSTLINT_ROOT=os.path.join(self.dir, "project"), POSTLINT_RESULT=result)
        for xdg in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[xdg] = os.path.join(self.dir, xdg.lower())
        r = subprocess.run(["nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n", "--noplugin",
                            "-c", "luafile " + os.path.join(HERE, "nvim_session.lua")],
                           cwd=os.path.join(self.dir, "project"), env=env, capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=120)
        self.assertTrue(os.path.exists(result), r.stdout.decode() + r.stderr.decode())
        with open(result, encoding="utf-8") as f:
            out = json.load(f)
        self.assertIsNone(out.get("error"), out)
        if os.environ.get("POSTLINT_SHOW"):
            print(json.dumps(out, ensure_ascii=False, indent=1))

        before = {d["code"]: d for d in out["before"]}
        self.assertIn("no-synergy", before)
        self.assertIn("invite-conversation", before)
        syn = before["no-synergy"]
        self.assertEqual(syn["source"], "postlint")
        self.assertEqual(syn["severity"], 2)  # vim.diagnostic.severity.WARN
        self.assertEqual(syn["lnum"], 4)
        # Neovim turned our UTF-16 character into a byte column: it must land on "synergy"
        start = len(LINE[:LINE.index("synergy")].encode("utf-8"))
        self.assertEqual(syn["col"], start)
        self.assertEqual(syn["end_col"], start + len("synergy"))

        fix_step, disable_step = out["steps"]
        self.assertTrue(fix_step["chosen"], fix_step)
        self.assertIn("Disable no-synergy for this post", fix_step["offered"])
        self.assertTrue(disable_step["chosen"], disable_step)

        text = "\n".join(out["lines"])
        self.assertIn("🎉🎉 新年 team working together is our plan", text)
        self.assertIn("lint: { disable: [invite-conversation] }", text)
        self.assertEqual(out["lines"][0], "---")
        after = {d["code"] for d in out["after"]}
        self.assertNotIn("no-synergy", after)
        self.assertNotIn("invite-conversation", after)
        self.assertTrue(out["stopped"], "the server did not stop on shutdown/exit")
        # the buffer's text, linted by the command line, agrees with the editor
        lint = subprocess.run([POSTLINT, "-f", "json", "--stdin", "--stdin-filename",
                               "posts/draft.md"], cwd=os.path.join(self.dir, "project"),
                              input=(text + "\n").encode(), capture_output=True, timeout=60)
        cli = {d["rule"] for d in json.loads(lint.stdout)["diagnostics"]}
        self.assertEqual(cli, after)



if __name__ == "__main__":
    if not shutil.which("nvim"):
        print("skipped: nvim not found (install Debian's neovim)")
        sys.exit(0)
    harness.main(sys.modules[__name__])
