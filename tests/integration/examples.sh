# examples/: every trace is valid, says what its README says, and is what
# the command above it in examples/README.md makes today (so the engine
# and the teaching material cannot drift apart); every option of the
# example config's profiles is a run option.
. "$SRCDIR/tests/integration/lib.sh"

E="$SRCDIR/examples"
# the events without their times, the header without when and by what
events() { sed -e 's/"t":[0-9.]*,//' -e 's/,"version":"[^"]*","created":"[^"]*"//' "$1"; }

grep -E '^    canopy run .* --trace [a-z0-9-]+\.jsonl$' "$E/README.md" >"$TMP/commands"
test "$(wc -l <"$TMP/commands")" -ge 4
ok $? "examples/README.md gives the command of each trace"
while read -r line; do
	name=$(printf '%s\n' "$line" | sed 's/.*--trace //')
	args=$(printf '%s\n' "$line" | sed -e 's/^ *canopy run //' -e 's/ --trace .*//')
	test -f "$E/$name"
	ok $? "$name is in examples/"
	"$CANOPY" check -q "$E/$name"
	ok $? "$name is a valid trace"
	# shellcheck disable=SC2086 # the README's arguments, word by word
	"$CANOPY" run -q $args --trace "$TMP/$name" >/dev/null
	events "$E/$name" >"$TMP/want"
	events "$TMP/$name" >"$TMP/got"
	if cmp -s "$TMP/want" "$TMP/got"; then
		ok 0 "'canopy run $args' makes $name again"
	else
		ok 1 "'canopy run $args' makes $name again"
		diff "$TMP/want" "$TMP/got" | head -10 | sed 's/^/#   /'
	fi
done <"$TMP/commands"

# what the READMEs promise
grep -q '"ev":"final","answer":"-4".*"correct":false' "$E/sc-majority.jsonl"
ok $? "sc-majority: the majority is wrong"
grep -q '"ev":"final","answer":"62".*"correct":true' "$E/beam-recovers.jsonl"
ok $? "beam-recovers: the beam ends on the right answer"
grep -q '"what":"critique","label":"wrong","id":2,"values":{"steps":4,"wrong_steps":2,"first_wrong":3}' \
	"$E/critique-fixes-step-3.jsonl"
ok $? "critique-fixes-step-3: the critic finds step 3 wrong first"
grep -q '"ev":"final","answer":"62".*"correct":true' "$E/critique-fixes-step-3.jsonl"
ok $? "critique-fixes-step-3: and the refinement's answer is the final one"
if command -v python3 >/dev/null; then
	got=$(python3 -c '
import json, sys
visits, value, parent = {}, {}, {}
for line in open(sys.argv[1]).readlines()[1:]:
    e = json.loads(line)
    if e["ev"] == "node" and "parent" in e:
        parent[e["id"]] = e["parent"]
    elif e["ev"] == "stats":
        visits[e["id"]], value[e["id"]] = e["visits"], e["value"]
first = sorted(k for k, p in parent.items() if p == 0)
print(" ".join("%d:%.2f" % (visits.get(k, 0), value.get(k, 0) / visits[k] if visits.get(k) else 0) for k in first))
' "$E/mcts-visits-concentrate.jsonl")
	is "$got" "24:2.05 0:0.00 0:0.00" "mcts-visits-concentrate: all 24 visits go to the right first step (its mean return 2.05)"
else
	skip "python3 is not installed"
fi

# the config: every option a profile sets is one canopy run knows
"$CANOPY" run --help >"$TMP/help"
grep -E '^[a-z][a-z-]* *=' "$E/config" | sed 's/ *=.*//' | sort -u >"$TMP/keys"
test "$(wc -l <"$TMP/keys")" -ge 8
ok $? "examples/config sets options"
while read -r k; do
	grep -qE -- "--$k([^a-z-]|\$)" "$TMP/help"
	ok $? "examples/config: '$k' is a run option"
done <"$TMP/keys"
for p in llamacpp vllm-prm ollama openai; do
	grep -q "^\[profile $p\]$" "$E/config"
	ok $? "examples/config has a profile '$p'"
done
mkdir -p "$XDG_CONFIG_HOME/canopy"
cp "$E/config" "$XDG_CONFIG_HOME/canopy/config"
"$CANOPY" run --profile ollama --url http://127.0.0.1:1 --retries 0 -q --problem "What is 2+3?" \
	--trace "$TMP/o.jsonl" >"$TMP/o.out" 2>&1
grep -q '"backend":{"kind":"ollama".*"model":"qwen2.5:7b-instruct"' "$TMP/o.jsonl"
ok $? "a profile of it is read: --profile ollama makes an Ollama run of its model"

done_testing
