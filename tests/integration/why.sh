# Why: every decision on screen with its numbers (issue: why), in tmux.
# The numbers are the journal's: a pruned beam candidate's rank and the
# level's cut-off are checked against the trace with python.
. "$SRCDIR/tests/integration/lib.sh"

. "$SRCDIR/tests/integration/tmux.sh"

cp "$SRCDIR/examples/beam-recovers.jsonl" "$TMP/b.jsonl"
cp "$SRCDIR/examples/mcts-visits-concentrate.jsonl" "$TMP/m.jsonl"

# ---- headless: export --format why ----
"$CANOPY" export "$TMP/b.jsonl" --format why >"$TMP/why.txt" 2>"$TMP/err"
ok $? "export --format why writes every node's decisions"
grep -q "^#10 step: Step 2: 30 ÷ 3 = 11 stickers." "$TMP/why.txt"
ok $? "one block a node, headed by its id and text"
# the rank and cut-off of #10, recomputed from the trace itself
if command -v python3 >/dev/null; then
	want=$(python3 - "$TMP/b.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()[1:]]
prm = {e["id"]: e["prm"] for e in ev if e["ev"] == "score" and "prm" in e}
for i, e in enumerate(ev):
    if e["ev"] != "keep":
        continue
    cands = list(e["ids"])
    for f in ev[i + 1:]:
        if f["ev"] != "prune":
            break
        cands.append(f["id"])
    if 10 in cands:
        ranked = sorted(cands, key=lambda c: (-prm[c], c))
        cut = min(prm[c] for c in e["ids"])
        print("level %d: ranked %d of %d by PRM (agg last) at %.3f; the best %d were kept, cut-off %.3f: pruned by the search"
              % (e["level"], ranked.index(10) + 1, len(cands), prm[10], len(e["ids"]), cut))
PY
)
	grep -qF -- "$want" "$TMP/why.txt"
	ok $? "#10's rank, score, kept count and cut-off are the journal's ($want)"
fi
grep -q "^answer 62 (right): PRM-weighted vote (last-step scores) over 8 finished candidates" "$TMP/why.txt"
ok $? "and the answer with its reason comes last"
"$CANOPY" export --help | grep -q "why    every decision"
ok $? "export --help says what --format why is"

# ---- the detail pane, the Why pane, the title ----
start 200 50 "'$CANOPY' replay '$TMP/b.jsonl'"
wait_for "#0 problem"
shows "answer 62 ✓: PRM-weighted vote (last-step scores) over 8" "the title says why the answer was chosen"
shows "→62 ✓" "answers are marked right against the gold in the tree"
T send-keys -t ui : "goto 10" Enter
shows "ranked 8 of 8 by PRM (agg last) at 0.433" "a pruned candidate's detail says its rank and score"
shows "cut-off 0.780: pruned by the search" "and the cut-off it missed"
press "Why #10 (step)" "w opens the Why pane" w
shows "the path from the problem:" "which goes on with the path"
shows "the search's answer 62 (right)" "and ends with the search's answer and its reason"
press "#10 Step 2" "w again goes back to the tree" w
press "pruned subtrees hidden" "z hides pruned subtrees" z
hasnt "#10 Step 2" "the pruned #10 is gone from the tree"
press "pruned subtrees shown" "z again shows them" z
shows "#10 Step 2" "and #10 is back"
press "weight = Σ PRM of its solutions" "the votes view says what a weight sums" v
T send-keys -t ui q

# ---- REBASE: the allotment on screen is the journal's ----
"$CANOPY" run --strategy rebase --seed 5 --trace "$TMP/rb.jsonl" >/dev/null 2>&1
if command -v python3 >/dev/null; then
	want=$(python3 - "$TMP/rb.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()[1:]]
# node 1's allocation run: the alloc events around it, prunes between them
at = next(i for i, e in enumerate(ev) if e["ev"] == "alloc" and e["id"] == 1)
lo = at
while lo > 0 and ev[lo - 1]["ev"] in ("alloc", "prune"):
    lo -= 1
hi = at
while hi + 1 < len(ev) and ev[hi + 1]["ev"] in ("alloc", "prune"):
    hi += 1
run = [e for e in ev[lo:hi + 1] if e["ev"] == "alloc"]
me = next(k for k, e in enumerate(run) if e["id"] == 1)
w = sum(e["n"] for e in run[me:])
print("allotted %d of the remaining width %d (rank %d of %d by PRM)" % (run[me]["n"], w, me + 1, len(run)))
PY
)
	start 200 40 "'$CANOPY' replay '$TMP/rb.jsonl'"
	wait_for "#0 problem"
	T send-keys -t ui : "goto 1" Enter
	shows "$want" "REBASE's allotment on screen is the journal's ($want)"
	shows "ceil(W_rem" "with its formula"
	T send-keys -t ui q
fi

# ---- MCTS: the UCT with its terms, and the backups ----
start 200 50 "'$CANOPY' replay '$TMP/m.jsonl'"
wait_for "#0 problem"
T send-keys -t ui : "goto 1" Enter
shows "UCT" "an MCTS node's detail shows its UCT at a selection"
if command -v python3 >/dev/null; then
	# #1's latest selection as the journal has it: its uct, and N, Q
	u=$(python3 - "$TMP/m.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()[1:]]
sel = [e for e in ev if e["ev"] == "stats" and e["id"] == 1 and e.get("uct") is not None]
e = sel[-1]
print("UCT %.3f = Q/N + c" % e["uct"])
PY
)
	shows "$u" "and that UCT is the journal's latest for it ($u)"
fi
shows "= Q/N + c · √(ln N_parent / N)" "with the formula written out"
shows "backed up reward" "and the rewards backed up through it"
shows "rollouts through it, Q=" "N, Q (the sum) and Q/N (the mean) said as such"
T send-keys -t ui q

