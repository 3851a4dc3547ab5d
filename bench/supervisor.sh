#!/usr/bin/env bash
# Benchmark: the local supervisor (issue 14). 200 queued issues across 20 repositories of a stateful
# fake GitHub (polled through the real issue feed with its ETags), `hydra supervise`'s loop with a
# pool of 5, and no-op stages that hold their slot for 1 s. Targets: slots >= 90 % busy, peak RSS of
# the JVM <= 256 MB, every issue run once; the requests of an idle cycle are reported.
#
# Usage: bench/supervisor.sh [REPOS ISSUES POOL STAGE_MS]   (default 20 200 5 1000; needs the
#                                                            Maven build of this checkout, offline)
# The JVM runs with bin/hydra's flags (-XX:TieredStopAtLevel=1 -XX:+UseSerialGC, no -Xmx: as
# shipped) and holds the fake forge too, so its peak RSS is an upper bound for the supervisor's.
# Exits 1 when a target is missed.
set -euo pipefail

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
if [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The library's test classes (the harness and the fake) and their class path.
(cd "$root" && ./mvnw -q -o -B -pl library -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath.txt") >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; echo "bench: the build failed" >&2; exit 2; }

cp="$root/library/target/test-classes:$root/library/target/classes:$(cat "$work/classpath.txt")"
exec "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -cp "$cp" \
  dev.hydra.supervise.SupervisorBenchmark "$@"
