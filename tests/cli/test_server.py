#!/usr/bin/env python3
"""postlint server: a run handed to the resident server prints exactly what the same run
prints on its own (every stream, the exit code, the files --fix writes), reads the posts,
.lintrc and plugins afresh each time, takes the client's environment, working folder and
umask, declines what it cannot serve (another HOME), belongs to one binary only, stops its
run when the client goes away, and refuses an unsafe socket folder.

Each test has its own XDG_RUNTIME_DIR, so its server is its own.

Usage: test_server.py --postlint PATH [unittest options]
"""
import os
import fcntl
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

POSTLINT = None

POSTS = {
    "posts/sale.md": "---\nplatform: x\ngoal: sales\n---\nBUY NOW!!! 50% off everything "
                     "today only! https://shop.example.com #sale #deal #offer #buy\n",
    "posts/question.md": "---\nplatform: linkedin\ngoal: conversation\n---\nWe moved our "
                        "standups to async notes. What would you do with an extra hour?\n",
    "posts/quote.md": "---\nplatform: x\n---\n\"Simplicity is the ultimate sophistication.\" "
                      "- Leonardo da Vinci\n",
    "posts/me.md": "---\nplatform: mastodon\ngoal: awareness\n---\nI am so proud of my new "
                   "role and my team and my promotion. I did it!!\n",
}

RULE = """return {
  id = "%s", summary = "s", docs = "d", severity = "warning",
  check = function(post, ctx)
    %s
  end,
}
"""


def children_of(pid):
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append(int(entry))
    return kids


class ServerCase(harness.TempCase):
    def setUp(self):
        super().setUp()
        self.run_dir = os.path.join(self.dir, "run")
        os.mkdir(self.run_dir, 0o700)
        self.project = os.path.join(self.dir, "project")
        os.mkdir(self.project)
        self.env = dict(os.environ, XDG_RUNTIME_DIR=self.run_dir, NO_COLOR="1")
        for name in ("POSTLINT_SERVER", "POSTLINT_TIMING"):
            self.env.pop(name, None)
        for rel, text in POSTS.items():
            self.write(os.path.join("project", rel), text)
        git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
        subprocess.run(git + ["init", "-q"], cwd=self.project, check=True)
        subprocess.run(git + ["add", "-A"], cwd=self.project, check=True)
        subprocess.run(git + ["commit", "-qm", "posts"], cwd=self.project, check=True)

    def tearDown(self):
        self.postlint("server", "stop")
        super().tearDown()

    def postlint(self, *args, served=True, cwd=None, env=None, **kw):
        e = dict(env or self.env)
        if not served:
            e["POSTLINT_SERVER"] = "off"
        return subprocess.run([POSTLINT, *args], cwd=cwd or self.project, env=e,
                              capture_output=True, timeout=120, **kw)

    def start(self):
        r = self.postlint("server", "start")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"postlint server: running (pid ", r.stdout)

    def requests(self):
        """Requests the server has taken, this status request among them."""
        r = self.postlint("server", "status")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return int(r.stdout.split(b", ")[1].split()[0])

    def assert_same(self, *args, **kw):
        """The run through the server and on its own print and end the same; returns it."""
        before = self.requests()
        served = self.postlint(*args, **kw)
        self.assertEqual(self.requests(), before + 2, "the server did not take the run")
        alone = self.postlint(*args, served=False, **kw)
        self.assertEqual((served.returncode, served.stdout.decode(), served.stderr.decode()),
                         (alone.returncode, alone.stdout.decode(), alone.stderr.decode()),
                         args)
        return served

    def sockets(self):
        return [n for n in os.listdir(os.path.join(self.run_dir, "postlint"))
                if n.endswith(".sock")]

    def server_processes(self):
        """Processes of this test's server (theirs is the environment of `server start`)."""
        mine = ("XDG_RUNTIME_DIR=%s" % self.run_dir).encode()
        found = []
        for entry in os.listdir("/proc"):
            try:
                with open("/proc/%s/environ" % entry, "rb") as f:
                    env = f.read().split(b"\0")
                with open("/proc/%s/cmdline" % entry, "rb") as f:
                    cmd = f.read().split(b"\0")
            except OSError:
                continue
            if mine in env and cmd[1:3] == [b"server", b"start"]:
                found.append(int(entry))
        return found

    def server_pid(self):
        r = self.postlint("server", "status")
        return int(r.stdout.split(b"(pid ")[1].split(b",")[0])


