# The terminal UI, driven inside tmux (send-keys, capture-pane) at fixed
# sizes: replay, moving, folding, searching, help, a live search that is
# paused, stepped, expanded and pruned (and the journal records the user's
# commands), resizing, and the terminal restored on q and on SIGTERM.
. "$SRCDIR/tests/integration/lib.sh"

. "$SRCDIR/tests/integration/tmux.sh"

# ---- replay ----
cp "$SRCDIR/examples/beam-recovers.jsonl" "$TMP/b.jsonl"
start 160 50 "'$CANOPY' '$TMP/b.jsonl'"
wait_for "#0 problem"
has "#0 problem Omar has 6 boxes" "a replay shows the problem as node 0"
has "#7 Step 1: 6 × 5 = 40 stickers." "and the slip the PRM caught"
has "0.30" "with its score"
has "event 103 of 103" "the position indicator: at the end"
has "gold 62 · answer 62 ✓" "the title grades the answer"
has "★" "the best node is marked"

T send-keys -t ui j
screen
has "─ #1 step ─" "j selects the next node; the detail pane follows"
has "path from the problem:" "the detail pane shows the path"
T send-keys -t ui h
screen
has "▸ #1 Step 1" "h folds the node"
hasnt "#9 Step 2" "and hides its children"
T send-keys -t ui l
screen
has "#9 Step 2" "l unfolds it"
T send-keys -t ui / '40 stickers' Enter
screen
has "─ #7 step ─" "/ finds the node whose text matches"
T send-keys -t ui '?'
screen
has "Keys" "? opens the help"
has "one event back" "which lists the replay keys"
hasnt "prune the subtree" "but not the live ones"
T send-keys -t ui '?'
screen
has "#7 Step 1" "? returns to the tree"
T send-keys -t ui g
screen
has "event 1 of 103" "g goes to the start"
T send-keys -t ui '}' '}'
screen
has "level 2" "} moves a unit of work forward"
T send-keys -t ui ']'
screen
grep -Eq "event [0-9]+ of 103" "$TMP/screen"
ok $? "] moves one event"
T send-keys -t ui G v
screen
has "← chosen" "v shows the votes view"
T send-keys -t ui t
T send-keys -t ui : "export md $TMP/ui.md" Enter
screen
has "wrote $TMP/ui.md" ":export md writes the report"
grep -q '^## The vote$' "$TMP/ui.md" && grep -q '^- \*\*Final answer:\*\*' "$TMP/ui.md"
ok $? "with the vote and the final answer the UI shows"
T send-keys -t ui : "export svg $TMP/ui.svg" Enter
screen
has "wrote $TMP/ui.svg" ":export svg writes the picture"
head -1 "$TMP/ui.svg" | grep -q '^<svg xmlns="http://www.w3.org/2000/svg"'
ok $? "an SVG file"

# resize and back
T resize-window -t ui -x 60 -y 20
screen
has "canopy needs at least 80x24; this terminal is 60x20." "a small terminal gets a clear message"
T resize-window -t ui -x 160 -y 50
screen
has "#0 problem" "back to 160x50, the tree returns"
T send-keys -t ui q
screen 0.6
has "EXIT=0" "q quits with status 0"
hasnt "event 1" "and the terminal is restored (the UI is gone)"

# ---- an imported trace: stepped iteration by iteration ----
"$CANOPY" import --from llm-reasoners "$SRCDIR/tests/data/import/reasoners-treelog.json" \
	--problem "Janet's ducks lay 16 eggs per day." -o "$TMP/rl.jsonl" 2>/dev/null
start 120 30 "'$CANOPY' replay '$TMP/rl.jsonl'"
wait_for "#0 problem"
T send-keys -t ui G
screen
has "mean=0.85" "an llm-reasoners edge's Q (a mean) shows on its row, with no made-up visit count"
hasnt "N=0" "and no N"
has "★         #6 question: Now we can answer" "the search's own answer is starred (its max-reward path)"
T send-keys -t ui g
screen
hasnt "#1 question: How many eggs" "g: back to before the first iteration"
T send-keys -t ui "}"
screen
has "#2 question: How many eggs does she bake with?" "} steps one MCTS iteration: the root's children appear"
hasnt "#8 question:" "and not a later iteration's"
T send-keys -t ui G
screen
has "#8 question: How many eggs are left after baking?" "G: the last iteration's tree"
T send-keys -t ui q

