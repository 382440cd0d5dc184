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
import sys
import tempfile
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