class Lifecycle(ServerCase):
    def test_status_and_stop_without_a_server(self):
        r = self.postlint("server", "status")
        self.assertEqual((r.returncode, r.stdout), (1, b"postlint server: not running\n"))
        r = self.postlint("server", "stop")
        self.assertEqual((r.returncode, r.stdout), (0, b"postlint server: not running\n"))

    def test_start_status_stop(self):
        self.start()
        pid = self.server_pid()
        r = self.postlint("server", "start")
        self.assertEqual(r.stdout, b"postlint server: already running (pid %d)\n" % pid)
        self.assertEqual(len(self.sockets()), 1, self.sockets())
        r = self.postlint("server", "stop")
        self.assertEqual((r.returncode, r.stdout),
                         (0, b"postlint server: stopped (pid %d)\n" % pid))
        for _ in range(100):  # the socket goes with the server
            if not self.sockets():
                break
            time.sleep(0.05)
        self.assertEqual(self.sockets(), [])
        for _ in range(100):  # and so do its idle child and the children that served
            if not self.server_processes():
                break
            time.sleep(0.05)
        self.assertEqual(self.server_processes(), [])
        self.assertEqual(self.postlint("server", "status").returncode, 1)
        r = self.postlint(".")  # linted on its own
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"posts/sale.md", r.stdout)

    def test_two_starts_at_once_make_one_server(self):
        starts = [subprocess.Popen([POSTLINT, "server", "start"], env=self.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                  for _ in range(4)]
        outs = [p.communicate(timeout=60) for p in starts]
        self.assertEqual([p.returncode for p in starts], [0] * 4, outs)
        parents = [pid for pid in self.server_processes()
                   if os.path.exists("/proc/%d" % pid) and
                   int(open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[1]) == 1]
        self.assertEqual(len(parents), 1, outs)
        self.assertEqual(self.postlint("server", "status").returncode, 0)

    def test_start_right_after_stop(self):
        self.start()
        first = self.server_pid()
        r = self.postlint("server", "stop")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.sockets(), [])  # stop returns once the server has ended
        self.assertNotIn(first, self.server_processes())
        self.start()  # before: "another one is starting or running", and none was
        self.assertNotEqual(self.server_pid(), first)

    def test_a_deleted_socket_ends_its_server(self):
        # a /tmp cleaner deletes the socket: no client reaches that server any more, and its
        # lock would keep the next `server start` waiting in vain; the server notices within
        # a second or so and ends, and the next start makes a new one
        self.start()
        old = self.server_processes()
        self.assertTrue(old)
        for name in self.sockets():
            os.unlink(os.path.join(self.run_dir, "postlint", name))
        self.start()
        pid = self.server_pid()
        self.assertNotIn(pid, old)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and set(old) & set(self.server_processes()):
            time.sleep(0.1)
        self.assertEqual(set(old) & set(self.server_processes()), set())
        self.assert_same("--format", "json", "posts")

    def test_start_with_standard_streams_closed(self):
        # before: the lock took descriptor 0 and lost it to the daemon's dup2, and children
        # closed their own connection: a server that answered nobody and could not be stopped
        p = subprocess.run([POSTLINT, "server", "start"], env=self.env, timeout=60,
                           preexec_fn=lambda: [os.close(fd) for fd in (0, 1, 2)])
        self.assertEqual(p.returncode, 0)
        self.assertEqual(self.postlint("server", "status").returncode, 0)
        self.assertEqual(self.assert_same("posts/sale.md").returncode, 0)
        r = self.postlint("server", "stop")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(self.server_processes(), [])

    def test_a_socket_that_takes_connections_but_never_answers(self):
        # a server that is stopping still queues connections: only an answer says one runs
        # (before: start said "already running" and exited 0 with no server)
        self.start()
        name = self.sockets()[0]
        self.postlint("server", "stop")
        folder = os.path.join(self.run_dir, "postlint")
        mute = socket.socket(socket.AF_UNIX)
        mute.bind(os.path.join(folder, name))
        mute.listen(8)
        with open(os.path.join(folder, name[:-len(".sock")] + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            r = self.postlint("server", "start")
            # a command line longer than the socket's buffer: sending it must not wait
            # for good either
            many = ["posts/%0120d.md" % i for i in range(4000)]
            served = self.postlint(*many)
        mute.close()
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn(b"does not answer", r.stderr)
        alone = self.postlint(*many, served=False)
        self.assertEqual((served.returncode, served.stdout, served.stderr),
                         (alone.returncode, alone.stdout, alone.stderr))

    def test_the_server_keeps_no_descriptor_of_its_caller(self):
        # a caller reading a pipe to its end (a script, an editor) would wait for the
        # server's whole life (before: the daemon kept every inherited descriptor)
        r, w = os.pipe()
        p = subprocess.Popen([POSTLINT, "server", "start"], env=self.env, pass_fds=[w],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        self.assertEqual(p.wait(timeout=60), 0)
        ready, _, _ = select.select([r], [], [], 10)
        self.assertEqual(ready, [r], "the pipe is still open in the server")
        self.assertEqual(os.read(r, 1), b"")
        os.close(r)
        self.assertEqual(self.postlint("server", "status").returncode, 0)

    def test_a_client_that_says_nothing_is_let_go(self):
        self.start()
        pid = self.server_pid()
        idle = set(children_of(pid))
        silent = socket.socket(socket.AF_UNIX)
        silent.connect(os.path.join(self.run_dir, "postlint", self.sockets()[0]))
        tied = set()
        for _ in range(100):  # the idle child takes it, and a new idle child comes
            tied = idle & set(children_of(pid))
            if tied and len(children_of(pid)) == 2:
                break
            time.sleep(0.05)
        self.assertTrue(tied, "no child took the connection")
        for _ in range(100):
            if not tied & set(children_of(pid)):
                break
            time.sleep(0.1)
        self.assertFalse(tied & set(children_of(pid)), "the silent client still ties a child")
        silent.close()

    def test_another_binary_has_its_own_server(self):
        self.start()
        copy = os.path.join(self.dir, "postlint-copy")
        shutil.copy2(POSTLINT, copy)
        r = subprocess.run([copy, "server", "status"], env=self.env, capture_output=True)
        self.assertEqual((r.returncode, r.stdout), (1, b"postlint server: not running\n"))

    def test_an_unsafe_socket_folder_is_refused(self):
        os.mkdir(os.path.join(self.run_dir, "postlint"), 0o755)
        os.chmod(os.path.join(self.run_dir, "postlint"), 0o755)
        r = self.postlint("server", "start")
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"that only you can enter (mode 0700)", r.stderr)
        r = self.postlint(".")
        self.assertEqual(r.returncode, 0, r.stderr)  # lints on its own
        self.assertIn(b"posts/sale.md", r.stdout)

    def test_usage(self):
        r = self.postlint("server", "restart")
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"usage: postlint server start [--idle MINUTES]", r.stderr)
        r = self.postlint("--idle", "5", ".")
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"--idle is an option of server start", r.stderr)


