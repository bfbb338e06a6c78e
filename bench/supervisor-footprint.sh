#!/usr/bin/env bash
# The supervisor's footprint, measured the way a container runs the app: the sample jar started as
# PID 1 of its own pid namespace (unshare, needs root). Prints resident memory and CPU time of the
# supervisor while idle, before and after three restarts, next to a generation's. About 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
jar="$PWD/sample-app/target/sample-app.jar"
[ -f "$jar" ] || mvn -B -q install -DskipTests
work=$(mktemp -d)
cp "$jar" "$work/app.jar"
cd "$work"
unshare --pid --fork --mount-proc java -jar app.jar --server.port=0 --management.server.port=0 > app.log 2>&1 &
unshare_pid=$!
supervisor=""
cleanup() {
	[ -n "$supervisor" ] && kill -9 "$supervisor" 2>/dev/null || true
	kill -9 "$unshare_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

wait_for() { # pattern count
	for _ in $(seq 1 600); do
		[ "$(grep -c -E "$1" app.log || true)" -ge "$2" ] && return 0
		sleep 0.5
	done
	echo "timed out waiting for '$1'" >&2; tail -50 app.log >&2; exit 1
}
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
generation() { pgrep -P "$supervisor" java | head -1; }

wait_for "Generation 1 \(pid [0-9]+\) serves" 1
supervisor=$(pgrep -P "$unshare_pid")
# The supervisor's JVM hands malloc's free memory back once a minute.
sleep 65
rss_idle=$(rss "$supervisor")
rss_generation=$(rss "$(generation)")
before=$(cpu_ticks "$supervisor")
sleep 60
idle_ticks=$(( $(cpu_ticks "$supervisor") - before ))
for restart in 1 2 3; do
	kill -HUP "$supervisor"
	wait_for "Restart .* succeeded" "$restart"
done
sleep 65
rss_after=$(rss "$supervisor")
kill -TERM "$supervisor"
status=0
wait "$unshare_pid" || status=$?
hz=$(getconf CLK_TCK)

cat <<TABLE
| supervisor (PID 1, $(java -version 2>&1 | head -1 | cut -d'"' -f2)) | measured |
| --- | --- |
| resident memory, idle, generation 1 serving | ${rss_idle} MB |
| resident memory, idle, after 3 restarts | ${rss_after} MB |
| CPU time over 60 s idle | $(( idle_ticks * 1000 / hz )) ms |
| a generation's resident memory, for comparison | ${rss_generation} MB |
| exit status after SIGTERM | ${status} |
TABLE
