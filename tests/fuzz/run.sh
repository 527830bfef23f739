# run.sh: builds every parser with clang's libFuzzer, ASan, UBSan and
# float-cast-overflow into BUILDDIR/fuzz-build, then fuzzes each target
# of tests/fuzz/targets.c, seeded from tests/fuzz/corpus/TARGET.
#   FUZZ_SECONDS=N  each target for N seconds (default 60)
#   FUZZ_RUNS=N     each target for N inputs from seed 1 instead
#                   (deterministic: CI), on a copy of the corpus
#   FUZZ_TARGETS="a b"  only these
# Prints a TAP line a target with its executions and coverage; a crash
# is kept in BUILDDIR/fuzz-crashes/TARGET/ (add it to the corpus once
# fixed) and the run exits 1.
set -u
SRC=${SRCDIR:-$(pwd)}
OUT=${BUILDDIR:-$(pwd)}/fuzz-build
CC=${FUZZ_CC:-clang}
if ! command -v "$CC" >/dev/null; then
	echo "1..0 # SKIP $CC is not installed (Debian: apt-get install clang libclang-rt-14-dev)"
	exit 0
fi
mkdir -p "$OUT"
flags="-g -O1 -fsanitize=fuzzer,address,undefined,float-cast-overflow -fno-sanitize-recover=all -D_GNU_SOURCE -std=c11"
inc="-I$SRC/src -I$SRC/src/strategy -I$SRC/src/backend -I$SRC/src/import -I$SRC/cli -I$SRC/ui -I$SRC/tests/fuzz -I$OUT"
# the config.h a build would make, for PACKAGE_VERSION
printf '#define PACKAGE_VERSION "fuzz"\n' >"$OUT/config.h"
srcs=$(cd "$SRC" && ls src/*.c src/*/*.c | grep -v '^src/main.c$')
if [ ! -x "$OUT/fuzz" ] || [ -n "$(cd "$SRC" && find src cli ui tests/fuzz -name '*.[ch]' -newer "$OUT/fuzz" | head -1)" ]; then
	echo "# building the fuzzers with $CC"
	# shellcheck disable=SC2086
	(cd "$SRC" && $CC $flags $inc $(pkg-config --cflags libcjson libcurl) \
		-DCANOPY_SRC_PROMPTDIR="\"$SRC/src/prompts\"" \
		$(pkg-config --cflags ncursesw) $srcs cli/profile.c ui/theme.c ui/termbg.c tests/fuzz/targets.c tests/fuzz/fuzz.c \
		-o "$OUT/fuzz" $(pkg-config --libs libcjson libcurl ncursesw) -lm -pthread) || { echo "not ok 1 - the fuzzers build"; exit 1; }
fi
targets=${FUZZ_TARGETS:-$(sed -n 's/^	{"\([a-z]*\)", ".*/\1/p' "$SRC/tests/fuzz/targets.c")}
n=0
failed=0
for t in $targets; do
	n=$((n + 1))
	work="$OUT/corpus-$t"
	crashes="${BUILDDIR:-$(pwd)}/fuzz-crashes/$t"
	mkdir -p "$work" "$crashes"
	if [ -n "${FUZZ_RUNS:-}" ]; then
		# deterministic: a fresh copy of the seeds, a fixed seed, a count
		rm -rf "$work" && mkdir -p "$work"
		limit="-runs=$FUZZ_RUNS -seed=1"
	else
		limit="-max_total_time=${FUZZ_SECONDS:-60}"
	fi
	# shellcheck disable=SC2086
	FUZZ_TARGET=$t "$OUT/fuzz" $limit -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$crashes/" -print_final_stats=1 "$work" "$SRC/tests/fuzz/corpus/$t" \
		>"$OUT/$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$t.log" | tail -1)
	cov=$(grep -oE 'cov: [0-9]+' "$OUT/$t.log" | tail -1)
	if [ $rc -eq 0 ]; then
		echo "ok $n - $t: ${execs:-?} executions, ${cov:-cov: ?}"
	else
		failed=$((failed + 1))
		echo "not ok $n - $t: it crashed (status $rc); the input is in $crashes"
		grep -E "ERROR|SUMMARY|runtime error|fuzz: " "$OUT/$t.log" | head -5 | sed 's/^/#   /'
	fi
done
echo "1..$n"
[ $failed -eq 0 ]