# ---- the PRM against the gold: inversions (I, n/N) and the calibration view (c) ----
"$CANOPY" run --strategy mcts --mcts-rule terminal --seed 5 --sim-prm-noise 0.4 --trace "$TMP/noisy.jsonl" >/dev/null 2>&1
inv=$("$CANOPY" export "$TMP/noisy.jsonl" --format md | sed -n 's/^PRM inversions (a wrong step scored above a right sibling): \([0-9]*\)\./\1/p')
test "$inv" -ge 2 2>/dev/null
ok $? "a noisy PRM makes inversions, and export --format md counts them ($inv)"
start 200 50 "'$CANOPY' replay '$TMP/noisy.jsonl'"
wait_for "#0 problem"
press "inversion 1 of $inv: #" "I marks the inversions and goes to the first" I
shows "(wrong) has PRM" "saying what is inverted"
# n visits every inversion in turn, then wraps to the first
seen=1
for k in $(seq 2 "$inv") 1; do
	T send-keys -t ui n
	wait_for "inversion $k of $inv: #" && seen=$((seen + 1))
done
test "$seen" -eq $((inv + 1))
ok $? "n visits each of the $inv inversions, then the first again"
press "inversion $inv of $inv: #" "N goes back, round the start" N
T capture-pane -p -t ui | grep -q "^! "
ok $? "inversions carry the ! mark in the tree"
press "steps: PRM" "c opens the calibration view" c
shows "PRM inversions (a wrong step scored above a right sibling): $inv" "which counts the same inversions"
shows "AUC" "and gives the AUC"
shows "solutions: PRM (last step)" "for steps and solutions"
T send-keys -t ui q
start 120 30 "'$CANOPY' replay '$TMP/b.jsonl'"
wait_for "#0 problem"
press "no PRM inversions" "a trace without inversions says so" I
T send-keys -t ui q

# ---- non-step rows say what they are ----
start 160 30 "'$CANOPY' replay '$SRCDIR/examples/critique-fixes-step-3.jsonl'"
wait_for "#0 problem"
shows "solution [4 steps]" "a solution's row gives its number of steps"
shows "critique [step 3 wrong]" "a critique's row its verdict"
grep -q '"ev":"verdict","what":"critique","label":"wrong","id":2,"values":{"steps":4,"wrong_steps":2,"first_wrong":3}' \
	"$SRCDIR/examples/critique-fixes-step-3.jsonl"
ok $? "which is the journal's verdict (first_wrong 3)"
shows "refined [2 of 4 lines changed from #1]" "a refinement's row what it changed"
T send-keys -t ui q

# ---- MCTS: the rollout just run, highlighted and followed ----
start 160 40 "'$CANOPY' replay '$TMP/m.jsonl'"
wait_for "#0 problem"
press "highlighted nodes (N and Q of each changed" "{ says what the rollout did and what it backed up" "{"
shows "rollout 23: " "the rollout before the last, with its number"
if command -v python3 >/dev/null; then
	# rollout 23 from the journal: its backup's path length, its leaf, and
	# the reward, what the leaf's value grew by
	set -- $(python3 - "$TMP/m.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()[1:]]
units = [i for i, e in enumerate(ev) if e["ev"] == "unit" and e.get("what") == "rollout"]
a, b = units[22], units[23]
back = [e for e in ev[a:b] if e["ev"] == "stats" and "uct" not in e]
leaf = back[-1]
before = [e for e in ev[:a] if e["ev"] == "stats" and "uct" not in e and e["id"] == leaf["id"]]
print("%.3f %d %d" % (leaf["value"] - (before[-1]["value"] if before else 0), leaf["id"], len(back)))
PY
)
	shows "ended at #$2" "it ended where the journal's backup did (#$2)"
	shows "reward $1 backed up through the $3 highlighted nodes" "with the journal's reward and path ($1, $3 nodes)"
	shows "─ #$2 " "the cursor follows it to where it ended"
fi
T capture-pane -p -e -t ui | grep -c "42m" >"$TMP/n"
test "$(cat "$TMP/n")" -ge 3
ok $? "and its path is highlighted ($(cat "$TMP/n") rows)"
T send-keys -t ui j
sleep 0.3
T capture-pane -p -e -t ui | grep -c "42m" >"$TMP/n"
test "$(cat "$TMP/n")" -eq 0
ok $? "moving on clears the highlight"
T send-keys -t ui q

# ---- live: user prunes look different; :set shows in the status bar; what does not apply is refused ----
start 200 40 "'$CANOPY' run --ui --paused --strategy beam --n 4 --width 2 --seed 3 --trace '$TMP/live.jsonl'"
wait_for "#0 problem"
T send-keys -t ui s
wait_for "#4 Step 1" 10
T send-keys -t ui : "goto 2" Enter
sleep 0.3
T send-keys -t ui d
shows "#2 will be pruned when the search goes on" "a prune while paused waits"
T send-keys -t ui s
wait_for "level 2" 10
shows "⊗     #2 Step 1" "a node you pruned is marked ⊗, not ×"
T send-keys -t ui : "goto 2" Enter
shows "pruned by you" "and its why says you pruned it"
press "tau applies to rebase, not to beam: nothing changed" ":set of a parameter the strategy does not use is refused" : "set tau 0.5" Enter
press "width=4" ":set shows the new value in the status bar" : "set width 4" Enter
grep -q '"ev":"set","param":"width","value":"4","by":"user"' "$TMP/live.jsonl"
ok $? "and the change is journaled"
T send-keys -t ui q q
T kill-server 2>/dev/null

done_testing
