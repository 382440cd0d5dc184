#!/bin/sh
# Builds the fuzz targets (clang, libFuzzer) and runs one of them.
# Usage: fuzz/run.sh TARGET [SECONDS [extra libFuzzer flags]]
#   TARGET   post, frontmatter, lintrc or fix (fuzz/fuzz_TARGET.c), or "all" (each in turn)
#   SECONDS  how long to run (default 60)
# New inputs that add coverage go to build-fuzz/corpus/TARGET (the seed corpus in
# fuzz/corpus/TARGET is only read); a crash leaves build-fuzz/crash-* and exits non-zero.
set -eu
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-60}
shift $(( $# < 2 ? $# : 2 ))
if [ "$target" = all ]; then
	for t in post frontmatter lintrc fix; do
		fuzz/run.sh "$t" "$seconds" "$@"
	done
	exit 0
fi
[ -f "fuzz/fuzz_$target.c" ] || { echo "fuzz/run.sh: no target '$target'" >&2; exit 2; }
if [ ! -f build-fuzz/CMakeCache.txt ]; then
	CC=clang cmake -S . -B build-fuzz -DPOSTLINT_FUZZ=ON -DPOSTLINT_TESTS=OFF \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build build-fuzz -j2 --target "fuzz_$target" >/dev/null
mkdir -p "build-fuzz/corpus/$target" build-fuzz/artifacts
# -rss_limit_mb: a finding if one input makes postlint use more than this
exec "build-fuzz/fuzz/fuzz_$target" -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=20 \
	-max_len=65536 -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/ \
	-dict=fuzz/postlint.dict "$@" "build-fuzz/corpus/$target" "fuzz/corpus/$target"
