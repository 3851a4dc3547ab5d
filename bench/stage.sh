#!/usr/bin/env bash
# Benchmark: the orchestration overhead of one stage (issue 4). Runs a no-op stage image (prints a
# Claude Code result line and a valid verdict, then exits) with `hydra stage-run` and with a bare
# `docker run --rm` of the same image, side by side in one hyperfine run on this machine.
# Goal: median(hydra stage-run) <= 1.5 x median(docker run --rm) + 0.5 s.
#
# Usage: bench/stage.sh [RUNS]   (needs Docker with the local debian:bookworm-slim base image,
#                                 hyperfine and python3; builds the jar when missing)
# Prints both medians, the ratio and PASS/MISS; exits 1 when the goal is missed. Leaves no image,
# network or container behind.
set -euo pipefail

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
runs=${1:-20}
base=debian:bookworm-slim
command -v hyperfine >/dev/null || { echo "bench: install hyperfine (apt-get install hyperfine)" >&2; exit 2; }
docker image inspect "$base" >/dev/null 2>&1 \
  || { echo "bench: no local $base; run .ci/provision-docker.sh (as root)" >&2; exit 2; }

jar="$root/runner-entry/target/hydra.jar"
if [ ! -f "$jar" ]; then
  (cd "$root" && ./mvnw -q -B package -DskipTests)
fi

id="hydra-bench-$$-$RANDOM"
image="$id-noop:bench"
network="$id-net"
work=$(mktemp -d)
cleanup() {
  docker ps --all --quiet --filter "label=hydra.repo=example.test/bench/$id" | xargs -r docker rm --force >/dev/null 2>&1 || true
  docker network rm "$network" >/dev/null 2>&1 || true
  docker image rm --force "$image" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The no-op persona image: what every real image ends with, and nothing else.
cat >"$work/Dockerfile" <<DOCKERFILE
FROM $base
ENTRYPOINT ["/bin/sh", "-c", "echo '{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"num_turns\":0,\"result\":\"no-op\",\"total_cost_usd\":0}'; echo 'HYDRA-VERDICT {\"schema\":1,\"stage\":\"code-review\",\"outcome\":\"pass\",\"summary\":\"no-op\",\"findings\":[],\"fixes_applied\":[],\"unfixed\":[],\"turns\":0,\"cost_usd\":0}'"]
DOCKERFILE
docker build --quiet -t "$image" "$work" >/dev/null 2>"$work/build.log" \
  || { cat "$work/build.log" >&2; exit 2; }

# Throw-away credentials from the environment (the CI path); never real tokens.
export HYDRA_REVIEWER_TOKEN="bench-reviewer-$RANDOM$RANDOM$RANDOM"
export HYDRA_CLAUDE_TOKEN_1="bench-claude-$RANDOM$RANDOM$RANDOM"
unset GITHUB_ACTIONS
hydra=("$root/bin/hydra" stage-run --stage code-review --image "$image" --network "$network"
  --repo-url "https://example.test/bench/$id" --issue-url "https://example.test/bench/$id/issues/1"
  --credentials "$work/none.json" --dotenv "$work/none.env")

# One run to check it passes (and to train bin/hydra's class-data-sharing archive), unmeasured.
if ! "${hydra[@]}" >"$work/first.log" 2>&1; then
  cat "$work/first.log" >&2
  echo "bench: hydra stage-run did not pass on the no-op image" >&2
  exit 1
fi
printf -v hydra_cmd '%q ' "${hydra[@]}"

hyperfine --shell=none --warmup 3 --runs "$runs" --export-json "$work/result.json" \
  --command-name "docker run --rm" "docker run --rm $image" \
  --command-name "hydra stage-run" "$hydra_cmd"

python3 - "$work/result.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
bare = results["docker run --rm"]["median"]
hydra = results["hydra stage-run"]["median"]
goal = 1.5 * bare + 0.5
ok = hydra <= goal
print(f"median docker run --rm:  {bare*1000:.0f} ms")
print(f"median hydra stage-run:  {hydra*1000:.0f} ms  ({hydra/bare:.2f}x, +{(hydra-bare)*1000:.0f} ms)")
print(f"goal <= 1.5 x bare + 0.5 s = {goal*1000:.0f} ms: {'PASS' if ok else 'MISS'}")
sys.exit(0 if ok else 1)
PY
