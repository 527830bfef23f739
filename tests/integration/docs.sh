# Docs are part of the feature: canopy(1) documents exactly the options of
# the option table, command by command; its key and : command lists are the
# program's tables; README.md documents every run option; every event type
# and node kind is in canopy-trace(5) and README.md; the man pages render
# without warnings.
. "$SRCDIR/tests/integration/lib.sh"

# ---- options: canopy(1) documents exactly the option table ----
# man_options SECTION-TITLE: the --flags a section's .TP heads name
man_options() {
	sed -n "/^\.SH $1\$/,/^\.SH /p" "$SRCDIR/man/canopy.1" |
		awk 'prev == ".TP" { print } { prev = $0 }' |
		grep -oE '\\-\\-[a-z][a-z\\-]*' | sed 's/\\-/-/g' | sort -u
}
man_options "OPTIONS FOR RUN" >"$TMP/man.run"
man_options "OPTIONS FOR BENCH" >"$TMP/man.bench"
man_options "OPTIONS FOR CHECK AND EXPORT" >"$TMP/man.check"
cp "$TMP/man.check" "$TMP/man.export"
man_options "OPTIONS FOR GRADE" >"$TMP/man.grade"
man_options "OPTIONS FOR IMPORT" >"$TMP/man.import"
test -s "$TMP/man.run" && test -s "$TMP/man.bench"
ok $? "canopy.1 has its option sections"
for c in run bench check export grade import replay prompts; do
	"$CANOPY" help options "$c" | grep -oE -- '^--[a-z][a-z-]*' | grep -v -- '^--help$' | sort -u >"$TMP/table.$c"
	test -s "$TMP/table.$c" || [ "$c" = check ]
	ok $? "canopy help options $c lists its options"
	# each is documented: in its own section, or (options bench, replay
	# and prompts share with run) in run's
	for f in $(cat "$TMP/table.$c"); do
		if grep -qx -- "$f" "$TMP/man.$c" 2>/dev/null || grep -qx -- "$f" "$TMP/man.run"; then
			ok 0 "canopy.1 documents $c $f"
		else
			ok 1 "canopy.1 documents $c $f"
		fi
	done
done
# and a section documents no option its command does not take
for c in run bench check grade import; do
	for f in $(cat "$TMP/man.$c"); do
		taken=1
		grep -qx -- "$f" "$TMP/table.$c" && taken=0
		[ "$c" = check ] && grep -qx -- "$f" "$TMP/table.export" && taken=0
		[ "$c" = run ] && { grep -qx -- "$f" "$TMP/table.replay" || grep -qx -- "$f" "$TMP/table.prompts"; } && taken=0
		ok $taken "canopy $c takes $f, which canopy.1 documents for it"
	done
done
# README documents every run option
for f in $(cat "$TMP/table.run"); do
	grep -q -- "$f" "$SRCDIR/README.md"
	ok $? "README.md documents $f"
done
# --help prints every option the table has
for c in run bench check export grade import replay prompts; do
	"$CANOPY" "$c" --help >"$TMP/help.$c"
	missing=""
	for f in $(cat "$TMP/table.$c"); do
		grep -q -- "$f" "$TMP/help.$c" || missing="$missing $f"
	done
	is "$missing" "" "canopy $c --help shows every option of the table"
	wide=$(awk 'length > 80' "$TMP/help.$c" | head -1)
	is "$wide" "" "canopy $c --help fits 80 columns"
done

# the ranges are the table's, whichever command is given one
r1=$("$CANOPY" run --seed -1 2>&1 >/dev/null)
r2=$("$CANOPY" bench --seed -1 2>&1 >/dev/null)
is "${r1#canopy run: }" "${r2#canopy bench: }" "run and bench refuse a bad --seed in the same words"
r1=$("$CANOPY" run --max-inflight 0 2>&1 >/dev/null)
r2=$("$CANOPY" bench --max-inflight 0 2>&1 >/dev/null)
is "${r1#canopy run: }" "${r2#canopy bench: }" "and a bad --max-inflight"

# the event types and node kinds, straight from the X-macro tables
events=$(sed -n 's/^[[:space:]]*X([A-Z]*, "\([a-z]*\)", ".*/\1/p' "$SRCDIR/src/event.h")
test "$(echo "$events" | wc -w)" -ge 13
ok $? "found the event types in src/event.h"
for e in $events; do
	grep -q "^\.B $e\$" "$SRCDIR/man/canopy-trace.5"
	ok $? "canopy-trace.5 documents event '$e'"
	grep -q "| \`$e\` |" "$SRCDIR/README.md"
	ok $? "README.md lists event '$e'"
