#!/usr/bin/env bash
# make loadtest: build the server and the load test, start the server on
# loopback with the per-address limits off (every session of the load test
# comes from 127.0.0.1, as a school's do from behind one NAT address), run
# each scenario against it on a fresh server, and stop it.
#
#   SCENARIOS="class mixed victim" DURATION=30s RUNS=1 ADDR=127.0.0.1:18080
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${SCENARIOS:=class mixed victim}" "${DURATION:=30s}" "${RUNS:=1}" "${ADDR:=127.0.0.1:18080}" "${GO:=go}"

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
"$GO" build -o "$bin/web" ./cmd/web
"$GO" build -o "$bin/loadtest" ./cmd/loadtest

status=0
for scenario in $SCENARIOS; do
	for run in $(seq "$RUNS"); do
		"$bin/web" -addr "$ADDR" -max-conns-per-ip 0 -max-trainers-per-ip 0 2>"$bin/web.log" &
		pid=$!
		# Wait for it to listen (at most 10 s).
		for _ in $(seq 100); do
			if (exec 3<>"/dev/tcp/${ADDR%:*}/${ADDR##*:}") 2>/dev/null; then break; fi
			sleep 0.1
		done
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "the server did not start:" >&2
			cat "$bin/web.log" >&2
			exit 1
		fi
		echo "== $scenario, run $run of $RUNS, $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
		"$bin/loadtest" -addr "$ADDR" -scenario "$scenario" -duration "$DURATION" -pid "$pid" || status=1
		kill -INT "$pid"
		wait "$pid" || true
	done
done
exit $status
