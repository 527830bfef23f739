# The keys a terminal user already knows, and a help that reads at every
# size (issue: the UI a terminal user already knows), in tmux at 80x24
# and 200x60.
. "$SRCDIR/tests/integration/lib.sh"

. "$SRCDIR/tests/integration/tmux.sh"

cp "$SRCDIR/examples/beam-recovers.jsonl" "$TMP/b.jsonl"
cp "$SRCDIR/examples/sc-majority.jsonl" "$TMP/sc.jsonl"

# ---- the help at 80x24 ----
start 80 24 "'$CANOPY' replay '$TMP/b.jsonl'"
wait_for "#0 problem"
press "more below: j, PgDn, End" "at 80x24 the help says there is more below" '?'
# no description runs into the next entry: every row is a key and its
# words, or the words going on under them
python3 - "$TMP/screen" <<'PY'
import sys
rows = open(sys.argv[1]).read().split("\n")
glued = [r for r in rows if "tempera/ture" in r or "FILEwrite" in r or "repotheme" in r]
long = [r for r in rows if len(r.rstrip()) > 80]
sys.exit(1 if glued or long else 0)
PY
ok $? "descriptions wrap inside 80 columns instead of running into the next entry"
press "q, Esc or ? returns to where you were." "End goes to the end of the help" End
shows "the scrubber: how far into the trace" "which ends with a legend of the marks"
hasnt "more below" "and at the end nothing says there is more"
T send-keys -t ui PPage
shows "What the marks mean" "the legend has its heading"
has "the search's answer: the node its final" "the legend says what ★ means"
T send-keys -t ui End
for _ in 1 2 3 4 5; do T send-keys -t ui j; done
screen
has "q, Esc or ? returns to where you were." "j past the end stays on the last page, never a blank screen"
press "Keys" "Home goes back to the top" Home
T send-keys -t ui q
# ---- Enter opens the detail pane where the size gave none ----
wait_for "#0 problem"
hasnt "─ #0 problem ─" "at 80x24 there is no detail pane at first"
press "─ #0 problem ─" "Enter opens the selected node's detail" Enter
has "2 bags and keeps one bag. Then he finds 57 more stickers." "where the problem's whole text can be read"
press "─ #1 step ─" "it follows the selection" j
T send-keys -t ui Enter
screen
hasnt "─ #1 step ─" "Enter again closes it"

# ---- keys in the help stay in the help (200x60: the detail pane shows the selection) ----
start 200 60 "'$CANOPY' replay '$TMP/b.jsonl'"
wait_for "#0 problem"
has "#0 problem Omar has 6 boxes with 5 stickers in each box. Then he splits the stickers" \
	"at 200x60 the tree's text column takes the room (the pane is a third of the width)"
press "─ #1 step ─" "j selects #1" j
T send-keys -t ui '?'
wait_for "Keys"
press "q, Esc or ? closes the help" "a key the help does not take says how to close it" b
press "#0 problem" "Esc closes the help" Escape
has "─ #1 step ─" "and b (jump to the best) pressed in the help did not move the tree behind it"
press "Keys" "F1 opens the help too" F1
T send-keys -t ui q

# ---- votes: heaviest first, list keys, Enter goes to the nodes ----
start 120 30 "'$CANOPY' replay '$TMP/sc.jsonl'"
wait_for "#0 problem"
press "answers from" "v shows the votes" v
cat >"$TMP/heaviest.py" <<'PY'
import json, re, sys
rows = open(sys.argv[1]).read().split("\n")
vote = [json.loads(l) for l in open(sys.argv[2]) if '"ev":"vote"' in l][-1]
want = [c["answer"] for c in sorted(vote["clusters"], key=lambda c: (-c["weight"], -c["count"]))]
head = next(i for i, r in enumerate(rows) if "answer" in r and "count" in r and "weight" in r)
shown = [r.replace("\u25b6", " ").replace(">", " ").split()[0] for r in rows[head + 1:] if r.strip()]
shown = [a for a in shown if a in want]
sys.exit(0 if shown == want else 1)
PY
# read again until the pane is whole (one caught mid-update has half a list)
heaviest=1
for _ in 1 2 3 4 5 6 7 8 9 10; do
	T capture-pane -p -t ui >"$TMP/screen"
	python3 "$TMP/heaviest.py" "$TMP/screen" "$TMP/sc.jsonl" && heaviest=0 && break
	sleep 0.3