done
kinds=$(sed -n 's/^[[:space:]]*X([A-Z]*, "\([a-z]*\)") *\\*$/\1/p' "$SRCDIR/src/tree.h")
test "$(echo "$kinds" | wc -w)" -ge 10
ok $? "found the node kinds in src/tree.h"
for k in $kinds; do
	grep -q "$k" "$SRCDIR/man/canopy-trace.5"
	ok $? "canopy-trace.5 names node kind '$k'"
done

# the generated lists of canopy(1) are what the program prints now
block() { # block WHAT: the lines between the page's markers for WHAT
	sed -n "/^\.\\\\\" generated: canopy help $1 --man\$/,/^\.\\\\\" end generated\$/p" "$SRCDIR/man/canopy.1" | sed '1d;$d'
}
for what in keys marks commands; do
	block "$what" >"$TMP/page.$what"
	"$CANOPY" help "$what" --man >"$TMP/prog.$what"
	test -s "$TMP/prog.$what"
	ok $? "canopy help $what --man prints its table"
	if cmp -s "$TMP/page.$what" "$TMP/prog.$what"; then
		ok 0 "canopy.1's $what list is the program's table (make update-man keeps it so)"
	else
		ok 1 "canopy.1's $what list is the program's table (run make update-man)"
		diff "$TMP/page.$what" "$TMP/prog.$what" | head -10 | sed 's/^/#   /'
	fi
done
"$CANOPY" help keys >"$TMP/keys"
test "$(wc -l <"$TMP/keys")" -ge 30
ok $? "canopy help keys prints the key table"
"$CANOPY" help commands >"$TMP/commands"
test "$(wc -l <"$TMP/commands")" -ge 10
ok $? "canopy help commands prints the : command table"
"$CANOPY" help marks | grep -q "the search's answer: the node its final event names"
ok $? "canopy help marks prints what each mark means"
# every subcommand in canopy --help is in canopy(1)'s COMMANDS
"$CANOPY" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && $1 != "Commands:" && $1 ~ /^[a-z]+$/ && substr($0, 7, 1) != " " { print $1 }' >"$TMP/subcommands"
test "$(wc -l <"$TMP/subcommands")" -ge 8
ok $? "canopy --help lists the subcommands from its table"
for c in $(cat "$TMP/subcommands"); do
	sed -n '/^\.SH COMMANDS$/,/^\.SH /p' "$SRCDIR/man/canopy.1" | grep -q "^\.B $c\$"
	ok $? "canopy.1 COMMANDS describes $c"
done

# ---- canopy-strategies(7): every strategy, with the code it follows ----
"$CANOPY" run --help | awk '/--strategy NAME/ {on = 1; next} on && /^  --/ {exit} on && /^      [a-z]/ {print $1}' \
	>"$TMP/strategies"
test "$(wc -l <"$TMP/strategies")" -ge 10
ok $? "canopy run --help lists the strategies"
for st in $(cat "$TMP/strategies"); do
	sed -n '/^\.SH STRATEGIES$/,/^\.SH /p' "$SRCDIR/man/canopy-strategies.7" | grep -q "^\.B $st\$"
	ok $? "canopy-strategies.7 describes $st"
done
grep -q 'canopy\\-strategies (7)' "$SRCDIR/man/canopy.1" && grep -q 'canopy-strategies(7)' "$SRCDIR/README.md"
ok $? "canopy.1 and README.md point to canopy-strategies(7)"

if command -v groff >/dev/null; then
	for m in canopy.1 canopy-trace.5 canopy-strategies.7; do
		# as man(1) renders it on a UTF-8 terminal, and for print
		# (where the marks' glyphs may be missing, nothing else may)
		w=$(groff -t -man -Tutf8 -ww -z "$SRCDIR/man/$m" 2>&1)
		is "$w" "" "$m renders without warnings"
		w=$(groff -t -man -ww -z "$SRCDIR/man/$m" 2>&1 | grep -v "special character 'u[0-9A-F]*'")
		is "$w" "" "$m renders for print with no warning but the marks' glyphs"
	done
else
	skip "groff is not installed"
	skip "groff is not installed"
	skip "groff is not installed"
	skip "groff is not installed"
fi
done_testing
