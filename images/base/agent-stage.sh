#!/usr/bin/env bash
# The agent half of a persona entrypoint, run as the unprivileged agent user after
# hydra_drop_to_agent: HOME, git auth, the clone, Claude Code headless, the verdict line last.
# Role settings come from the persona image: /etc/hydra/persona.env (HYDRA_ALLOWED_TOOLS,
# HYDRA_MAX_TURNS default), /etc/hydra/CLAUDE.md (instructions), and the managed settings in
# /etc/claude-code/managed-settings.json (tool permissions the repository cannot override).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=entrypoint-common.sh
. "${HYDRA_LIB_DIR:-/usr/local/lib/hydra}/entrypoint-common.sh"

role=${HYDRA_ROLE:?HYDRA_ROLE is required}
stage=$(hydra_stage_of "$role")
# shellcheck source=/dev/null
. /etc/hydra/persona.env
max_turns=${HYDRA_MAX_TURNS:-$HYDRA_DEFAULT_MAX_TURNS}
log=/tmp/hydra-claude.jsonl

# From here on the verdict line is always printed last, whatever happens.
verdict_printed=0
# shellcheck disable=SC2317 # invoked by the EXIT trap
finish() {
  local code=$?
  if [ "$verdict_printed" = 0 ]; then
    hydra_fail_verdict "$stage" "the $role stage stopped before the agent finished (exit $code); see the log"
  fi
}
trap finish EXIT

hydra_agent_home
hydra_git_auth
mkdir -p "$HOME/.claude"
cp /etc/hydra/CLAUDE.md "$HOME/.claude/CLAUDE.md"

repo=/workspace/repo
git clone --quiet --no-tags "$REPO_URL" "$repo" >&2
cd "$repo"
if [ -n "${PR_URL:-}" ] && [ "$role" != builder ]; then
  pr=${PR_URL%/}
  pr=${pr##*/}
  case "$pr" in '' | *[!0-9]*) hydra_die "$HYDRA_EXIT_USAGE" "PR_URL does not end in a pull request number" ;; esac
  git fetch --quiet origin "refs/pull/$pr/head:hydra-pr-$pr" >&2
  git checkout --quiet "hydra-pr-$pr" >&2
fi

prompt="You are the Hydra $role persona; follow the instructions in your CLAUDE.md exactly.
Repository: $REPO_URL (cloned in $repo)
Issue: ${ISSUE_URL:-none}
Pull request: ${PR_URL:-none}
Spec: ${SPEC_PATH:-none} (read-only)
Mode: $HYDRA_MODE
End your final message with the verdict block described in CLAUDE.md."

args=(-p "$prompt" --output-format stream-json --verbose --max-turns "$max_turns"
  --model "$HYDRA_MODEL" --allowedTools "$HYDRA_ALLOWED_TOOLS")
if [ -n "${HYDRA_DISALLOWED_TOOLS:-}" ]; then
  args+=(--disallowedTools "$HYDRA_DISALLOWED_TOOLS")
fi
if [ -n "${HYDRA_FALLBACK_MODEL:-}" ] && [ "${HYDRA_FALLBACK_MODEL}" != "$HYDRA_MODEL" ]; then
  args+=(--fallback-model "$HYDRA_FALLBACK_MODEL")
fi
code=0
claude "${args[@]}" </dev/null | tee "$log" || code=$?
hydra-verdict "$stage" "$log"
verdict_printed=1
exit "$code"
