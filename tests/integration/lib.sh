# TAP helpers for the integration tests, which run the built canopy.
# CANOPY, SRCDIR and BUILDDIR come from the Makefile (AM_TESTS_ENVIRONMENT).
: "${CANOPY:=$(pwd)/canopy}"
: "${SRCDIR:=$(pwd)}"
T_COUNT=0
T_FAILED=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/canopy-it-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# keep runs away from the user's own state
export XDG_STATE_HOME="$TMP/state" XDG_CONFIG_HOME="$TMP/config" XDG_DATA_HOME="$TMP/data"
export HOME="$TMP/home"
mkdir -p "$HOME"

ok() { # ok CONDITION-STATUS DESCRIPTION
	T_COUNT=$((T_COUNT + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $T_COUNT - $2"
	else
		echo "not ok $T_COUNT - $2"
		T_FAILED=$((T_FAILED + 1))
	fi
}

check() { # check DESCRIPTION COMMAND...
	desc=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		sed 's/^/#   /' "$TMP/check.out" | head -20
	fi
}

is() { # is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
	fi
}

contains() { # contains FILE TEXT DESCRIPTION
	if grep -qF -- "$2" "$1"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   no "%s" in:\n' "$2"
		head -20 "$1" | sed 's/^/#   /'
	fi
}

skip() {
	T_COUNT=$((T_COUNT + 1))
	echo "ok $T_COUNT # SKIP $1"
}

done_testing() {
	echo "1..$T_COUNT"
	[ "$T_FAILED" -eq 0 ]
}
