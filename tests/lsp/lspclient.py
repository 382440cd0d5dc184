"""A small scripted LSP client: starts `postlint lsp`, frames JSON-RPC messages with
Content-Length, and collects what the server sends (responses by id, notifications in order).
Every wait is bounded by a timeout."""
import json
import os
import queue
import subprocess
import threading
import time
import urllib.parse


def uri_of(path):
    return "file://" + urllib.parse.quote(os.path.abspath(path))


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def offset_of(text, pos):
    """Index into text (code points) of an LSP position (UTF-16 character)."""
    lines = text.split("\n")
    if pos["line"] >= len(lines):
        return len(text)
    start = sum(len(l) + 1 for l in lines[:pos["line"]])
    line, units, i = lines[pos["line"]], 0, 0
    while i < len(line) and units < pos["character"]:
        units += utf16_len(line[i])
        i += 1
    return start + i


def apply_edits(text, edits):
    spans = [(offset_of(text, e["range"]["start"]), offset_of(text, e["range"]["end"]),
              e["newText"]) for e in edits]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


class Client:
    def __init__(self, postlint, cwd, args=(), timeout=20):
        self.timeout = timeout
        self.proc = subprocess.Popen([postlint, "lsp", *args], cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.inbox = queue.Queue()
        self.notifications = []
        self.responses = {}
        self.raw_errors = []  # anything on stdout that is not a framed JSON message
        self.stderr = b""
        self.next_id = 0
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                if line == b"\r\n":
                    break
                if not line.endswith(b"\r\n") or b":" not in line:
                    self.raw_errors.append(line)
                    continue
                k, v = line[:-2].split(b":", 1)
                headers[k.strip().lower()] = v.strip()
            n = int(headers[b"content-length"])
            body = out.read(n)
            try:
                self.inbox.put(json.loads(body.decode("utf-8")))
            except ValueError as e:
                self.raw_errors.append(body)
                self.inbox.put({"unparseable": str(e)})

    def _read_stderr(self):
        for chunk in iter(lambda: self.proc.stderr.read1(4096), b""):
            self.stderr += chunk

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, msg):
        msg = dict(msg, jsonrpc="2.0")
        body = json.dumps(msg, ensure_ascii=False).encode("utf-8")
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params):
        msg = {"method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)

    def _pump(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no message from the server in time")
        msg = self.inbox.get(timeout=remaining)
        if msg is None:
            raise EOFError("the server closed its stdout")
        if "method" in msg and "id" not in msg:
            self.notifications.append(msg)
        elif "id" in msg and "method" not in msg:
            self.responses[json.dumps(msg["id"])] = msg
        else:
            self.notifications.append(msg)  # server -> client requests
        return msg

    def request(self, method, params=None, raw_id=None):
        self.next_id += 1
        rid = self.next_id if raw_id is None else raw_id
        msg = {"id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return self.response(rid)

    def response(self, rid):
        key = json.dumps(rid)
        deadline = time.monotonic() + self.timeout
        while key not in self.responses:
            self._pump(deadline)
        return self.responses.pop(key)

    def wait_notification(self, pred, timeout=None):
        """The first notification (seen or to come) matching pred; it is consumed."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, n in enumerate(self.notifications):
                if pred(n):
                    return self.notifications.pop(i)
            self._pump(deadline)

    def diagnostics(self, uri, timeout=None):
        n = self.wait_notification(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                   and m["params"]["uri"] == uri, timeout)
        return n["params"]

    def initialize(self, root, capabilities=None):
        r = self.request("initialize", {"processId": os.getpid(), "rootUri": uri_of(root),
                                        "capabilities": capabilities or {}})
        self.notify("initialized", {})
        return r

    def close(self):
        try:
            if self.proc.poll() is None:
                self.request("shutdown")
                self.notify("exit", None)
            return self.proc.wait(timeout=self.timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                try:
                    f.close()
                except OSError:
                    pass