done
ok "$heaviest" "the votes are listed heaviest first"
press "answer -4: 7 nodes: #4 #8 #12 #20 #24 #32 #40" "Enter on the heaviest answer names the nodes that gave it" Enter
has "▾ #0 problem" "and goes to the tree, on the first of them"
press "#0 problem" "Esc from the votes goes back to the tree" v End Escape
press "#0 problem" "^L redraws" C-l
press "EXIT=0" "F10 quits" F10

# ---- a replay's hint, its trace, and what [ and ] stepped over ----
start 120 30 "'$CANOPY' replay '$TMP/b.jsonl'"
wait_for "#0 problem"
has "space plays · [ ] one event" "a replay's hint offers a replay's keys"
hasnt "s steps" "and not the live s"
press "event 103 undone: usage" "[ says which event it undid" '['
press "event 103: usage" "] says which event it applied" ']'
press "event 2: a level begins" "in words" g ']'
press "event 3: node #1 (step) under #0" "with the node it made" ']'
press "Trace: $TMP/b.jsonl" "the help names the trace" '?'
T send-keys -t ui q q

# ---- replay is a player: the clock starts on play, F follows ----
start 200 60 "'$CANOPY' replay '$TMP/b.jsonl'"
wait_for "#0 problem"
T send-keys -t ui g - - - - -
sleep 1.5
T send-keys -t ui ' '
sleep 0.3
T capture-pane -p -t ui >"$TMP/screen"
pos=$(grep -o 'event [0-9]* of 103' "$TMP/screen" | head -1 | awk '{print $2}')
test -n "$pos" && test "$pos" -le 2
ok $? "space plays from where it was: no second's worth of events skipped (at 0.6 ev/s, event $pos after 0.3 s)"
T send-keys -t ui ' ' g + + + + + + + + ' '
sleep 2
screen
has "─ #32 step ─" "playback follows the newest node"
T send-keys -t ui g - - - ' '
sleep 2.5
T send-keys -t ui ' ' k
sleep 0.3
screen
sel=$(grep -o '─ #[0-9]* step ─' "$TMP/screen" | head -1)
T send-keys -t ui + + + + + + ' '
sleep 1.5
screen
has "event 103 of 103" "played on to the end"
has "$sel" "but once you moved, playback left the cursor where you put it ($sel)"
press "playback follows the newest node" "F follows again" F
T send-keys -t ui q

# ---- :seek ----
start 120 30 "'$CANOPY' replay '$TMP/b.jsonl'"
wait_for "#0 problem"
press "event 50 of 103" ":seek N goes to event N" : "seek 50" Enter
press "event 26 of 103" ":seek N% goes a share of the way" : "seek 25%" Enter
press "level 3" ":seek KIND K goes to the K-th unit of that kind" : "seek level 3" Enter
press "level 2" ":seek unit K to the K-th unit of work" : "seek unit 2" Enter
press "seek: the trace has no level 9" "a unit the trace does not have is said to be missing" : "seek level 9" Enter
press "seek: 'x' is no position" "and a position that is none" : "seek x" Enter
press "event 103 of 103" ":seek end" : "seek end" Enter
T send-keys -t ui q

# ---- OSC 11: the terminal is asked for its background colour ----
# tmux answers with the pane's style: white (rgb:c0c0/...) is light
start 100 30 "sleep 0.6; unset COLORFGBG; '$CANOPY' replay '$TMP/b.jsonl'"
T set -t ui window-style bg=white
wait_for "#0 problem"
press "theme light" "a terminal that answers OSC 11 with white gets the light theme" : theme Enter
T send-keys -t ui q
start 100 30 "sleep 0.6; unset COLORFGBG; '$CANOPY' replay '$TMP/b.jsonl'"
T set -t ui window-style bg=black
wait_for "#0 problem"
press "theme default" "and one that answers black keeps the default" : theme Enter
T send-keys -t ui j j
hasnt "11;rgb" "the answer never reaches the screen or the keys"
T send-keys -t ui q

