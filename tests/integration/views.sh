# Every view reads typed events: a replay of each importer's fixture opens
# the tree, votes and rounds views without a crash (the rounds view once
# read a MAgICoRe number the importer never writes), and the title bar
# shows the final answer as decoded text, not as its JSON escapes.
. "$SRCDIR/tests/integration/lib.sh"

. "$SRCDIR/tests/integration/tmux.sh"
capture() { T capture-pane -p -t ui >"$TMP/screen" 2>/dev/null; }

D="$SRCDIR/tests/data/import"
imp() { # imp NAME FORMAT FILE [OPTIONS...]
	name=$1 fmt=$2 file=$3
	shift 3
	"$CANOPY" import --from "$fmt" "$file" "$@" -o "$TMP/$name.jsonl" >/dev/null 2>"$TMP/$name.err"
	ok $? "import $name"
}
imp magicore magicore "$D/magicore-refined.json" --index 1
imp mathcritique mathcritique "$D/mathcritique.jsonl"
imp reasoners llm-reasoners "$D/reasoners-treelog.json" --problem "Janet's ducks lay 16 eggs per day."
imp sal search-and-learn "$D/search-and-learn.jsonl"
imp rstar rstar "$D/rstar-own"
imp openr openr "$D/openr-rstar.log" --problem "Janet's ducks lay 16 eggs per day."
names="magicore mathcritique reasoners sal rstar openr"
if [ -f "${SHARED_DATA:-}/prm800k-phase2-test-example.json" ]; then
	imp prm800k prm800k "$SHARED_DATA/prm800k-phase2-test-example.json"
	names="$names prm800k"
else
	skip "../shared/data has no PRM800K sample"
fi

for name in $names; do
	start 120 36 "'$CANOPY' replay '$TMP/$name.jsonl'"
	wait_for "#0 problem"
	for view in v r t; do
		T send-keys -t ui "$view"
		sleep 0.3
	done
	T send-keys -t ui q
	if wait_for "EXIT=" 5 && grep -q "EXIT=0" "$TMP/screen"; then
		ok 0 "$name: the tree, votes and rounds views open and q exits 0"
	else
		ok 1 "$name: the tree, votes and rounds views open and q exits 0"
		sed 's/^/#   | /' "$TMP/screen" | head -30
	fi
done

# MAgICoRe's own output records no condition numbers: the rounds view says
# what the verdict does hold rather than reading numbers that are not there
start 120 36 "'$CANOPY' replay '$TMP/magicore.jsonl'"
wait_for "#0 problem"
T send-keys -t ui r
shows "MAgICoRe: hard (refined)" "magicore: the rounds view shows the imported easy/hard verdict"
shows "the trace records cond1 0; cond2 0;" "and the numbers it records, by name"
T send-keys -t ui q

# sequential revisions: each revision beside the attempt it revises
"$CANOPY" run -q --strategy revise --n 6 --parallel 2 --seed 4 --trace "$TMP/revise.jsonl" >/dev/null
start 120 36 "'$CANOPY' replay '$TMP/revise.jsonl'"
wait_for "#0 problem"
T send-keys -t ui G r
shows "round 2  revision of #3" "revise: the rounds view shows each revision beside the attempt it revises"
shows "chain 2: solution #2" "chain by chain"
T send-keys -t ui q

