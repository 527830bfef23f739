. "$SRCDIR/tests/integration/lib.sh"; done_testing