# ---- live: paused, stepped, pruned, expanded ----
start 120 36 "'$CANOPY' --paused --strategy beam --n 8 --width 2 --seed 4 --sim-latency 20 --trace '$TMP/live.jsonl'"
wait_for "paused"
has "Waiting for the search's first event" "paused before the first unit, nothing has happened"
T send-keys -t ui s
wait_for "#8 Step 1"
has "level 1" "s runs one unit of work"
has "#8 Step 1" "whose nodes appear"
screen 0.5
has "paused" "and pauses again"
# prune a kept node, undo it, prune again
kept=$(grep '"ev":"keep"' "$TMP/live.jsonl" | head -1 | sed 's/.*"ids":\[\([0-9]*\).*/\1/')
T send-keys -t ui : "goto $kept" Enter
T send-keys -t ui d
screen
has "will be pruned when the search goes on" "d while paused holds the prune"
T send-keys -t ui u
screen
has "prune of #$kept undone" "u undoes it"
T send-keys -t ui d s
wait_for "level 2"
grep -q "\"ev\":\"prune\",\"id\":$kept,\"by\":\"user\"" "$TMP/live.jsonl"
ok $? "the prune reaches the journal as the user's when the search goes on"
# expand the other kept node by 3
other=$(grep '"ev":"keep"' "$TMP/live.jsonl" | head -1 | sed 's/.*"ids":\[[0-9]*,\([0-9]*\).*/\1/')
T send-keys -t ui : "goto $other" Enter
T send-keys -t ui e
screen
has "expand by how many children? 4" "e asks how many children"
T send-keys -t ui BSpace 3 Enter
for _ in $(seq 1 30); do
	grep -q "\"ev\":\"cmd\",\"cmd\":\"expand\",\"by\":\"user\",\"id\":$other,\"k\":3" "$TMP/live.jsonl" && break
	sleep 0.1
done
grep -q "\"ev\":\"cmd\",\"cmd\":\"expand\",\"by\":\"user\",\"id\":$other,\"k\":3" "$TMP/live.jsonl"
ok $? "the expand is journaled as the user's"
# Tab completes commands and parameters
T send-keys -t ui : se Tab
screen
has ":set" "Tab completes a command (:se -> :set)"
T send-keys -t ui wid Tab
screen
has ":set width" "and a parameter after set"
T send-keys -t ui Escape
T send-keys -t ui : 'set width 3' Enter
sleep 0.3
grep -q '"ev":"set","param":"width","value":"3","by":"user"' "$TMP/live.jsonl"
ok $? ":set width 3 is journaled"
T send-keys -t ui ' '
wait_for "done" 20
has "done" "space runs it to the end"
has "answer" "with a final answer in the title"
T send-keys -t ui q
screen 0.6
has "EXIT=0" "q after the end quits at once"

# a running search asks first; SIGTERM restores the terminal
start 120 36 "'$CANOPY' --strategy beam --difficulty 9 --sim-latency 400 --trace '$TMP/run.jsonl'"
wait_for "running"
T send-keys -t ui q
screen
has "the search is still running; q again quits" "q while running asks first"
pid=$(pgrep -f "trace $TMP/run.jsonl" | head -1)
kill -TERM "$pid"
screen 0.8
has "EXIT=143" "SIGTERM ends it (128+15)"
hasnt "running ·" "and the terminal is restored"
"$CANOPY" check "$TMP/run.jsonl" >/dev/null 2>&1
ok $? "the journal of the interrupted run checks"
before=$(grep -c . "$TMP/run.jsonl")
start 120 36 "'$CANOPY' --resume '$TMP/run.jsonl'"
wait_for "running" 10
has "#0 problem" "--resume in the UI shows the interrupted run's tree again"
wait_for "level 2" 10
has "level 2" "and goes on with the search"
T send-keys -t ui q
T send-keys -t ui q
screen 0.8
has "EXIT=0" "q q quits"
after=$(grep -c . "$TMP/run.jsonl")
test "$after" -gt "$before"
ok $? "the journal grew ($before to $after lines)"
"$CANOPY" run --resume "$TMP/run.jsonl" -q >"$TMP/rr.out" 2>&1
is "$?" 0 "a second resume, headless, finishes it"
"$CANOPY" check "$TMP/run.jsonl" >"$TMP/rr.check" 2>&1
grep -q "answer" "$TMP/rr.check"
ok $? "and the journal checks, with its answer"

# ---- no colour, no UTF-8 ----
start 100 30 "NO_COLOR=1 LC_ALL=C '$CANOPY' '$TMP/b.jsonl'"
wait_for "#0 problem"
has "- #0 problem" "in the C locale folds are drawn with ASCII"
has "#" "and bars with characters"
has "Step 1: 6 x 5 = 30 stickers." "what the model wrote is transliterated: 6 x 5, not 6 ?? 5"
has "Step 2: 30 / 3 = 10 stickers." "and 30 / 3 for the division sign"
has "canopy . Omar" "the title's separator is ASCII too"
hasnt "??" "nothing is shown as question marks"
T send-keys -t ui q
T kill-server 2>/dev/null
done_testing
