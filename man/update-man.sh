# update-man.sh CANOPY PAGE: replaces each generated block of PAGE, the
# lines between
#   .\" generated: canopy help WHAT --man
#   .\" end generated
# with what the program prints now.  Run by `make update-man`.
set -eu
canopy=$1 page=$2
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.block"' EXIT
skip=0
while IFS= read -r line; do
	case $line in
	'.\" generated: canopy help '*' --man')
		printf '%s\n' "$line" >>"$tmp"
		what=${line#*canopy help }
		what=${what% --man}
		"$canopy" help "$what" --man >>"$tmp"
		skip=1
		;;
	'.\" end generated')
		printf '%s\n' "$line" >>"$tmp"
		skip=0
		;;
	*)
		[ "$skip" = 1 ] || printf '%s\n' "$line" >>"$tmp"
		;;
	esac
done <"$page"
cat "$tmp" >"$page"
