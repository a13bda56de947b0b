#!/usr/bin/env bash
# Prints the benchmark's table of ratios from the tab-separated rows of bench/start.sh and
# bench/list_state.sh (metric, config, runtime, value): one line per metric and config, the
# value of each runtime, and cruntime / crun, cruntime / runc, cruntime / floor (below 1: cruntime
# is faster or smaller).
#
# usage: bench/report.sh ROWS_FILE
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 ROWS_FILE" >&2; exit 2; }
awk -F'\t' '
	function unit(m) {
		if (m ~ /^rss_/) return "KiB"
		if (m ~ /^size/) return "bytes"
		if (m ~ /^list_us_/) return "us per container"
		return "ms"
	}
	function fmt(x) { return x == "" ? "-" : (x >= 100 || x <= -100 ? sprintf("%.0f", x) : sprintf("%.3g", x)) }
	function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "-" : sprintf("%.2f", a / b) }
	{
		key = $1 SUBSEP $2
		if (!(key in seen)) { seen[key] = 1; order[++n] = key }
		v[key, $3] = $4
	}
	END {
		print "| measurement | unit | cruntime | crun | runc | floor | cruntime / crun | cruntime / runc | cruntime / floor |"
		print "|---|---|---|---|---|---|---|---|---|"
		for (i = 1; i <= n; i++) {
			split(order[i], k, SUBSEP)
			c = v[order[i], "cruntime"]
			printf "| %s%s | %s | %s | %s | %s | %s | %s | %s | %s |\n", k[1],
				(k[2] == "-" ? "" : " " k[2]), unit(k[1]), fmt(c), fmt(v[order[i], "crun"]),
				fmt(v[order[i], "runc"]), fmt(v[order[i], "floor"]), ratio(c, v[order[i], "crun"]),
				ratio(c, v[order[i], "runc"]), ratio(c, v[order[i], "floor"])
		}
	}' "$1"