class SameOutput(ServerCase):
    def setUp(self):
        super().setUp()
        self.start()

    def test_lint_formats_and_exit_codes(self):
        self.assertEqual(self.assert_same(".").returncode, 0)  # warnings only
        self.assertEqual(self.assert_same("--max-warnings", "0", ".").returncode, 1)
        self.assert_same("--format", "json", ".")
        self.assert_same("--format", "sarif", "posts/quote.md")
        self.assert_same("--quiet", ".")
        self.assertEqual(self.assert_same("posts/question.md").returncode, 0)
        self.assert_same("rules")
        self.assert_same("explain", "invite-conversation")
        self.assertEqual(self.assert_same("--nonsense").returncode, 2)
        self.assertEqual(self.assert_same("no-such-file.md").returncode, 2)

    def test_rules_explain_and_config_with_a_plugin(self):
        self.write("project/plug/rules/shout.lua", RULE % ("shout", 'ctx:report{ message = "hi" }'))
        self.write("project/.lintrc", 'plugins = { "./plug" }\n')
        self.assertIn(b"shout", self.assert_same("rules").stdout)
        self.assertEqual(self.assert_same("explain", "shout").returncode, 0)
        self.assertIn(b'"shout"', self.assert_same("--print-config", "posts/question.md").stdout)

    def test_a_small_memory_limit_counts_as_on_its_own(self):
        # the server's state was warmed on a sample post: under a small memory_mb it would
        # hit the cap where a run on its own does not (before: 4 and 5 MB differed)
        for mb in (4, 5, 6):
            self.write("project/.lintrc", "limits = { memory_mb = %d }\n" % mb)
            self.assert_same("posts/question.md")
            self.assert_same(".")

    def test_closed_standard_streams(self):
        # the socket would take the closed stream's number (before: the run hung)
        for fd, args in ((0, ["--stdin"]), (0, ["posts/sale.md"]), (1, ["posts/sale.md"]),
                         (2, ["posts/sale.md"])):
            got = []
            for served in (True, False):
                env = dict(self.env)
                if not served:
                    env["POSTLINT_SERVER"] = "off"
                r = subprocess.run([POSTLINT, *args], cwd=self.project, env=env,
                                   stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE if fd != 1 else None,
                                   stderr=subprocess.PIPE if fd != 2 else None,
                                   preexec_fn=lambda: os.close(fd), timeout=30)
                got.append((r.returncode, r.stdout, r.stderr))
            self.assertEqual(got[0], got[1], (fd, args))

    def test_rule_options_of_the_lintrc(self):
        self.write("project/.lintrc", 'rules = { ["hashtag-limit"] = { "error", max = { x = 1 } } }\n')
        r = self.assert_same("posts/sale.md")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"4 hashtags; at most 1", r.stdout)

    def test_stdin_and_working_folder(self):
        text = POSTS["posts/sale.md"].encode()
        r = self.assert_same("--stdin", "--stdin-filename", "posts/x.md", input=text)
        self.assertIn(b"posts/x.md", r.stdout)
        sub = os.path.join(self.project, "posts")
        r = self.assert_same(".", cwd=sub)
        self.assertIn(b"sale.md:", r.stdout)
        self.assertNotIn(b"posts/sale.md", r.stdout)

    def test_git_staged(self):
        self.write("project/posts/new.md", "---\nplatform: x\n---\nBUY BUY BUY NOW!!!\n")
        subprocess.run(["git", "add", "posts/new.md"], cwd=self.project, check=True)
        r = self.assert_same("--staged")
        self.assertIn(b"posts/new.md", r.stdout)

    def test_broken_lintrc_and_failing_rules(self):
        self.write("project/.lintrc", "rules = {\n")
        r = self.assert_same(".")
        self.assertEqual(r.returncode, 2)
        self.assertIn(b".lintrc", r.stderr)
        self.write("project/plug/rules/boom.lua", RULE % ("boom", 'error("boom on purpose")'))
        self.write("project/plug/rules/spin.lua", RULE % ("spin", "while true do end"))
        self.write("project/.lintrc", 'plugins = { "./plug" }\n')
        r = self.assert_same(".")
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"boom on purpose", r.stdout + r.stderr)

    def test_the_time_limit_holds_in_the_server(self):
        # one Lua instruction that is a 10 MB memcmp: only the watchdog's timer stops it
        self.write("project/plug/rules/compares.lua", RULE % (
            "compares", 'local a, b = ("x"):rep(1e7), ("x"):rep(1e7) local n = 0 '
                        'for i = 1, 1e9 do if a == b then n = n + 1 end end'))
        self.write("project/.lintrc", 'plugins = { "./plug" }\nlimits = { seconds = 1 }\n')
        r = self.assert_same("posts/question.md")
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"time limit exceeded (1 seconds)", r.stdout)

    def test_files_and_rules_are_read_afresh(self):
        self.write("project/plug/rules/shout.lua",
                   RULE % ("shout", 'ctx:report{ message = "first version" }'))
        self.write("project/.lintrc", 'plugins = { "./plug" }\n')
        first = self.assert_same("posts/question.md")
        self.assertIn(b"first version", first.stdout)
        self.write("project/plug/rules/shout.lua",
                   RULE % ("shout", 'ctx:report{ message = "second version" }'))
        self.write("project/posts/question.md", POSTS["posts/sale.md"])
        second = self.assert_same("posts/question.md")
        self.assertIn(b"second version", second.stdout)
        self.assertIn(b"BUY", second.stdout.upper())

    def test_fix_writes_the_same_files(self):
        other = os.path.join(self.dir, "other")
        shutil.copytree(self.project, other)
        before = self.requests()
        served = self.postlint("--fix", ".")
        self.assertEqual(self.requests(), before + 2, "the server did not take the run")
        alone = self.postlint("--fix", ".", served=False, cwd=other)
        self.assertEqual((served.returncode, served.stdout), (alone.returncode, alone.stdout))
        changed = 0
        for rel, text in POSTS.items():
            with open(os.path.join(self.project, rel), encoding="utf-8") as a, \
                    open(os.path.join(other, rel), encoding="utf-8") as b:
                fixed = a.read()
                self.assertEqual(fixed, b.read(), rel)
                changed += fixed != text
        self.assertGreater(changed, 0, "--fix changed nothing: the test proves nothing")

    def test_environment_and_umask_are_the_clients(self):
        env = dict(self.env, POSTLINT_TIMING="1")
        before = self.requests()
        r = self.postlint("posts/question.md", env=env)
        self.assertIn(b"rule (or step)", r.stderr)
        r = self.postlint("posts/question.md")
        self.assertNotIn(b"rule (or step)", r.stderr)  # read again: not the last run's
        r = self.postlint("new-rule", "tight", "--dir", "plug", preexec_fn=lambda: os.umask(0o077))
        self.assertEqual(r.returncode, 0, r.stderr)
        mode = stat.S_IMODE(os.stat(os.path.join(self.project, "plug/rules/tight.lua")).st_mode)
        self.assertEqual(mode, 0o600)
        self.assertEqual(self.requests(), before + 4, "the server did not take the runs")

    def test_server_commands_answer_from_another_home(self):
        # options before the command are the run's too (before: `--config FILE server
        # status` was taken for a lint of FILE, declined, and said "not running")
        env = dict(self.env, HOME=os.path.join(self.dir, "elsewhere"))
        for args in (["server", "status"], ["--no-color", "server", "status"],
                     ["--config", ".lintrc", "server", "status"]):
            r = self.postlint(*args, env=env)
            self.assertEqual(r.returncode, 0, (args, r.stdout, r.stderr))
            self.assertIn(b"postlint server: running (pid", r.stdout)

    def test_another_home_is_declined_and_honoured(self):
        home = os.path.join(self.dir, "home")
        self.write("home/.gitconfig", "[core]\n\texcludesFile = %s/ignore\n" % home)
        self.write("home/ignore", "extra.md\n")
        self.write("project/posts/extra.md", POSTS["posts/sale.md"])  # not tracked
        env = dict(self.env, HOME=home)
        served = self.postlint(".", env=env)
        alone = self.postlint(".", env=env, served=False)
        self.assertEqual((served.returncode, served.stdout), (alone.returncode, alone.stdout))
        self.assertNotIn(b"extra.md", served.stdout)  # that HOME's git config was read
        self.assertIn(b"sale.md", served.stdout)
        self.assertIn(b"extra.md", self.postlint(".").stdout)

    def test_output_to_a_closed_pipe(self):
        for i in range(400):
            self.write("project/many/p%03d.md" % i, POSTS["posts/sale.md"])
        codes = []
        for served in (True, False):
            env = dict(self.env)
            if not served:
                env["POSTLINT_SERVER"] = "off"
            p = subprocess.Popen([POSTLINT, "many"], cwd=self.project, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            p.stdout.read(10)
            p.stdout.close()
            p.wait(timeout=60)
            codes.append(p.returncode)
        self.assertEqual(codes, [-signal.SIGPIPE, -signal.SIGPIPE])

    def test_output_to_a_closed_pipe_when_sigpipe_is_ignored_or_blocked(self):
        # the run sees EPIPE, as on its own (before: the server's run died of SIGPIPE and
        # the client raised it, or, blocked, exited 2)
        for i in range(400):
            self.write("project/many/p%03d.md" % i, POSTS["posts/sale.md"])
        ignore = lambda: signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # noqa: E731
        block = lambda: signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGPIPE])  # noqa: E731
        for how in (ignore, block):
            got = []
            for served in (True, False):
                env = dict(self.env)
                if not served:
                    env["POSTLINT_SERVER"] = "off"
                before = self.requests()
                p = subprocess.Popen([POSTLINT, "many"], cwd=self.project, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     preexec_fn=how)
                p.stdout.read(10)
                p.stdout.close()
                err = p.stderr.read()
                p.wait(timeout=60)
                got.append((p.returncode, err))
                self.assertEqual(self.requests(), before + (2 if served else 1))
            self.assertEqual(got[0], got[1])
            self.assertNotEqual(got[0][0], -signal.SIGPIPE)