# ---- a light terminal, a finished search, the flash ----
start 120 30 "COLORFGBG='0;15' '$CANOPY' run --ui --strategy sc --n 2 --trace '$TMP/fin.jsonl'"
wait_for "#0 problem"
press "theme light" "a terminal that says its background is white gets the light theme" : theme Enter
wait_for "done" 10
press "the search has finished: nothing is left to run" "s after the search ended says why nothing happens" s
press "the search has finished" ":pause too" : pause Enter
press "new nodes' ids do not flash" ":flash off stops the new-node flash" : "flash off" Enter
clock1=$(grep -o '[0-9]*\.[0-9]s ·' "$TMP/screen" | head -1)
sleep 1.2
T send-keys -t ui : "set temperature 0.5" Enter
sleep 0.5
screen
clock2=$(grep -o '[0-9]*\.[0-9]s ·' "$TMP/screen" | head -1)
test -n "$clock1" && test "$clock1" = "$clock2"
ok $? "a finished search's clock stays where it stopped, a :set after it too ($clock1, $clock2)"
T send-keys -t ui q

# ---- the demo, paced for a person ----
start 120 30 "'$CANOPY'"
shows "a demo: a beam search, a level every 1.5 s" "canopy alone says it is a demo, and what to try"
has "space pauses · s steps · e expands · d prunes" "naming the keys"
sleep 2
screen
hasnt "done" "two seconds in, the demo is still going (a level every 1.5 s)"
press "pace: 3 s between units of work" "- slows it" -
press "pace: no pause between units of work" "+ speeds it up to no pause at all" + + + + + + +
T send-keys -t ui q q

# ---- Tab completion keeps the status bar ----
start 120 30 "'$CANOPY' run --ui --paused --strategy beam --n 4 --width 2 --trace '$TMP/tab.jsonl'"
wait_for "paused"
T send-keys -t ui : "set t" Tab
sleep 0.3
T send-keys -t ui Tab
sleep 0.5
screen
has "temperature" "Tab offers the parameters"
python3 - "$TMP/screen" <<'PY'
import sys
rows = open(sys.argv[1]).read().rstrip("\n").split("\n")
# the status bar is the row above the command line
sys.exit(0 if rows[-2].lstrip().startswith("paused") and "temperature" in rows[-3] else 1)
PY
ok $? "on the row above the status bar, which stays as it was"
T send-keys -t ui C-u Escape
press "saved the journal to $TMP/saved.jsonl" ":save says where it saved" : "save $TMP/saved.jsonl" Enter
sleep 1.5
screen
has "saved the journal to" "and the confirmation stays"
T send-keys -t ui q q

# ---- the rounds view scrolls by lines: every chain can be reached ----
"$CANOPY" run --strategy critique --parallel 3 --rounds 2 --difficulty 7 --seed 4 -q \
	--trace "$TMP/crit.jsonl" >/dev/null 2>&1
start 80 24 "'$CANOPY' replay '$TMP/crit.jsonl'"
wait_for "#0 problem"
press "chain 1: solution" "r shows the rounds" r
hasnt "chain 3:" "at 80x24 the third chain is below the screen"
press "chain 3: solution" "End scrolls to it, line by line (not a chain at a time)" End
has " canopy · " "the title stays drawn above the scrolled view"
T send-keys -t ui k
sleep 0.3
screen
has "chain 3: solution" "k moves one line up from the end"
press "chain 1: solution" "Home goes back to the top" Home
T send-keys -t ui q

# ---- units counted as a person counts them ----
start 120 30 "'$CANOPY' replay '$SRCDIR/examples/critique-fixes-step-3.jsonl'"
wait_for "#0 problem"
has "round 2" "a critique with two rounds ends on round 2 (not 3: the first sample is a unit of its own)"
press "round 1" "{ goes back to round 1" '{'
press "sample 1" "and to the sample before it" '{'
T send-keys -t ui q

