#!/usr/bin/env python3
"""The language server, driven by a scripted JSON-RPC client (lspclient.py): lifecycle,
diagnostics with UTF-16 positions (emoji, CJK), code actions applied and re-linted, .lintrc
changes without a restart, malformed input, and a clean stdout.

Usage: test_lsp.py --postlint PATH [unittest options]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lspclient import Client, apply_edits, uri_of, utf16_len  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

POSTLINT = None

SYNERGY = '''
return {
  id = "no-synergy",
  summary = "Say what you mean instead of 'synergy'",
  docs = [[Jargon hides meaning.]],
  severity = "warning",
  fixable = true,
  check = function(post, ctx)
    print("no-synergy checked " .. post.path)
    for _, m in ipairs(post:find(lint.phrases{ "synergy" })) do
      ctx:report{ message = "Jargon: " .. m.text, first = m.first, last = m.last,
                  fix = { first = m.first, last = m.last, text = "working together" } }
    end
  end,
}
'''

# emoji (two UTF-16 units each), CJK (one unit, three bytes) before the finding
POST = ("---\nplatform: mastodon\ngoal: replies from other organisers\n---\n"
        "🎉🎉 新年 team synergy is our plan for the year.\n"
        "What would you plan for yours?\n")


class Case(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="postlint-lsp-")
        os.makedirs(os.path.join(self.dir, ".git"))  # the repository root stops discovery
        self.write("plug/rules/no-synergy.lua", SYNERGY)
        self.write(".lintrc", 'plugins = { "./plug" }\n')
        self.client = None

    def tearDown(self):
        if self.client:
            self.client.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, rel, text):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def start(self, capabilities=None):
        self.client = Client(POSTLINT, self.dir)
        r = self.client.initialize(self.dir, capabilities)
        return r

    def open(self, rel, text, version=1):
        path = os.path.join(self.dir, rel)
        uri = uri_of(path)
        self.client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": version, "text": text}})
        return uri, self.client.diagnostics(uri)

    def change(self, uri, text, version):
        self.client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": text}]})
        return self.client.diagnostics(uri)

    def cli_json(self, rel, text):
        r = subprocess.run([POSTLINT, "--format", "json", "--stdin", "--stdin-filename", rel],
                           cwd=self.dir, input=text.encode(), capture_output=True, timeout=30)
        return json.loads(r.stdout)["diagnostics"]


class Lifecycle(Case):
    def test_initialize_capabilities_and_clean_exit(self):
        r = self.start()
        caps = r["result"]["capabilities"]
        self.assertEqual(caps["textDocumentSync"]["change"], 1)  # full
        self.assertTrue(caps["textDocumentSync"]["openClose"])
        self.assertIn("quickfix", caps["codeActionProvider"]["codeActionKinds"])
        self.assertEqual(r["result"]["serverInfo"]["name"], "postlint")
        self.assertIsNone(self.client.request("shutdown")["result"])
        self.client.notify("exit", None)
        self.assertEqual(self.client.proc.wait(timeout=10), 0)
        self.assertEqual(self.client.raw_errors, [])

    def test_requests_after_shutdown_are_refused(self):
        self.start()
        self.assertIsNone(self.client.request("shutdown")["result"])
        r = self.client.request("textDocument/codeAction", {
            "textDocument": {"uri": "file:///x.md"},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}})
        self.assertEqual(r["error"]["code"], -32600)
        self.client.notify("exit", None)
        self.assertEqual(self.client.proc.wait(timeout=10), 0)

    def test_exit_without_shutdown_is_code_1(self):
        self.start()
        self.client.notify("exit", None)
        self.assertEqual(self.client.proc.wait(timeout=10), 1)

    def test_requests_before_initialize_are_refused(self):
        self.client = Client(POSTLINT, self.dir)
        r = self.client.request("textDocument/codeAction", {})
        self.assertEqual(r["error"]["code"], -32002)

    def test_the_server_waits_idle_through_the_watchdogs_ticks(self):
        # the watchdog is a timer signal (every 100 ms from the first rule call): a read of
        # stdin it interrupts must go on (SA_RESTART), not end the server
        self.start()
        uri, params = self.open("posts/a.md", "---\ngoal: replies\n---\nWe love synergy.\n")
        self.assertIn("no-synergy", [d["code"] for d in params["diagnostics"]])
        time.sleep(0.5)
        self.assertIsNone(self.client.proc.poll())
        params = self.change(uri, "---\ngoal: replies\n---\nSynergy, synergy.\n", 2)
        self.assertEqual(params["version"], 2)
        self.assertIn("no-synergy", [d["code"] for d in params["diagnostics"]])
        self.assertIsNone(self.client.request("shutdown")["result"])
        self.client.notify("exit", None)
        self.assertEqual(self.client.proc.wait(timeout=10), 0)

    def test_end_of_input_ends_the_server(self):
        self.start()
        self.client.proc.stdin.close()
        self.assertEqual(self.client.proc.wait(timeout=10), 1)


class Diagnostics(Case):
    def test_codes_severities_and_utf16_positions(self):
        self.start()
        uri, params = self.open("posts/a.md", POST)
        diags = params["diagnostics"]
        self.assertEqual(params["version"], 1)
        syn = [d for d in diags if d["code"] == "no-synergy"]
        self.assertEqual(len(syn), 1, diags)
        d = syn[0]
        self.assertEqual(d["severity"], 2)
        self.assertEqual(d["source"], "postlint")
        line = POST.split("\n")[4]
        col = line.index("synergy")
        # 2 emoji = 4 units, space, 2 CJK = 2 units, space, "team " = 5 -> 13
        self.assertEqual(d["range"]["start"], {"line": 4, "character": utf16_len(line[:col])})
        self.assertEqual(d["range"]["start"]["character"], 13)
        self.assertEqual(d["range"]["end"]["character"], 13 + len("synergy"))
        # the same findings as the command line, converted from code-point columns
        lines = POST.split("\n")
        for c in self.cli_json("posts/a.md", POST):
            match = [x for x in diags if x["code"] == c["rule"]]
            self.assertTrue(match, c)
            text = lines[c["line"] - 1]
            self.assertEqual(match[0]["range"]["start"]["line"], c["line"] - 1)
            self.assertEqual(match[0]["range"]["start"]["character"],
                             utf16_len(text[:c["column"] - 1]))

    def test_errors_map_to_severity_1_and_change_relints(self):
        self.write(".lintrc", 'plugins = { "./plug" }\nrules = { ["no-sales-push"] = "error" }\n')
        self.start()
        text = "---\nplatform: x\n---\nBuy now! 50% off, only 24 hours left.\n"
        uri, params = self.open("posts/sale.md", text)
        sales = [d for d in params["diagnostics"] if d["code"] == "no-sales-push"]
        self.assertEqual([d["severity"] for d in sales], [1])
        params = self.change(uri, POST, 2)
        self.assertEqual(params["version"], 2)
        codes = {d["code"] for d in params["diagnostics"]}
        self.assertNotIn("no-sales-push", codes)
        self.assertIn("no-synergy", codes)

    def test_save_relints_with_the_current_text(self):
        self.start()
        sale = "---\nplatform: x\n---\nBuy now! 50% off, only 24 hours left.\n"
        uri, opened = self.open("posts/a.md", sale)
        self.assertIn("no-sales-push", {d["code"] for d in opened["diagnostics"]})
        # the buffer now differs from the file on disk, which still holds the sale
        os.makedirs(os.path.join(self.dir, "posts"), exist_ok=True)
        with open(os.path.join(self.dir, "posts", "a.md"), "w", encoding="utf-8") as f:
            f.write(sale)
        changed = self.change(uri, POST, 2)
        self.client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
        again = self.client.diagnostics(uri)
        codes = {d["code"] for d in again["diagnostics"]}
        self.assertIn("no-synergy", codes)  # the buffer's words, not the file's
        self.assertNotIn("no-sales-push", codes)
        self.assertEqual(again["diagnostics"], changed["diagnostics"])

    def test_close_clears_diagnostics(self):
        self.start()
        uri, params = self.open("posts/a.md", POST)
        self.assertTrue(params["diagnostics"])
        self.client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        self.assertEqual(self.client.diagnostics(uri)["diagnostics"], [])

    def test_broken_lintrc_is_a_diagnostic_on_the_post(self):
        self.write(".lintrc", 'rules = { ["no-such-rule"] = "error" }\n')
        self.start()
        uri, params = self.open("posts/a.md", POST)
        cfg = [d for d in params["diagnostics"] if d["code"] == "config"]
        self.assertEqual(len(cfg), 1, params)
        self.assertIn("no-such-rule", cfg[0]["message"])
        self.assertIn(".lintrc:1", cfg[0]["message"])


class CodeActions(Case):
    def actions_at(self, uri, diag):
        r = self.client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": diag["range"],
            "context": {"diagnostics": [diag]}})
        return r["result"]

    def test_fix_applies_and_the_problem_goes(self):
        self.start()
        uri, params = self.open("posts/a.md", POST)
        d = next(x for x in params["diagnostics"] if x["code"] == "no-synergy")
        actions = self.actions_at(uri, d)
        fix = next(a for a in actions if a["title"].startswith("Fix:"))
        self.assertEqual(fix["kind"], "quickfix")
        self.assertTrue(fix["isPreferred"])
        self.assertEqual(fix["diagnostics"][0]["code"], "no-synergy")
        edits = fix["edit"]["changes"][uri]
        new = apply_edits(POST, edits)
        self.assertIn("🎉🎉 新年 team working together is our plan", new)
        params = self.change(uri, new, 2)
        self.assertNotIn("no-synergy", {x["code"] for x in params["diagnostics"]})

    def test_suggestion_actions(self):
        self.start()
        text = "---\nplatform: mastodon\ngoal: likes\n---\n🎉 新年 We moved the book club to Sundays.\n"
        uri, params = self.open("posts/b.md", text)
        d = next(x for x in params["diagnostics"] if x["code"] == "invite-conversation")
        actions = self.actions_at(uri, d)
        titles = [a["title"] for a in actions]
        sugg = [a for a in actions if a["title"].endswith("[invite-conversation]")]
        self.assertTrue(sugg, titles)
        new = apply_edits(text, sugg[0]["edit"]["changes"][uri])
        params = self.change(uri, new, 2)
        self.assertNotIn("invite-conversation", {x["code"] for x in params["diagnostics"]})

    def test_disable_rule_for_this_post(self):
        self.start()
        for name, text, expect in [
            ("posts/fm.md", POST, "lint: { disable: [no-synergy] }\nplatform: mastodon"),
            ("posts/nofm.md", "🎉 新年 team synergy. What do you plan?\n",
             "---\nlint: { disable: [no-synergy] }\n---\n🎉"),
            ("posts/haslint.md", "---\nlint: { disable: [self-focus] }\n---\nOur synergy grows. You?\n",
             "---\n<!-- postlint-disable no-synergy -->\nOur synergy"),
        ]:
            with self.subTest(name):
                uri, params = self.open(name, text)
                d = next(x for x in params["diagnostics"] if x["code"] == "no-synergy")
                actions = self.actions_at(uri, d)
                off = [a for a in actions if a["title"] == "Disable no-synergy for this post"]
                self.assertEqual(len(off), 1, [a["title"] for a in actions])
                new = apply_edits(text, off[0]["edit"]["changes"][uri])
                self.assertIn(expect, new)
                params = self.change(uri, new, 2)
                codes = {x["code"] for x in params["diagnostics"]}
                self.assertNotIn("no-synergy", codes)
                self.assertNotIn("front-matter", codes)
                self.assertNotIn("directive", codes)

    def test_no_actions_away_from_findings(self):
        self.start()
        uri, params = self.open("posts/a.md", POST)
        r = self.client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
            "context": {"diagnostics": []}})
        self.assertFalse([a for a in r["result"] if "no-synergy" in a["title"]])


class ConfigReload(Case):
    def test_lintrc_edit_applies_on_next_change(self):
        self.start()
        uri, params = self.open("posts/a.md", POST)
        self.assertIn("no-synergy", {d["code"] for d in params["diagnostics"]})
        time.sleep(0.02)
        self.write(".lintrc", 'plugins = { "./plug" }\nrules = { ["no-synergy"] = "error" }\n')
        params = self.change(uri, POST, 2)
        d = next(x for x in params["diagnostics"] if x["code"] == "no-synergy")
        self.assertEqual(d["severity"], 1)

    def test_lintrc_save_relints_open_posts(self):
        self.start()
        uri, params = self.open("posts/a.md", POST)
        self.assertIn("no-synergy", {d["code"] for d in params["diagnostics"]})
        # the .lintrc open in the editor is not linted as a post
        rc = os.path.join(self.dir, ".lintrc")
        self.client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri_of(rc), "languageId": "lua", "version": 1, "text": "plugins = {}\n"}})
        self.write(".lintrc", 'plugins = { "./plug" }\nrules = { ["no-synergy"] = "off" }\n')
        self.client.notify("textDocument/didSave", {"textDocument": {"uri": uri_of(rc)}})
        params = self.client.diagnostics(uri)
        self.assertNotIn("no-synergy", {d["code"] for d in params["diagnostics"]})
        self.assertFalse([n for n in self.client.notifications
                          if n.get("params", {}).get("uri") == uri_of(rc)])

    def test_watched_files_and_new_nearer_lintrc(self):
        self.start({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}})
        reg = self.client.wait_notification(lambda m: m.get("method") == "client/registerCapability")
        self.client.send({"id": reg["id"], "result": None})
        watchers = reg["params"]["registrations"][0]["registerOptions"]["watchers"]
        self.assertEqual(watchers[0]["globPattern"], "**/.lintrc")
        uri, params = self.open("posts/a.md", POST)
        self.assertIn("no-synergy", {d["code"] for d in params["diagnostics"]})
        rc = self.write("posts/.lintrc", 'rules = { ["invite-conversation"] = "off" }\n')
        self.client.notify("workspace/didChangeWatchedFiles",
                           {"changes": [{"uri": uri_of(rc), "type": 1}]})
        params = self.client.diagnostics(uri)
        # the nearer .lintrc names no plugin: no-synergy is gone
        self.assertNotIn("no-synergy", {d["code"] for d in params["diagnostics"]})


class Robustness(Case):
    def test_malformed_messages_are_logged_and_survived(self):
        self.start()
        c = self.client
        c.send_raw(b"Content-Length: 9\r\n\r\n{not json")
        r = c.response(None)
        self.assertEqual(r["error"]["code"], -32700)
        c.send_raw(b"Content-Length: 3\r\n\r\n[1]")
        self.assertEqual(c.response(None)["error"]["code"], -32600)
        c.send_raw(b"X-Nothing: here\r\n\r\n")  # no Content-Length
        c.send_raw(b"Content-Length: x\r\n\r\n")
        c.send_raw(b"Content-Length: 4\r\n\r\n\xff\xfe{}")  # not UTF-8
        self.assertEqual(c.response(None)["error"]["code"], -32700)
        self.assertEqual(c.request("no/such", {})["error"]["code"], -32601)
        c.notify("textDocument/didOpen", {"textDocument": {"uri": 5}})
        c.notify("textDocument/didChange", {"textDocument": {"uri": "file:///nowhere"},
                                            "contentChanges": []})
        r = c.request("textDocument/codeAction", {"textDocument": {"uri": "file:///x"},
                                                   "range": "bad"})
        self.assertEqual(r["error"]["code"], -32602)
        self.assertEqual(c.request("shutdown", [], raw_id="str-id")["id"], "str-id")
        # still answering after all that
        uri, params = self.open("posts/a.md", POST)
        self.assertIn("no-synergy", {d["code"] for d in params["diagnostics"]})
        err = c.stderr.decode("utf-8", "replace")
        for piece in ["malformed JSON", "without a valid Content-Length", "not a JSON object",
                      "didOpen without"]:
            self.assertIn(piece, err)
        self.assertEqual(c.raw_errors, [])

    def test_rule_print_never_reaches_stdout(self):
        self.start()
        uri, params = self.open("posts/a.md", POST)
        self.assertTrue(params["diagnostics"])
        self.client.close()
        self.assertEqual(self.client.raw_errors, [])
        self.assertIn("no-synergy checked", self.client.stderr.decode())

    def test_binary_and_nul_text(self):
        self.start()
        uri, params = self.open("posts/nul.md", "a\u0000b")
        self.assertEqual([d["code"] for d in params["diagnostics"]], ["not-text"])



if __name__ == "__main__":
    harness.main(sys.modules[__name__])
