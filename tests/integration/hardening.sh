# Hardening: inputs that crashed canopy, each now a clear one-line error
# (or a clean result) and never a signal; the release binary under the
# test's own eyes (ASan and UBSan builds run this file too in CI).
. "$SRCDIR/tests/integration/lib.sh"

# survives STATUS DESCRIPTION: not killed by a signal (status < 128)
survives() {
	if [ "$1" -lt 128 ]; then ok 0 "$2"; else ok 1 "$2 (killed: status $1)"; fi
}

# ---- canopy import --from search-and-learn: a row with an empty score list
cat >"$TMP/sal.jsonl" <<'EOF'
{"problem": "What is 1 + 2?", "answer": "3", "completions": ["Step 1: 1 + 2 = 3.\n\nStep 2: So it is 3. The answer is $\\boxed{3}$."], "scores": [[]], "pred": "3", "completion_tokens": [1e30]}
EOF
"$CANOPY" import --from search-and-learn "$TMP/sal.jsonl" -o "$TMP/sal.trace" >"$TMP/out" 2>&1
rc=$?
survives $rc "search-and-learn: an empty score list does not crash the importer"
is "$rc" 0 "and the row imports"
"$CANOPY" check "$TMP/sal.trace" >"$TMP/out" 2>&1
contains "$TMP/out" "3 nodes" "its steps are kept (unscored), and a token count of 1e30 is taken as the most a node holds"

# ---- bench --offset 1 --limit 2^64-1: from + limit wrapped (a double free)
printf '{"question": "q1", "answer": "so #### 1"}\n{"question": "q2", "answer": "so #### 2"}\n' >"$TMP/two.jsonl"
"$CANOPY" bench --dataset "$TMP/two.jsonl" --offset 1 --limit 18446744073709551615 >"$TMP/out" 2>&1
rc=$?
survives $rc "bench --limit 2^64-1 does not crash"
is "$rc" 2 "it is refused as out of range"
contains "$TMP/out" "--limit takes a whole number from 0 to" "saying which range"

# ---- --resume reads the header's numbers as the command line would
"$CANOPY" run --strategy beam --n 4 --width 2 --seed 3 --trace "$TMP/b.jsonl" -q >/dev/null 2>&1
head -1 "$TMP/b.jsonl" >"$TMP/h"
sed -n '2,12p' "$TMP/b.jsonl" >"$TMP/body" # a run cut short
for bad in '"width":0' '"n":-3' '"lookahead":1000000000' '"n":1e12' '"depth":"40"'; do
	key=${bad%%:*}
	sed "s/$key:[^,}]*/$bad/" "$TMP/h" >"$TMP/r.jsonl"
	cat "$TMP/body" >>"$TMP/r.jsonl"
	cp "$TMP/b.jsonl.replies" "$TMP/r.jsonl.replies"
	"$CANOPY" run --resume "$TMP/r.jsonl" -q >"$TMP/out" 2>&1
	rc=$?
	survives $rc "--resume with $bad in the header does not crash"
	is "$rc" 2 "it is refused as any trace that cannot be resumed (exit 2)"
	contains "$TMP/out" "r.jsonl:1: header:" "naming the file and the line ($bad)"
	f=$(printf '%s' "$key" | tr -d '"')
	contains "$TMP/out" "strategy.$f" "and the field"
done

# ---- a replies journal whose PRM reply holds fewer scores than steps
"$CANOPY" run --strategy beam --n 4 --width 2 --lookahead 2 --seed 3 --trace "$TMP/la.jsonl" -q >/dev/null 2>&1
head -5 "$TMP/la.jsonl" >"$TMP/lr.jsonl" # cut before the first scores
# the first PRM reply loses two of its three scores
awk '!done && /"kind":"prm"/ { sub(/"scores":\[[^],]*,[^]]*\]/, "\"scores\":[0.5]"); done = 1 } { print }' \
	"$TMP/la.jsonl.replies" >"$TMP/lr.jsonl.replies"
