#!/bin/sh
# The fake agent of StageRunnerIT: replays a recorded stream-json run chosen by the Claude token it
# receives (the test puts the scenario's name into the token), and prints the persona's git token
# in several encodings so that the test can check none of them reaches the log unmasked.
set -u
token=${CLAUDE_CODE_OAUTH_TOKEN:-}
verdict=yes
case "$token" in
  *-rejected-*) fixture=rejected.jsonl ;;
  *-overloaded-*) fixture=overloaded.jsonl ;;
  *-unauthorized-*) fixture=unauthorized.jsonl ;;
  *-warning-*) fixture=allowed-warning.jsonl ;;
  *-spliced-*) fixture=spliced.jsonl ;;
  *-noverdict-*) fixture=success.jsonl; verdict=no ;;
  *-hang-*) fixture=hang ;;
  *-success-*) fixture=success.jsonl ;;
  *) echo "fake-agent: no scenario in the Claude token" >&2; exit 2 ;;
esac
echo "fake-agent: replaying $fixture"

grep -E '^(CapBnd|NoNewPrivs):' /proc/self/status
# The CPU limit as the kernel enforces it: "<quota> <period>" (cgroup v2 cpu.max, or v1's files).
if [ -r /sys/fs/cgroup/cpu.max ]; then
  echo "cpu: $(cat /sys/fs/cgroup/cpu.max)"
else
  echo "cpu: $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)"
fi
if [ -n "${SPEC_PATH:-}" ]; then
  echo "spec: $(cat "$SPEC_PATH/proposal.md")"
  touch "$SPEC_PATH/written-by-agent" 2>&1 || true
fi

printf 'raw %s\n' "$GIT_TOKEN"
printf 'base64 %s\n' "$(printf '%s' "$GIT_TOKEN" | base64 -w0)"
printf 'basic Authorization: Basic %s\n' "$(printf 'x-access-token:%s' "$GIT_TOKEN" | base64 -w0)"
printf 'url https://example.test/?t=%s\n' \
  "$(printf '%s' "$GIT_TOKEN" | perl -pe 's/([^A-Za-z0-9._~-])/sprintf("%%%02X", ord($1))/ge')"
printf 'json {"token":"%s"}\n' "$(printf '%s' "$GIT_TOKEN" | perl -pe 's/(["\\])/\\$1/g')"
printf 'claude %s\n' "$token"
printf 'stderr %s\n' "$GIT_TOKEN" >&2
echo "::error::forged by the agent"

if [ "$fixture" = hang ]; then
  echo "fake-agent: hanging"
  sleep 300
fi
cat "/fixtures/$fixture"
case "$fixture" in
  success.jsonl | allowed-warning.jsonl)
    if [ "$verdict" = yes ]; then
      # A passing builder names its branch and pull request (verdict-v1.schema.json).
      builder=
      if [ "$HYDRA_STAGE" = build ]; then
        builder=',"branch":"hydra/7-fake-agent","pr_title":"Fake agent","pr_body":"built by the fake agent"'
      fi
      printf 'HYDRA-VERDICT {"schema":1,"stage":"%s","outcome":"pass","summary":"fake agent passed","findings":[],"fixes_applied":[],"unfixed":[],"turns":12,"cost_usd":0.42%s}\n' "$HYDRA_STAGE" "$builder"
    fi
    exit 0
    ;;
esac
exit 1
