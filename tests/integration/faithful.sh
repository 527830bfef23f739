# The strategies named after papers do what the authors' code does: each
# choice recomputed from the journal by python, by the authors' rule
# (rStar's run_src and do_discriminate.py, MathCritique's evaluate-all.sh
# loop and test_filter.py).
. "$SRCDIR/tests/integration/lib.sh"

if ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP python3 is needed to recompute the choices"
	exit 0
fi

# ---- rStar ----
for seed in 1 2 3 4 5 6; do
	"$CANOPY" run -q --strategy rstar --seed "$seed" --trace "$TMP/r$seed.jsonl" >/dev/null
done
python3 - "$TMP"/r[1-6].jsonl >"$TMP/rstar.out" 2>&1 <<'PY'
import json, re, sys
def num(a):
    try: return float(a)
    except (TypeError, ValueError): return None
def same(a, b):
    x, y = num(a), num(b)
    return a is not None and b is not None and (a == b or (x is not None and y is not None and abs(x - y) < 1e-9))
bad = []
for f in sys.argv[1:]:
    ev = [json.loads(l) for l in open(f)][1:]
    nodes = {e["id"]: e for e in ev if e["ev"] == "node"}
    answers = {e["id"]: e["answer"] for e in ev if e["ev"] == "answer"}
    # 32 votes for a direct answer (A2) or a last sub-question, 10 for a
    # sub-answer (A3's, A4)
    for c in (e for e in ev if e["ev"] == "verdict" and e.get("what") == "confidence"):
        n, v = nodes[c["id"]], c["values"]
        want = 10 if v.get("sub") == 1 else 32
        if v["votes"] != want:
            bad.append("%s: node %d (A%s) voted %s times, not %d" % (f, c["id"], n.get("action"), v["votes"], want))
        if n.get("action") == 2 and c["id"] not in answers:
            bad.append("%s: A2 node %d states no answer" % (f, c["id"]))
    # an A1 step or a re-answer is never a solution of its own
    for i, n in nodes.items():
        if n.get("action") in (1, 4) and i in answers:
            bad.append("%s: A%d node %d is a solution" % (f, n["action"], i))
    # the final choice, recomputed from the discriminator's verdicts
    d = [e for e in ev if e["ev"] == "verdict" and e.get("what") == "discriminator"]
    final = [e for e in ev if e["ev"] == "final"][0]
    if not d:
        continue
    def ans(i):
        m = re.search(r"answer is (-?[\d.]+)", nodes[i]["text"])
        return answers.get(i) or (m.group(1).rstrip(".") if m else None)
    cands = [(ans(e["id"]), e["values"]["reward"], e["values"]["count"], e["label"] == "kept") for e in d]
    for e in d:
        if e["values"]["of"] != 4:
            bad.append("%s: %s completions, not 4" % (f, e["values"]["of"]))
    def group(cs):
        g, tot = [], sum(c[2] for c in cs)  # [answer, reward sum, count]
        for a, r, n, k in cs:
            for x in g:
                if same(x[0], a):
                    x[1] += r * n; x[2] += n; break
            else:
                g.append([a, r * n, n])
        return [(a, s / tot, n) for a, s, n in g]
    allg = group(cands)
    kept = [c for c in cands if c[3]]
    if not kept:
        want = max(allg, key=lambda x: x[1])[0]
    elif len(kept) == 1:
        want = kept[0][0]
    else:
        best = None
        for a, cf, n in group(kept):
            score = cf + n / [x for x in allg if same(x[0], a)][0][2]
            if best is None or score > best[1]:
                best = (a, score)
        want = best[0]
    if not same(want, final.get("answer")):
        bad.append("%s: rStar's rule answers %s, canopy %s" % (f, want, final.get("answer")))
print("\n".join(bad) if bad else "ok")
PY
is "$(tail -1 "$TMP/rstar.out")" ok \
	"rStar: 32 votes for answers, 10 for sub-answers; A1 steps are no solutions; the winner as do_discriminate.py scores it"
