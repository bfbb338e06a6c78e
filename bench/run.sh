#!/usr/bin/env bash
# Re-runs the benchmark on this machine and rewrites docs/benchmarks.md and docs/benchmarks.png.
# Not a test: it measures, it never fails on a figure. About 30 minutes on 2 cores; `--start-times`, `--latency`, `--http2`
# and `--overhead` run one part of it and only print. `--soak` (about an hour) runs 100 restarts per server
# under HTTP/1.1 and HTTP/2 load and rewrites only the Soak section of docs/benchmarks.md and docs/soak.png.
# `--memory-limit` (root, about 30 minutes) bisects the smallest container memory limit for ten restarts under load.
# `--shop` (about 10 minutes) measures the shop, a realistic application, and rewrites only its section.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nginx >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -q && apt-get install -y -q nginx-light || apt-get install -y -q nginx || true
fi
if ! command -v wrk >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get install -y -q wrk || true
fi
mvn -B -q install -DskipTests
mvn -B -q -pl bench exec:java -Dexec.args="${*:---out docs}"
