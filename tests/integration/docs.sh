# Docs are part of the feature: every flag of `canopy run --help` is in the
# man page and README.md, every event type and node kind in canopy-trace(5)
# and README.md, and the man pages render without warnings.
. "$SRCDIR/tests/integration/lib.sh"

"$CANOPY" run --help >"$TMP/help"
flags=$(grep -oE -- '--[a-z][a-z-]+' "$TMP/help" | sort -u)
test -n "$flags"
ok $? "run --help lists flags"
for f in $flags; do
	man_f=$(printf '%s' "$f" | sed 's/-/\\\\-/g')
	grep -q -- "$man_f" "$SRCDIR/man/canopy.1"
	ok $? "canopy.1 documents $f"
	grep -q -- "$f" "$SRCDIR/README.md"
	ok $? "README.md documents $f"
done
for c in check export bench replay prompts grade import; do
	"$CANOPY" $c --help | grep -oE -- '--[a-z][a-z-]+' | sort -u | while read -r f; do
		echo "$f"
	done >"$TMP/$c.flags"
	for f in $(cat "$TMP/$c.flags"); do
		grep -q -- "$(printf '%s' "$f" | sed 's/-/\\\\-/g')" "$SRCDIR/man/canopy.1"
		ok $? "canopy.1 documents $c $f"
	done
done

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

# every key of the table is in canopy(1)'s KEYS section
"$CANOPY" help keys >"$TMP/keys"
test "$(wc -l <"$TMP/keys")" -ge 30
ok $? "canopy help keys prints the key table"
keys_section=$(sed -n '/^\.SH KEYS/,/^\.SH COMMANDS/p' "$SRCDIR/man/canopy.1" | tr 'A-Z' 'a-z')
while IFS="$(printf '\t')" read -r shown mode help; do
	h=$(printf '%s' "$help" | tr 'A-Z' 'a-z' | sed 's/-/\\\\-/g')
	printf '%s' "$keys_section" | grep -qF -- "$h"
	ok $? "canopy.1 KEYS has '$shown': $help"
done <"$TMP/keys"

if command -v groff >/dev/null; then
	for m in canopy.1 canopy-trace.5; do
		w=$(groff -t -man -ww -z "$SRCDIR/man/$m" 2>&1)
		is "$w" "" "$m renders without warnings"
	done
else
	skip "groff is not installed"
	skip "groff is not installed"
fi
done_testing