grep -q '"scores":\[0.5\]' "$TMP/lr.jsonl.replies"
ok $? "(the test damaged a PRM reply)"
"$CANOPY" run --resume "$TMP/lr.jsonl" -q >"$TMP/out" 2>&1
rc=$?
survives $rc "beam --lookahead resumed from a PRM reply with too few scores does not read past them"
is "$rc" 1 "the resume fails"
contains "$TMP/out" "lr.jsonl.replies: reply" "naming the replies journal and the reply"
contains "$TMP/out" "holds 1 step scores for a request of 3 steps" "and what is wrong with it"

# ---- two resumes of one trace at once: one goes on, the other is refused
# before it touches anything; the journal stays whole (6 tries: before the
# locks were taken first, 9 of 10 tries left a seq gap)
bad_tries=0 refused=0 finished=0
for try in 1 2 3 4 5 6; do
	rm -f "$TMP/race.jsonl" "$TMP/race.jsonl.replies"
	# a run of about 2 s, killed a third of the way
	"$CANOPY" run -q --strategy beam --n 8 --width 2 --difficulty 8 --seed "$try" --sim-latency 60 \
		--trace "$TMP/race.jsonl" >/dev/null 2>&1 &
	pid=$!
	sleep 0.6
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	"$CANOPY" run -q --resume "$TMP/race.jsonl" >"$TMP/ra.out" 2>"$TMP/ra.err" &
	a=$!
	"$CANOPY" run -q --resume "$TMP/race.jsonl" >"$TMP/rb.out" 2>"$TMP/rb.err" &
	b=$!
	wait $a
	ra=$?
	wait $b
	rb=$?
	"$CANOPY" check -q "$TMP/race.jsonl" >"$TMP/rc.err" 2>&1 || bad_tries=$((bad_tries + 1))
	for x in "$ra:$TMP/ra.err" "$rb:$TMP/rb.err"; do
		case ${x%%:*} in
		0) finished=$((finished + 1)) ;;
		2) grep -qE "another canopy \(pid [0-9]+\) is writing this journal" "${x#*:}" && refused=$((refused + 1)) ;;
		esac
	done
done
is "$bad_tries" 0 "after each race the journal checks whole (no seq gap)"
is "$finished" 6 "each time one resume finishes the run"
is "$refused" 6 "and the other is refused, naming the pid that holds the journal"
"$CANOPY" check "$TMP/race.jsonl" >"$TMP/out" 2>&1
contains "$TMP/out" "answer" "the finished run chose its answer"