class ClientGone(ServerCase):
    def children(self, pid):
        return children_of(pid)

    def spin(self, env):
        """Starts the server and a client whose run never ends (a rule that loops, with
        budget for minutes); returns the server's pid and the client, 0.5 s later."""
        self.write("project/plug/rules/spin.lua", RULE % ("spin", "while true do end"))
        self.write("project/.lintrc",
                   'plugins = { "./plug" }\nlimits = { instructions = 10000000000 }\n')
        self.start()
        pid = self.server_pid()
        client = subprocess.Popen([POSTLINT, "posts/question.md"], cwd=self.project,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(0.5)
        return pid, client

    def test_the_run_stops_with_its_client(self):
        pid, client = self.spin(self.env)
        self.assertEqual(len(self.children(pid)), 2, "the run and the next idle child")
        client.kill()
        client.wait()
        for _ in range(100):
            if len(self.children(pid)) == 1:
                break
            time.sleep(0.05)
        self.assertEqual(len(self.children(pid)), 1, "the run went on without its client")

    def test_other_glibc_tunables_run_on_their_own(self):
        # glibc reads them when a process starts: a server child would run without the
        # installed hook's 2 MB pages, slower than the hook on its own (before: it took it)
        pid, client = self.spin(dict(self.env, GLIBC_TUNABLES="glibc.malloc.hugetlb=1"))
        try:
            self.assertIsNone(client.poll(), "the run ended early")
            self.assertEqual(len(self.children(pid)), 1, "the server took the run")
        finally:
            client.kill()
            client.wait()


if __name__ == "__main__":
    harness.main(sys.modules[__name__])
