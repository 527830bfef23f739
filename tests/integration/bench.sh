# canopy bench: the table, the CSV, and bad specs.
. "$SRCDIR/tests/integration/lib.sh"

"$CANOPY" bench --problems 4 --seed 3 --strategies sc:n=4,beam,rebase:width=8 --csv "$TMP/b.csv" >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "a bench exits 0"
head -1 "$TMP/out" | grep -q '^strategy  *accuracy  *95% interval  *tokens  *requests  *time$'
ok $? "the table has its header"
for s in sc:n=4 beam rebase:width=8; do
	grep -Eq "^$s +[01]\.[0-9]{3} +\[[01]\.[0-9]{3}, [01]\.[0-9]{3}\] +[0-9]+ +[0-9.]+ +[0-9.]+s$" "$TMP/out"
	ok $? "a row for $s: accuracy, interval, tokens, requests, time"
done
is "$(wc -l <"$TMP/b.csv" | tr -d ' ')" 13 "the CSV has a header and 4 x 3 rows"
head -1 "$TMP/b.csv" | grep -q '^problem,seed,difficulty,trap,strategy,answer,gold,correct,gen_tokens,requests,seconds$'
ok $? "the CSV names its columns"
# the accuracy in the table is the share of correct rows in the CSV
acc=$(awk -F, '$5=="\"beam\"" {n++; c+=$8} END {printf "%.3f", c/n}' "$TMP/b.csv")
grep -q "^beam  *$acc " "$TMP/out"
ok $? "the table's accuracy for beam matches the CSV ($acc)"

"$CANOPY" bench --problems 3 --difficulty 8 --traps --strategies sc --csv "$TMP/t.csv" >/dev/null 2>&1
is "$(awk -F, 'NR>1 && $4!=1' "$TMP/t.csv" | wc -l | tr -d ' ')" 0 "--traps keeps only problems with a distractor"
"$CANOPY" bench --problems 3 --strategies beam --budget 100 --csv "$TMP/c.csv" >/dev/null 2>&1
# the first request (16 samples, over 100 tokens) crosses the budget: nothing
# more is sent after it
is "$(awk -F, 'NR>1 && $10!=1' "$TMP/c.csv" | wc -l | tr -d ' ')" 0 "a budget stops after the request that crosses it"

"$CANOPY" bench --strategies sc:width=4 >/dev/null 2>"$TMP/err"
is "$?" 2 "a parameter the strategy does not take exits 2"
is "$(cat "$TMP/err")" "canopy bench: sc does not take 'width'" "and says so in one line"
"$CANOPY" bench --strategies nope >/dev/null 2>"$TMP/err"
is "$(cat "$TMP/err")" "canopy bench: unknown strategy 'nope' in --strategies" "an unknown strategy"
"$CANOPY" bench --strategies sc:n >/dev/null 2>"$TMP/err"
is "$(cat "$TMP/err")" "canopy bench: 'n' in --strategies: write PARAM=VALUE" "a spec without a value"
"$CANOPY" bench --problems 0 >/dev/null 2>&1
is "$?" 2 "--problems 0 exits 2"
done_testing
