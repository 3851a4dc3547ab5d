#!/usr/bin/env bash
# Benchmark: `hydra route` on a real payload against a bare JVM hello world, side by side in one
# hyperfine run on this machine (issue 2). Targets: median <= 0.35 s and <= 3x the hello world.
#
# Usage: bench/route.sh [RUNS]   (needs hyperfine and python3; builds the jar when missing)
# Prints both medians, the ratio and PASS/MISS per target; exits 1 when a target is missed.
set -euo pipefail

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
runs=${1:-30}
command -v hyperfine >/dev/null || { echo "bench: install hyperfine (apt-get install hyperfine)" >&2; exit 2; }

jar="$root/runner-entry/target/hydra.jar"
if [ ! -f "$jar" ]; then
  (cd "$root" && ./mvnw -q -B package -DskipTests)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/Hello.java" <<'JAVA'
public class Hello {
  public static void main(String[] args) {
    System.out.println("hello");
  }
}
JAVA
javac -d "$work" "$work/Hello.java"
(cd "$work" && jar --create --file hello.jar --main-class Hello Hello.class)

payload="$root/library/src/main/resources/dev/hydra/event/examples/github-issues-labeled.json"
# First run trains the class-data-sharing archive (bin/hydra); keep it out of the measurement.
"$root/bin/hydra" route --event "$payload" --event-name issues --forge github >/dev/null

hyperfine --shell=none --warmup 5 --runs "$runs" --export-json "$work/result.json" \
  --command-name "java hello world" "java -jar $work/hello.jar" \
  --command-name "hydra route" "$root/bin/hydra route --event $payload --event-name issues --forge github"

python3 - "$work/result.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
hello = results["java hello world"]["median"]
route = results["hydra route"]["median"]
ratio = route / hello
ok_abs = route <= 0.35
ok_rel = ratio <= 3.0
print(f"median hello world: {hello*1000:.1f} ms")
print(f"median hydra route: {route*1000:.1f} ms  ({'PASS' if ok_abs else 'MISS'} target <= 350 ms)")
print(f"ratio:              {ratio:.2f}x     ({'PASS' if ok_rel else 'MISS'} target <= 3.0x)")
sys.exit(0 if ok_abs and ok_rel else 1)
PY
