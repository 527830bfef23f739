#!/bin/sh
# Worst cases an adversary can write into a trace or an answer (numbers,
# not pass/fail): each must cost about linear time in its input.
#   a chain of 100,000 steps with 10,000 final events moving along it
#   10,000 prunes of the same 50,000-node subtree
#   the SVG export of that 100,000-step chain
#   grading a 64 KB nested-tuple answer against itself
# Usage: bench_worst.sh (BUILDDIR/canopy; python3 makes the inputs).
set -u
BUILD=${BUILDDIR:-$(pwd)}
CANOPY=${CANOPY:-$BUILD/canopy}
command -v python3 >/dev/null || { echo "bench_worst: python3 is not installed; skipped"; exit 0; }
TMP=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
row() { printf '  %-54s %8s s\n' "$1" "$2"; }
secs() { # secs COMMAND...: wall seconds
	python3 -c 'import subprocess, sys, time
t = time.time(); subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("%.3f" % (time.time() - t))' "$@"
}
python3 - "$TMP" <<'PY'
import json, sys
d = sys.argv[1]
head = {"canopy": 1, "problem": {"text": "p"}, "strategy": {"name": "sc"}, "backend": {"kind": "sim"}, "seed": 1}
def write(name, events):
    with open(d + "/" + name, "w") as f:
        f.write(json.dumps(head) + "\n")
        for i, e in enumerate(events):
            e = dict({"seq": i + 1, "t": 0}, **e)
            f.write(json.dumps(e) + "\n")
N = 100000
chain = [{"ev": "node", "id": 0, "kind": "problem", "text": "p"}]
chain += [{"ev": "node", "id": i, "parent": i - 1, "kind": "step", "text": "s"} for i in range(1, N)]
# the final moves between the deepest node and its sibling chain's end
chain += [{"ev": "node", "id": N, "parent": N // 2, "kind": "step", "text": "t"}]
finals = [{"ev": "final", "answer": "1", "node": (N - 1) if k % 2 else N} for k in range(10000)]
write("finals.jsonl", chain + finals)
write("chain.jsonl", chain)
wide = [{"ev": "node", "id": 0, "kind": "problem", "text": "p"}]
wide += [{"ev": "node", "id": i, "parent": (i - 1) // 2, "kind": "step", "text": "s"} for i in range(1, 50001)]
write("prunes.jsonl", wide + [{"ev": "prune", "id": 1, "by": "search"} for _ in range(10000)])
nest = "1"
for _ in range(16000):  # ((1,1),1)...: about 64 KB, each level a 2-tuple
    nest = "(" + nest + ",1)"
with open(d + "/data.jsonl", "w") as f:
    f.write(json.dumps({"question": "q", "answer": "#### " + nest}) + "\n")
with open(d + "/pred.jsonl", "w") as f:
    f.write(json.dumps({"prediction": "The answer is " + nest.replace("1", "1.0")}) + "\n")
PY
echo "canopy bench: worst cases"
row "check: 100,000-step chain, no finals" "$(secs "$CANOPY" check "$TMP/chain.jsonl")"
row "check: the same with 10,000 final events moving" "$(secs "$CANOPY" check "$TMP/finals.jsonl")"
row "check: 10,000 prunes of a 50,000-node subtree" "$(secs "$CANOPY" check "$TMP/prunes.jsonl")"
row "export --format svg of the 100,000-step chain" "$(secs "$CANOPY" export "$TMP/chain.jsonl" --format svg -o "$TMP/c.svg")"
row "grade: a 64 KB nested-tuple answer" "$(secs "$CANOPY" grade --dataset "$TMP/data.jsonl" --predictions "$TMP/pred.jsonl")"