grep -v '^ok$' "$TMP/rstar.out" | head -5 | sed 's/^/# /'
test "$(grep -c '"what":"discriminator"' "$TMP/r1.jsonl")" -gt 4
ok $? "rStar journals a discriminator verdict for each candidate"
"$CANOPY" run -q --strategy rstar --seed 3 --final vote --trace "$TMP/rv.jsonl" >/dev/null
grep -q '"ev":"final".*generator@maj' "$TMP/rv.jsonl" && ! grep -q '"what":"discriminator"' "$TMP/rv.jsonl"
ok $? "--final vote: the generator's majority, nothing discriminated"
"$CANOPY" run -q --strategy rstar --final last >/dev/null 2>"$TMP/rl.err"
is "$?" 2 "--final last is not one of rStar's"
grep -q "rstar takes final=vote or disc, not final=last" "$TMP/rl.err"
ok $? "and the message says which it takes"

# ---- MathCritique ----
for f in vote last; do
	"$CANOPY" run -q --strategy critique --parallel 4 --rounds 3 --seed 5 --difficulty 7 --final $f \
		--trace "$TMP/c-$f.jsonl" >/dev/null
done
python3 - "$TMP/c-vote.jsonl" "$TMP/c-last.jsonl" >"$TMP/crit.out" 2>&1 <<'PY'
import json, sys
bad = []
for f, last in zip(sys.argv[1:], (False, True)):
    ev = [json.loads(l) for l in open(f)][1:]
    nodes = {e["id"]: e for e in ev if e["ev"] == "node"}
    answers = {e["id"]: e["answer"] for e in ev if e["ev"] == "answer"}
    crit = [n for n in nodes.values() if n["kind"] == "critique"]
    ref = [n for n in nodes.values() if n["kind"] == "refinement"]
    # every response is critiqued and refined, every round
    if len(crit) != 12 or len(ref) != 12:
        bad.append("%s: %d critiques, %d refinements (4 chains x 3 rounds: 12)" % (f, len(crit), len(ref)))
    count, order = {}, []
    for n in sorted(ref, key=lambda n: n["id"]):
        a = answers.get(n["id"])
        if a is None or (last and n["round"] != 3):
            continue
        if a not in count:
            order.append(a)
        count[a] = count.get(a, 0) + 1
    want = max(order, key=lambda a: (count[a], -order.index(a)))  # Counter.most_common
    got = [e for e in ev if e["ev"] == "final"][0].get("answer")
    if got != want:
        bad.append("%s: the majority is %s, canopy says %s" % (f, want, got))
print("\n".join(bad) if bad else "ok")
PY
is "$(tail -1 "$TMP/crit.out")" ok \
	"critique: every response critiqued and refined each round; the vote over the refinements (--final last: the last round's)"
grep -v '^ok$' "$TMP/crit.out" | head -5 | sed 's/^/# /'

# ---- MAgICoRe ----
for seed in 1 2 3 4 5 6 7 8; do
	"$CANOPY" run -q --strategy magicore --k 12 --seed "$seed" --difficulty 8 --reward-mean 0.6 --reward-sd 0.4 \
		--trace "$TMP/m$seed.jsonl" >/dev/null