# ---- a large trace: seeks redraw at once; loading shows progress and Esc stops it ----
if command -v python3 >/dev/null; then
	# gen.py N [PACE]: a trace of N steps (a bushy tree, each scored) on
	# stdout, after b.jsonl's header; with PACE, 5000 lines every PACE s
	cat >"$TMP/gen.py" <<'PY'
import sys, time
n = int(sys.argv[1]); pace = float(sys.argv[2]) if len(sys.argv) > 2 else 0
out = sys.stdout
out.write(open(sys.argv[3]).readline())
out.write('{"seq":1,"t":0,"ev":"node","id":0,"kind":"problem","tokens":0,"text":"A big tree"}\n')
seq = 1
try:
    for i in range(1, n + 1):
        seq += 1
        p = 0 if i < 8 else i - 1 - (i * 7919) % min(i - 1, 500)
        out.write('{"seq":%d,"t":%.4f,"ev":"node","id":%d,"parent":%d,"kind":"step","tokens":5,"text":"Step %d of the big tree"}\n' % (seq, i * 1e-4, i, p, i))
        seq += 1
        out.write('{"seq":%d,"t":%.4f,"ev":"score","id":%d,"prm":%.3f}\n' % (seq, i * 1e-4, i, (i * 37 % 100) / 100))
        if pace and i % 2500 == 0:
            out.flush()
            time.sleep(pace)
except BrokenPipeError:
    pass
PY
	python3 "$TMP/gen.py" 200000 0 "$TMP/b.jsonl" >"$TMP/big.jsonl"
	start 120 30 "'$CANOPY' replay '$TMP/big.jsonl'"
	wait_for "of 400001" 60
	press "event 1 of 400001" "g seeks a 400k-event trace to its start at once" g
	press "event 400001 of 400001" "G to its end" G
	press "event 200001 of 400001" ":seek 50% to its middle" : "seek 50%" Enter
	press "event 200002 of 400001" "] steps one event from there" "]"
	press "event 200001 of 400001" "[ back" "["
	# the scrubber: columns 19-38 of the status line at 120 columns
	shows "ev/s ━━━━━━━━━━●───────── event 200001" "the status line's scrubber shows where the cursor is"
	# a sanitizer build can be slow enough to read a mouse report's bytes
	# apart; a click that went unseen is given again, once
	click 28 28
	wait_for "event 189474 of 400001" || click 28 28
	shows "event 189474 of 400001" "a click on the scrubber seeks to that point"
	click 38 28
	wait_for "event 400001 of 400001" || click 38 28
	shows "event 400001 of 400001" "its right end is the end"
	T send-keys -t ui q
	# a trace still being written, through a pipe: progress, then Esc
	mkfifo "$TMP/slow.fifo"
	python3 "$TMP/gen.py" 1000000 0.05 "$TMP/b.jsonl" >"$TMP/slow.fifo" &
	gen=$!
	start 120 30 "'$CANOPY' replay '$TMP/slow.fifo'"
	shows "events in" "loading a trace shows how far it has got"
	shows "Esc: open what is read so far" "and says what Esc does"
	press "loading stopped at line" "Esc opens what is read so far, and says so" Escape
	shows "#0 problem" "with the tree as far as it was read"
	T send-keys -t ui q
	kill $gen 2>/dev/null
	wait $gen 2>/dev/null
fi

# ---- live: g and G, q and ^C ask first, search counts its matches ----
start 200 60 "'$CANOPY' run --ui --paused --strategy beam --n 4 --width 2 --seed 3 --trace '$TMP/live.jsonl'"
wait_for "#0 problem"
T send-keys -t ui s
sleep 1
T send-keys -t ui G
screen
sel_last=$(grep -o '─ #[0-9]* ' "$TMP/screen" | head -1)
press "─ #0 problem ─" "g goes to the first node in a live run" g
test -n "$sel_last" && test "$sel_last" != "─ #0 "
ok $? "and G went to the last ($sel_last)"
press "match 1 of" "/ says which match of how many" / Step Enter
press "(wrapped to the bottom)" "and N going round the top says so" N
press "the search is paused, not finished; q again quits" "q asks first when a paused search is unfinished" q
press "EXIT=" "^C as the second q quits" C-c
T kill-server 2>/dev/null

done_testing
