#!/usr/bin/env bash
# Benchmark: the action's own steps before Hydra starts its first container, on a warm runner
# (issue 12 item 2; goal <= 10 s). The download is a local stand-in: the jar served over loopback
# by python3's http.server, so the number is this machine's CPU and disk, not the network.
#
# Measured, each step as action.yml runs it, in a copy of the action (bin/, release.properties):
#   plan   bin/hydra-fetch plan            (what kind of ref, the Maven cache key)
#   get    bin/hydra-fetch get             (download, SHA-256 check, move into place)
#   route  bin/hydra route on a payload    (the JVM's start, with the first run's CDS archive)
# Not measured here: actions/setup-java (on a warm runner it finds Java 17 in the tool cache),
# the forge's API requests (network) and pulling the image (zero when it is already here).
#
# Usage: bench/action.sh [RUNS]   (needs python3 and curl; builds the jar when missing)
# Prints each step's median and the total, and PASS/MISS against 10 s; exits 1 on a miss.
set -euo pipefail

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
runs=${1:-10}
jar="$root/runner-entry/target/hydra.jar"
if [ ! -f "$jar" ]; then
  (cd "$root" && ./mvnw -q -B package -DskipTests)
fi

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/serve" "$work/action/bin"
cp "$jar" "$work/serve/hydra.jar"
cp "$root/bin/hydra" "$root/bin/hydra-fetch" "$work/action/bin/"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/serve" >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$port/hydra.jar" && break; sleep 0.1; done
cat >"$work/action/release.properties" <<PROPS
version=v0.0.0-bench
jar=http://127.0.0.1:$port/hydra.jar
jar.sha256=$(sha256sum "$jar" | cut -d ' ' -f 1)
PROPS
# `plan` hashes the poms; the copy gets them so the step does the same work.
cp "$root/pom.xml" "$work/action/"
for m in forgejo-client library runner-entry; do mkdir -p "$work/action/$m"; cp "$root/$m/pom.xml" "$work/action/$m/"; done
payload="$root/library/src/main/resources/dev/hydra/event/examples/github-issues-labeled.json"

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A samples
for _ in $(seq "$runs"); do
  # A fresh job: no jar and no CDS archive from a previous run.
  rm -rf "$work/action/runner-entry/target"
  t0=$(now); "$work/action/bin/hydra-fetch" plan >/dev/null
  t1=$(now); "$work/action/bin/hydra-fetch" get 2>/dev/null
  t2=$(now); "$work/action/bin/hydra" route --event "$payload" --event-name issues --forge github >/dev/null
  t3=$(now)
  samples[plan]+="$(( (t1 - t0) / 1000000 )) "
  samples[get]+="$(( (t2 - t1) / 1000000 )) "
  samples[route]+="$(( (t3 - t2) / 1000000 )) "
  samples[total]+="$(( (t3 - t0) / 1000000 )) "
done
for step in plan get route total; do
  printf '%-6s median %6d ms over %d runs\n' "$step" "$(tr ' ' '\n' <<<"${samples[$step]}" | grep . | median)" "$runs"
done
total=$(tr ' ' '\n' <<<"${samples[total]}" | grep . | median)
if [ "$total" -le 10000 ]; then echo "PASS: ${total} ms <= 10 s before the first container"; else echo "MISS: ${total} ms > 10 s"; exit 1; fi