done
python3 - "$TMP"/m[1-8].jsonl >"$TMP/mag.out" 2>&1 <<'PY'
import json, math, sys
bad, hard_seen = [], 0
for f in sys.argv[1:]:
    ev = [json.loads(l) for l in open(f)][1:]
    nodes = {e["id"]: e for e in ev if e["ev"] == "node"}
    ans = {e["id"]: e["answer"] for e in ev if e["ev"] == "answer"}
    R = {}
    for e in ev:
        if e["ev"] == "score" and "orm" in e:
            R[e["id"]] = e["orm"] + e.get("prm", 0)
    first = sorted(i for i, n in nodes.items() if n["kind"] == "solution")
    def majority(ids):
        c, order = {}, []
        for i in ids:
            a = ans.get(i)
            if a not in c: order.append(a)
            c[a] = c.get(a, 0) + 1
        return max(order, key=lambda a: (c[a], -order.index(a)))
    maj = majority(first)
    def conf(ids, key):
        v = {}
        for i in ids:
            if ans.get(i) is not None: v[ans[i]] = v.get(ans[i], 0) + key(i)
        t = sum(v.values())
        h = -sum(x / t * math.log(x / t) for x in v.values() if x > 0) if t > 0 else 0
        return 2 * (1 - 1 / (1 + math.exp(-h)))
    orm = {e["id"]: e["orm"] for e in ev if e["ev"] == "score" and "orm" in e}
    cur, cand = first, first
    verdicts = [e for e in ev if e["ev"] == "verdict" and e.get("what") == "difficulty"]
    for it, v in enumerate(verdicts):
        z = [(R[i] - 0.6) / 0.4 for i in cur if ans.get(i) == maj]
        easy = (not z or sum(z) / len(z) >= 0) or (conf(cur, lambda i: orm[i]) >= 0.5 and conf(cur, lambda i: R[i] - orm[i]) >= 0.5)
        if easy != (v["label"] == "easy"):
            bad.append("%s: iteration %d is %s, refine.py says %s" % (f, it, v["label"], "easy" if easy else "hard"))
            break
        if easy:
            cand, cur = cur, first
        else:
            hard_seen += 1
            new = sorted(i for i, n in nodes.items() if n["kind"] == "refinement" and n.get("round") == it + 1)
            if len(new) != len(cur):
                bad.append("%s: iteration %d refined %d of %d solutions" % (f, it, len(new), len(cur)))
            both = sorted(cur + new, key=lambda i: -R.get(i, 0))  # stable, as get_top_k
            cand, cur = both[:12], new
    w = {}
    for i in cand:
        if ans.get(i) is not None: w[ans[i]] = w.get(ans[i], 0) + R[i]
    want = max(w, key=w.get) if w else None
    got = [e for e in ev if e["ev"] == "final"][0].get("answer")
    if want != got:
        bad.append("%s: refine.py's vote is %s, canopy says %s" % (f, want, got))
if not hard_seen:
    bad.append("no problem was judged hard: nothing refined was checked")
print("\n".join(bad) if bad else "ok")
PY
is "$(tail -1 "$TMP/mag.out")" ok \
	"MAgICoRe: each iteration decided again with the given set statistics, every hard solution refined, the top-k weighted vote"
grep -v '^ok$' "$TMP/mag.out" | head -5 | sed 's/^/# /'

# ---- sequential revisions ----
"$CANOPY" run -q --strategy revise --n 8 --parallel 2 --seed 4 --difficulty 7 --trace "$TMP/rv.jsonl" >/dev/null
python3 - "$TMP/rv.jsonl" >"$TMP/rv.out" 2>&1 <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])][1:]
nodes = {e["id"]: e for e in ev if e["ev"] == "node"}
ans = {e["id"]: e["answer"] for e in ev if e["ev"] == "answer"}
orm = {e["id"]: e["orm"] for e in ev if e["ev"] == "score" and "orm" in e}
bad = []
firsts = [i for i, n in nodes.items() if n["kind"] == "solution"]
revs = [i for i, n in nodes.items() if n["kind"] == "refinement"]
if len(firsts) != 2 or len(revs) != 6:
    bad.append("%d first attempts and %d revisions, not 2 and 6" % (len(firsts), len(revs)))
for i in revs:
    if nodes[nodes[i]["parent"]]["kind"] not in ("solution", "refinement"):
        bad.append("revision %d does not follow an attempt" % i)
if set(orm) != set(firsts + revs):
    bad.append("not every attempt has an ORM score")
w, order = {}, []
for i in sorted(firsts + revs):
    a = ans.get(i)
    if a is None: continue
    if a not in w: order.append(a)
    w[a] = w.get(a, 0) + orm[i]
want = max(order, key=lambda a: (w[a], -order.index(a)))
got = [e for e in ev if e["ev"] == "final"][0].get("answer")
if got != want:
    bad.append("the ORM-weighted vote is %s, canopy says %s" % (want, got))
print("\n".join(bad) if bad else "ok")
PY
is "$(tail -1 "$TMP/rv.out")" ok "revise: 2 chains of 4 attempts, each revision after the last, every attempt ORM-scored, the ORM-weighted vote"
grep -v '^ok$' "$TMP/rv.out" | head -5 | sed 's/^/# /'

done_testing
