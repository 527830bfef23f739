# How well the simulated verifiers tell right solutions from wrong ones:
# the solution-level AUC of the PRM's score and the ORM's, by difficulty
# and on the default mix, as canopy bench reports it (numbers, not
# pass/fail; published PRMs and ORMs sit at about 0.70-0.90).
: "${BUILDDIR:=.}"
for d in 1 5 9 mix; do
	if [ "$d" = mix ]; then opt=; else opt="--difficulty $d"; fi
	# shellcheck disable=SC2086 # the option and its value, two words
	line=$("$BUILDDIR/canopy" bench --problems 200 $opt --strategies wbon:n=16,bon:n=16 --jobs 2 2>/dev/null |
		sed -n 's/^verifiers on these runs: //p')
	printf 'sim verifiers, difficulty %-3s %s\n' "$d" "$line"
done