# ---- untrusted text never reaches the terminal raw ----
ESC=$(printf '\033')
BEL=$(printf '\007')
raw() { # raw FILE: does it hold an ESC or a BEL byte?
	LC_ALL=C grep -q "[$ESC$BEL]" "$1"
}
clean() { # clean FILE DESCRIPTION
	if raw "$1"; then
		ok 1 "$2"
		LC_ALL=C sed -n "/[$ESC$BEL]/{l;q}" "$1" | head -2 | sed 's/^/#   /'
	else
		ok 0 "$2"
	fi
}
if command -v python3 >/dev/null; then
	python3 "$SRCDIR/tests/fake_server.py" --port-file "$TMP/port" --lifetime 120 &
	fs=$!
	for _ in $(seq 1 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
	URL="http://127.0.0.1:$(cat "$TMP/port")"
	Q="What is 6 times 7?"
	"$CANOPY" run --backend openai --url "$URL" --model fault:escapes --problem "$Q" --answer 42 \
		--trace "$TMP/esc.jsonl" >"$TMP/esc.out" 2>"$TMP/esc.err"
	survives $? "a reply full of terminal escapes is run"
	clean "$TMP/esc.out" "run: the answer on stdout holds no raw ESC or BEL"
	clean "$TMP/esc.err" "run: nor does its summary on stderr"
	contains "$TMP/esc.out" "^[[31m" "the escape is shown visibly (^[)"
	"$CANOPY" run --show --backend openai --url "$URL" --model fault:escapes --problem "$Q" \
		--trace "$TMP/esc2.jsonl" >"$TMP/esc2.out" 2>"$TMP/esc2.err"
	clean "$TMP/esc2.err" "run --show: the steps it prints hold no raw escape"
	contains "$TMP/esc2.err" "^[]0;pwned^G^[[2J" "and show the window-title and clear-screen sequences visibly"
	"$CANOPY" check "$TMP/esc.jsonl" >"$TMP/chk.out" 2>&1
	clean "$TMP/chk.out" "check: the summary of such a trace holds no raw escape"
	"$CANOPY" run --backend openai --url "$URL" --model fault:escape-error --problem "$Q" --retries 0 \
		--trace "$TMP/ee.jsonl" >"$TMP/ee.out" 2>"$TMP/ee.err"
	clean "$TMP/ee.err" "a server's error message with escapes is printed safe"
	contains "$TMP/ee.err" "bad ^[]0;pwned^G request^[[2J" "and still says what the server said"
	# ---- secrets: a URL's password is sent, never written
	AUTH="http://alice:s3cret-pw@127.0.0.1:$(cat "$TMP/port")"
	"$CANOPY" run --backend openai --url "$AUTH" --model fault:500 --problem "$Q" --retries 0 --n 2 \
		--trace "$TMP/pw.jsonl" >"$TMP/pw.out" 2>"$TMP/pw.err"
	"$CANOPY" run --backend openai --url "$AUTH" --model fault:404 --problem "$Q" --prm-url "$AUTH" \
		--prm vllm --prm-model m --trace "$TMP/pw2.jsonl" >>"$TMP/pw.out" 2>>"$TMP/pw.err"
	"$CANOPY" run --backend llamacpp --url "http://bob:s3cret-pw@127.0.0.1:1" --problem "$Q" \
		--trace "$TMP/pw3.jsonl" >>"$TMP/pw.out" 2>>"$TMP/pw.err"
	grep -q '"ev":"error"' "$TMP/pw.jsonl"
	ok $? "(the runs with a password in the URL made errors)"
	leaks=$(cat "$TMP"/pw*.jsonl "$TMP"/pw*.jsonl.replies "$TMP/pw.out" "$TMP/pw.err" 2>/dev/null | grep -c "s3cret-pw")
	is "$leaks" 0 "no trace, replies journal, error event or message holds the URL's password"
	contains "$TMP/pw.jsonl" "http://***@127.0.0.1" "the header records the server, credentials masked"
	contains "$TMP/pw.err" "http://***@127.0.0.1:1/health" "and messages name it the same way"
	# ---- a key with a line break would add headers
	CANOPY_API_KEY="$(printf 'sk-1\r\nX-Injected: yes')" "$CANOPY" run --backend openai --url "$URL" --model ok \
		--problem "$Q" --trace "$TMP/k.jsonl" >"$TMP/k.out" 2>&1
	is "$?" 2 "a key holding CR LF is refused (exit 2)"
	contains "$TMP/k.out" "CANOPY_API_KEY: refused: the API key holds a control character" "saying why"
	kill $fs 2>/dev/null
else
	for _ in $(seq 1 15); do skip "python3 is not installed"; done
fi
# grade -v prints predictions as they are graded
printf '{"question": "q", "answer": "so #### 42"}\n' >"$TMP/ds.jsonl"
printf '{"prediction": "The answer is 41\\u001b]0;pwned\\u0007\\u001b[2J"}\n' >"$TMP/pred.jsonl"
"$CANOPY" grade --dataset "$TMP/ds.jsonl" --predictions "$TMP/pred.jsonl" -v >"$TMP/g.out" 2>&1
clean "$TMP/g.out" "grade -v: a prediction with escapes is listed safe"
# an error naming a file's content
printf '{"canopy":1,"problem":{"text":"p\\u001b[2J"},"strategy":{"name":"sc\\u001b]0;x\\u0007"},"backend":{"kind":"sim"},"seed":1}\n{"seq":1,"t":0,"ev":"node","id":0,"kind":"problem","text":"p"}\n{"seq":2,"t":0,"ev":"final","answer":"42\\u001b[2J","node":0}\n' >"$TMP/et.jsonl"
"$CANOPY" check "$TMP/et.jsonl" >"$TMP/et.out" 2>&1
clean "$TMP/et.out" "check: a trace's strategy and answer with escapes are printed safe"

# ---- numbers and escapes a journal cannot round-trip are refused at load
head -2 "$TMP/b.jsonl" >"$TMP/inf.jsonl"
echo '{"seq":2,"t":0,"ev":"score","id":0,"prm":1e999}' >>"$TMP/inf.jsonl"
"$CANOPY" check "$TMP/inf.jsonl" >"$TMP/out" 2>&1
is "$?" 1 "a score of 1e999 makes the trace invalid"
contains "$TMP/out" "inf.jsonl:3: bad JSON at column" "naming the line"
contains "$TMP/out" "number out of range" "and why"
head -2 "$TMP/b.jsonl" >"$TMP/sur.jsonl"
echo '{"seq":2,"t":0,"ev":"answer","id":0,"answer":"x\ud800y"}' >>"$TMP/sur.jsonl"
"$CANOPY" check "$TMP/sur.jsonl" >"$TMP/out" 2>&1
contains "$TMP/out" "sur.jsonl:3: bad JSON at column 48: lone surrogate in a \u escape" "a lone surrogate is refused with its line and column"

# ---- exports are valid for their formats whatever the node text ----
if command -v python3 >/dev/null; then
	python3 - "$TMP/evil.jsonl" <<'PY'
import json, sys
out = open(sys.argv[1], "wb")
def line(o):
    out.write(json.dumps(o, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n")
line({"canopy": 1, "problem": {"text": "<script>alert(1)</script> \u00e9" * 10, "answer": "=1+1"},
      "strategy": {"name": "sc", "n": 2}, "backend": {"kind": "sim"}, "seed": 1})
line({"seq": 1, "t": 0, "ev": "node", "id": 0, "kind": "problem", "text": "p"})
texts = ["Step 1: <script>x</script> & \x1b[2J\x07 \ufffe\uffff \u0085",
         "=HYPERLINK(\"http://x\")",
         "\u00e9" * 300]
for i, t in enumerate(texts):
    line({"seq": 2 + 2 * i, "t": 0, "ev": "node", "id": i + 1, "parent": 0, "kind": "step", "text": t})
    line({"seq": 3 + 2 * i, "t": 0, "ev": "answer", "id": i + 1, "answer": ["-1+cmd|' /C calc'!A0", "@SUM(1)", "<b>7</b>"][i]})
line({"seq": 8, "t": 0, "ev": "score", "id": 1, "prm": 0.5})
line({"seq": 9, "t": 0, "ev": "final", "answer": "<b>7</b>", "node": 3})
PY
	"$CANOPY" check "$TMP/evil.jsonl" >"$TMP/out" 2>&1
	ok $? "(a trace of hostile texts loads)"
	for fmt in json dot svg md csv; do
		"$CANOPY" export "$TMP/evil.jsonl" --format $fmt -o "$TMP/evil.$fmt" 2>"$TMP/out"
		ok $? "export --format $fmt of it succeeds"
	done
	python3 -c 'import json,sys; json.load(open(sys.argv[1]), parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))' \
		"$TMP/evil.json" 2>"$TMP/out"
	ok $? "json: strict JSON"
	python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$TMP/evil.svg" 2>"$TMP/out"
	ok $? "svg: well-formed XML (no U+FFFE, U+FFFF, control characters or bad bytes)"
	python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$TMP/evil.dot" 2>"$TMP/out"
	ok $? "dot: valid UTF-8 (labels cut between characters)"
	clean "$TMP/evil.dot" "dot: no ESC or BEL"
	if grep -q "<script>\|<b>" "$TMP/evil.md"; then ok 1 "md: no raw HTML"; else ok 0 "md: no raw HTML"; fi
	contains "$TMP/evil.md" "&lt;script&gt;" "md: the markup shown as text"
	python3 - "$TMP/evil.csv" <<'PY' >"$TMP/out" 2>&1
import csv, sys
bad = []
for row in csv.reader(open(sys.argv[1], encoding="utf-8")):
    for cell in row:
        if cell[:1] in ("=", "+", "-", "@"):
            try:
                float(cell)
            except ValueError:
                bad.append(cell)
if bad:
    print("formula cells:", bad[:3]); sys.exit(1)
PY
	ok $? "csv: no cell a spreadsheet would run as a formula"
else
	for _ in $(seq 1 13); do skip "python3 is not installed"; done
fi

done_testing
