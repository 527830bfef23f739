# The command line: help, version, usage errors and their exit statuses.
. "$SRCDIR/tests/integration/lib.sh"

"$CANOPY" --help >"$TMP/help" 2>&1
is "$?" 0 "canopy --help exits 0"
contains "$TMP/help" "run" "the help names the run command"
"$CANOPY" --version >"$TMP/v"
is "$?" 0 "--version exits 0"
grep -Eq '^canopy [0-9]+\.[0-9]+\.[0-9]+$' "$TMP/v"
ok $? "--version prints 'canopy X.Y.Z'"
"$CANOPY" >/dev/null 2>&1
is "$?" 2 "no command is bad usage (2)"
"$CANOPY" frobnicate 2>"$TMP/e"
is "$?" 2 "an unknown command exits 2"
contains "$TMP/e" "unknown command 'frobnicate'" "and says which"

"$CANOPY" run --help >"$TMP/rh"
is "$?" 0 "run --help exits 0"
for s in sc bon wbon filter beam dvts rebase mcts rstar critique selfrefine magicore; do
	contains "$TMP/rh" "$s" "run --help lists strategy $s"
done
for p in n width depth temperature top-p max-tokens agg final lookahead tau rollouts c disc-mode votes rounds parallel k refine; do
	contains "$TMP/rh" "--$p" "run --help documents --$p"
done
"$CANOPY" help run >"$TMP/rh2"
cmp -s "$TMP/rh" "$TMP/rh2"
ok $? "'canopy help run' is 'canopy run --help'"
for c in check export bench; do
	"$CANOPY" $c --help >"$TMP/h" 2>&1
	is "$?" 0 "$c --help exits 0"
	contains "$TMP/h" "usage: canopy $c" "$c --help shows its usage"
done

bad() { # bad DESCRIPTION EXPECTED-MESSAGE ARGS...
	d=$1
	m=$2
	shift 2
	"$CANOPY" "$@" >"$TMP/out" 2>"$TMP/err"
	st=$?
	is "$st" 2 "$d exits 2"
	contains "$TMP/err" "$m" "$d says: $m"
	is "$(wc -l <"$TMP/err" | tr -d ' ')" 1 "$d is one line"
	is "$(wc -c <"$TMP/out" | tr -d ' ')" 0 "$d prints nothing on stdout"
}
bad "an unknown option" "unknown option: '--frob'" run --frob
bad "a missing value" "this option needs a value: '--seed'" run --seed
bad "an unknown strategy" "unknown strategy (see 'canopy run --help'): 'bogus'" run --strategy bogus
bad "a bad number" "n must be a whole number from 1 to 65536, not \"zero\"" run --n zero
bad "a bad choice" "agg must be one of last|min|prod|mean, not \"max\"" run --strategy beam --agg max
bad "a parameter the strategy ignores" "--width does not apply to --strategy sc" run --width 4
bad "a bad budget" "--budget takes a token count (4000) or a request count (50req), not '12x'" run --budget 12x
bad "a bad latency" "--sim-latency takes MS or MS,MS_PER_TOKEN" run --sim-latency soon
bad "an unreadable problem" "the sim backend cannot read this problem" run --problem "Write a haiku"
bad "a missing problem file" "nope.txt: No such file or directory" run --problem-file "$TMP/nope.txt"
bad "an unknown backend" "unknown backend (sim, openai, llamacpp or ollama): 'llama'" run --backend llama
bad "two problems" "give --problem or --problem-file, not both" run --problem "1+1" --problem-file x
bad "check without a trace" "which trace?" check
bad "export without a format" "which format?" export "$TMP/x"
bad "export to an unknown format" "unknown format 'png'" export "$TMP/x" --format png
done_testing
