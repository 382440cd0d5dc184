"""What the end-to-end test files share: the command line that names the postlint binary
(and a file's own options), and a temp folder per test.

A test file does:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import harness
    ...
    if __name__ == "__main__":
        harness.main(sys.modules[__name__], shared=None)
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest


def main(module, postlint_default=None, **options):
    """Parses --postlint PATH (required unless postlint_default is given) and one --NAME for
    each keyword (its default the keyword's value), sets module.POSTLINT (absolute) and
    module.NAME (upper case), then runs the module's tests; other arguments go to unittest."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--postlint", required=postlint_default is None, default=postlint_default)
    for name, default in options.items():
        ap.add_argument("--" + name.replace("_", "-"), dest=name, default=default)
    args, rest = ap.parse_known_args()
    module.POSTLINT = os.path.abspath(args.postlint)
    # runs on its own, as under ctest, whatever server of this build is running
    os.environ.setdefault("POSTLINT_SERVER", "off")
    for name in options:
        setattr(module, name.upper(), getattr(args, name))
    unittest.main(module=module, argv=[sys.argv[0]] + rest, verbosity=2)


def run_measured(args, cwd, env=None):
    """Runs a command to its end; returns (completed process with text output, seconds, its
    own peak RSS in bytes - wait4's, not the largest of every child the tests ran)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        p = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err, env=env)
        try:
            _, status, usage = os.wait4(p.pid, 0)
        except BaseException:
            p.kill()
            raise
        took = time.monotonic() - start
        p.returncode = os.waitstatus_to_exitcode(status)  # (reaped here, not by Popen)
        out.seek(0)
        err.seek(0)
        r = subprocess.CompletedProcess(p.args, p.returncode,
                                        out.read().decode("utf-8", "replace"),
                                        err.read().decode("utf-8", "replace"))
    return r, took, usage.ru_maxrss * 1024


def sanitized(binary):
    """Whether binary was built with AddressSanitizer, which holds freed memory in quarantine
    (its peak RSS says nothing of postlint's own)."""
    with open(binary, "rb") as f:
        return b"__asan_init" in f.read()


class TempCase(unittest.TestCase):
    """A test with its own temp folder (self.dir), removed afterwards."""
    prefix = "postlint-test-"

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix=self.prefix)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, rel, text):
        """Writes text (str as UTF-8, or bytes) to rel under self.dir; returns the path."""
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(text.encode("utf-8") if isinstance(text, str) else text)
        return path