# ---- the title bar decodes the final answer ----
# a trace made by hand: a final answer with a backslash, a quote and an
# escaped non-ASCII character, as MATH answers hold them
title_trace() { # title_trace FILE ANSWER-AS-JSON GOLD-AS-JSON
	cat >"$1" <<EOF
{"canopy":1,"problem":{"text":"What is one half?","answer":$3},"strategy":{"name":"sc","n":1},"backend":{"kind":"sim"},"seed":1,"budget":{}}
{"seq":1,"t":0.000,"ev":"node","id":0,"kind":"problem","tokens":0,"text":"What is one half?"}
{"seq":2,"t":0.000,"ev":"node","id":1,"parent":0,"kind":"step","tokens":3,"text":"The answer is x."}
{"seq":3,"t":0.000,"ev":"answer","id":1,"answer":$2}
{"seq":4,"t":0.000,"ev":"final","answer":$2,"node":1,"correct":true,"reason":"majority vote"}
EOF
}
title_trace "$TMP/frac.jsonl" '"\\frac{1}{2}"' '"\\frac{1}{2}"'
start 120 30 "'$CANOPY' replay '$TMP/frac.jsonl'"
shows 'answer \frac{1}{2} ✓' 'the title shows \frac{1}{2} as written, not its JSON escape'
if grep -qF '\\frac' "$TMP/screen"; then ok 1 "and no doubled backslash"; else ok 0 "and no doubled backslash"; fi
T send-keys -t ui q

title_trace "$TMP/quote.jsonl" '"say \"yes\" \u00e9"' '"say \"yes\" \u00e9"'
start 120 30 "'$CANOPY' replay '$TMP/quote.jsonl'"
shows 'answer say "yes" é ✓' 'an answer holding quotes and \u00e9 is shown whole and decoded'
T send-keys -t ui q

# a long gold answer no longer runs the title's buffer past its end
long=$(printf 'x%.0s' $(seq 1 300))
title_trace "$TMP/long.jsonl" "\"$long\"" "\"$long\""
start 120 30 "'$CANOPY' replay '$TMP/long.jsonl'"
shows "#0 problem" "a 300-character answer: the replay opens"
T send-keys -t ui q
if wait_for "EXIT=" 5 && grep -q "EXIT=0" "$TMP/screen"; then ok 0 "and quits cleanly"; else ok 1 "and quits cleanly"; fi

# ---- the : command table ----
cp "$SRCDIR/examples/beam-recovers.jsonl" "$TMP/b.jsonl"
start 120 40 "'$CANOPY' replay '$TMP/b.jsonl'"
wait_for "#0 problem"
T send-keys -t ui : "step" Enter
shows "step: only in a live search (in a replay ] steps one event" "a live-only command in a replay says why and what to do instead"
T send-keys -t ui : "prune 3" Enter
shows "prune: only in a live search" "so does prune"
T send-keys -t ui : "help" Enter
wait_for "Keys"
# the whole help, page by page
: >"$TMP/help.all"
for _ in 1 2 3 4 5 6; do
	T capture-pane -p -t ui >>"$TMP/help.all"
	T send-keys -t ui NPage
	sleep 0.2
done
contains "$TMP/help.all" "goto NODE" "the help lists the commands a replay can run"
if grep -qF "set PARAM VALUE" "$TMP/help.all"; then ok 1 "and not the live-only ones"; else ok 0 "and not the live-only ones"; fi
T send-keys -t ui q
T send-keys -t ui : "export j" Tab
shows ":export json" "Tab completes an export format"
T send-keys -t ui C-u
mkdir -p "$TMP/outdir"
T send-keys -t ui "export md $TMP/outd" Tab
shows ":export md $TMP/outdir/" "and then a file path"
T send-keys -t ui "x.md" Enter
shows "wrote $TMP/outdir/x.md" ":export writes where the completed path says"
T send-keys -t ui q

# ---- a live run that fails: quitting it is no success ----
start 100 30 "'$CANOPY' --backend openai --url http://127.0.0.1:1 --model m --problem 'What is 2+3?' --retries 0 --trace '$TMP/dead.jsonl' 2>'$TMP/dead.err'"
wait_for "failed" 10
T send-keys -t ui q
if wait_for "EXIT=" 5 && grep -q "EXIT=1" "$TMP/screen"; then
	ok 0 "q after the live search failed exits 1"
else
	ok 1 "q after the live search failed exits 1"
	sed 's/^/#   | /' "$TMP/screen" | head -20
fi
contains "$TMP/dead.err" "127.0.0.1:1" "and says why on the shell's terminal"

T kill-server 2>/dev/null
done_testing
