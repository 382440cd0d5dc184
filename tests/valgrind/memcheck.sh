#!/bin/sh
# Runs the CLI under valgrind memcheck over examples/ and the bad-input suite's files: any
# memory error or leak fails (valgrind's exit code 99). The bad-input files are made by
# tests/badinput/test_badinput.py --keep; each folder is linted as a whole, as a user would.
# Usage: memcheck.sh POSTLINT PYTHON SOURCE_DIR
set -eu
postlint=$1 python=$2 src=$3
command -v valgrind >/dev/null || { echo "skipped: valgrind not found (tools/install-deps --test)"; exit 0; }
work=$(mktemp -d "${TMPDIR:-/tmp}/postlint-memcheck-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

if ! "$python" "$src/tests/badinput/test_badinput.py" --postlint "$postlint" --keep "$work/badinput" \
	>"$work/suite.log" 2>&1; then
	cat "$work/suite.log"
	echo "FAIL: the bad-input suite itself failed"
	exit 1
fi

failed=0 runs=0
memcheck() { # DIR ARGS...: lint ARGS inside DIR under memcheck
	dir=$1
	shift
	start=$(date +%s)
	rc=0
	(cd "$dir" && valgrind --quiet --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible \
		"$postlint" "$@" >/dev/null 2>"$work/valgrind.log") || rc=$?
	runs=$((runs + 1))
	echo "$(basename "$dir") $*: exit $rc, $(( $(date +%s) - start )) s"
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ "$rc" -ne 2 ]; then
		cat "$work/valgrind.log"
		echo "FAIL: memcheck found errors or leaks (exit $rc) in $dir"
		failed=$((failed + 1))
	fi
}

memcheck "$src/examples" --format json
memcheck "$src/examples" --format text --verbose
for dir in "$work"/badinput/*/; do
	# its .lintrc lets rules run on 1 MB of words: minutes under valgrind; the 1 MB token
	# below covers rules on a long line
	case $dir in */test_a_1_mb_line/) continue ;; esac
	memcheck "$dir" --format json .
done
# the explicit-path cases: a loop named, a file too large, the 1 MB token with rules running
memcheck "$work/badinput/test_symlink_loops_and_links_out_of_the_repository" posts/loop-a.md posts/real.md
memcheck "$work/badinput/test_a_50_mb_post_is_refused_quickly" --format json big.md selfish.md
memcheck "$work/badinput/test_a_1_mb_line" --format json one-token.md selfish.md
# a rule's own tests (the Lua host, the rule API, error paths)
memcheck "$src" test
echo "$runs memcheck runs, $failed failed"
[ "$failed" -eq 0 ]
