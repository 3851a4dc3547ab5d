#!/usr/bin/env bash
# The scripted "agent" of the demo persona images. It stands in for `claude -p … --output-format
# stream-json`: it prints realistic stream-json lines (system init, assistant, user, result with
# num_turns and total_cost_usd) and then the HYDRA-VERDICT line for its role, valid against
# verdict-v1.schema.json. It opens no connection. When the runner mounted its clone (contract v2:
# /workspace/repo a git work tree on $HYDRA_BRANCH, HYDRA_BASE_SHA set), a passing builder commits
# one file there and writes /workspace/out/changes.bundle, as the real entrypoint does after the
# agent (demo-git.pl: the demo images have no git); otherwise it changes nothing. The file it commits
# carries a test line, which the demo repository's gate (.hydra/gates.yml, --outcome gate-fail)
# checks. In HYDRA_MODE=fix (a person's retry:queued) the builder reads /input/findings.md and
# commits `fix (retry): …` on the pull request's branch, changing only the first file its Scope
# names; a reviewer whose DEMO_OUTCOME is fail passes once that file carries the retry's fix.
#
# Steering (for tests and the embedded default):
#   DEMO_OUTCOME=pass|fail          the verdict's outcome (default pass)
#   DEMO_FIXES=0|1                  a reviewer reports one fix in fixes_applied (default 0)
#   DEMO_RATE_LIMIT_TOKEN=<value>   when HYDRA_CLAUDE_TOKEN_NAME (an account's name) or the
#                                   gateway's placeholder (ANTHROPIC_API_KEY) equals it: a
#                                   rejected rate_limit_event and a 429 result, exit 1
#   DEMO_SLEEP=<seconds>            wait that long after the init line (timeouts, concurrency)
#   DEMO_SLUG=<slug>                the builder's branch slug when HYDRA_BRANCH names none
#                                   (default demo-change)
#   DEMO_GATE=red                   the builder's first pass leaves out the test line (the
#                                   gate is red); its fix pass (/input/gates.md) adds it
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../base/entrypoint-common.sh
. "${HYDRA_LIB_DIR:-/usr/local/lib/hydra}/entrypoint-common.sh"

role=${HYDRA_ROLE:?HYDRA_ROLE is required}
stage=$(hydra_stage_of "$role") || hydra_die "$HYDRA_EXIT_USAGE" "unknown HYDRA_ROLE '$role'"
outcome=${DEMO_OUTCOME:-pass}
fixes=${DEMO_FIXES:-0}
pause=${DEMO_SLEEP:-0}
case "$outcome" in pass | fail) ;; *) hydra_die "$HYDRA_EXIT_USAGE" "DEMO_OUTCOME must be pass or fail" ;; esac
case "$fixes" in 0 | 1) ;; *) hydra_die "$HYDRA_EXIT_USAGE" "DEMO_FIXES must be 0 or 1" ;; esac
case "$pause" in '' | *[!0-9]*) hydra_die "$HYDRA_EXIT_USAGE" "DEMO_SLEEP must be whole seconds" ;; esac
gate=${DEMO_GATE:-}
case "$gate" in '' | red) ;; *) hydra_die "$HYDRA_EXIT_USAGE" "DEMO_GATE must be red or empty" ;; esac

hydra_agent_home
cd /workspace 2>/dev/null || cd "$HOME"

session=$(cat /proc/sys/kernel/random/uuid 2>/dev/null || echo 00000000-0000-4000-8000-000000000000)
model=${HYDRA_MODEL:-claude-sonnet-4-5}
case "$model" in *[!A-Za-z0-9._:@-]*) model=claude-sonnet-4-5 ;; esac
case "$role" in
  builder) tools='"Read","Write","Edit","Bash","Glob","Grep"'; turns=12; cost=0.4213 ;;
  reviewer) tools='"Read","Edit","Bash","Glob","Grep"'; turns=7; cost=0.1874 ;;
  security) tools='"Read","Bash","Glob","Grep"'; turns=6; cost=0.1522 ;;
  applier) tools='"Read","Bash"'; turns=3; cost=0.0517 ;;
esac

say() {
  printf '{"type":"assistant","message":{"id":"msg_demo_%s","type":"message","role":"assistant","model":"%s","content":[{"type":"text","text":%s}],"stop_reason":null,"usage":{"input_tokens":4,"output_tokens":24}},"parent_tool_use_id":null,"session_id":"%s"}\n' \
    "$1" "$model" "$(hydra_json_string "$2")" "$session"
}
tool_result() {
  printf '{"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_demo_%s","type":"tool_result","content":%s}]},"parent_tool_use_id":null,"session_id":"%s"}\n' \
    "$1" "$(hydra_json_string "$2")" "$session"
}
result() { # <is_error> <num_turns> <cost> <text> [extra json fields]
  printf '{"type":"result","subtype":"success","is_error":%s,%s"duration_ms":%d,"duration_api_ms":%d,"num_turns":%d,"result":%s,"session_id":"%s","total_cost_usd":%s,"usage":{"input_tokens":1520,"output_tokens":2210}}\n' \
    "$1" "${5:-}" $((pause * 1000 + 4211)) $((pause * 1000 + 3907)) "$2" "$(hydra_json_string "$4")" "$session" "$3"
}

printf '{"type":"system","subtype":"init","cwd":"%s","session_id":"%s","tools":[%s],"mcp_servers":[],"model":"%s","permissionMode":"default","apiKeySource":"none"}\n' \
  "$(pwd)" "$session" "$tools" "$model"
if [ "$pause" -gt 0 ]; then
  sleep "$pause"
fi

# A rate-limited account: what Claude Code prints when the five-hour window is used up.
limit=${DEMO_RATE_LIMIT_TOKEN:-}
if [ -n "$limit" ] && { [ "$limit" = "${ANTHROPIC_API_KEY:-}" ] || [ "$limit" = "${HYDRA_CLAUDE_TOKEN_NAME:-}" ]; }; then
  resets=$(($(date +%s) + 3600))
  say 01 "I will start by reading the task."
  printf '{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":%d,"rateLimitType":"five_hour","overageStatus":"rejected","isUsingOverage":false},"uuid":"demo-rl","session_id":"%s"}\n' \
    "$resets" "$session"
  result true 1 0.01 "You've hit your limit · resets in 1 hour (demo)" '"api_error_status":429,'
  hydra_fail_verdict "$stage" "the agent was rate-limited (demo); no work was done"
  exit 1
fi

issue_number() {
  local n=${ISSUE_URL:-}
  n=${n%/}
  n=${n##*/}
  case "$n" in '' | *[!0-9]* | 0*) n=1 ;; esac
  echo "$n"
}
finding() { # <severity> <file> <line> <rule> <message>
  printf '{"severity":"%s","file":%s,"line":%d,"rule":%s,"message":%s}' \
    "$1" "$(hydra_json_string "$2")" "$3" "$(hydra_json_string "$4")" "$(hydra_json_string "$5")"
}
verdict() { # <summary> <findings> <fixes_applied> <unfixed> [extra json fields]
  hydra_emit_verdict "$(printf '{"schema":1,"stage":"%s","outcome":"%s","summary":%s,"findings":[%s],"fixes_applied":[%s],"unfixed":[%s],"turns":%d,"cost_usd":%s%s}' \
    "$stage" "$outcome" "$(hydra_json_string "$1")" "$2" "$3" "$4" "$turns" "$cost" "${5:-}")"
}

# What the builder's file says, the test line the demo's gate checks, and the retry's fix line.
test_line='Test: GET /health answers 200'
fix_prefix='Fixed (retry):'

# demo_commit <file> <message> <text>: a passing builder's one-file commit and its bundle, when the
# runner mounted a clone (contract v2); nothing otherwise.
demo_commit() {
  local bundle="$HYDRA_OUT_DIR/changes.bundle" sha
  rm -rf -- "$bundle"
  if [ ! -d "$HYDRA_REPO_DIR/.git" ] || [ -z "${HYDRA_BRANCH:-}" ] || [ -z "${HYDRA_BASE_SHA:-}" ]; then
    hydra_log "no clone mounted at $HYDRA_REPO_DIR: the demo builder commits nothing"
    return 0
  fi
  mkdir -p "$HYDRA_OUT_DIR"
  # The runner (another uid) reads the bundle and removes the workspace afterwards.
  sha=$(umask 0000 && perl /usr/local/lib/hydra/demo-git.pl "$HYDRA_REPO_DIR" "$HYDRA_BRANCH" "$HYDRA_BASE_SHA" \
    "$1" "$2" "$bundle" "$3") \
    || { hydra_fail_verdict "$stage" "the demo builder could not commit on $HYDRA_BRANCH"; exit 1; }
  hydra_log "demo commit $sha on $HYDRA_BRANCH written to $bundle"
}

# fix_pass: the builder's one fixer pass after retry:queued, from /input/findings.md.
fix_pass() {
  local findings="$HYDRA_INPUT_DIR/findings.md" file text
  turns=5 cost=0.1311
  say 01 "I will read the retry's findings and fix only the files they name."
  if [ ! -f "$findings" ]; then
    hydra_fail_verdict "$stage" "the retry pass has no $findings to work from"
    exit 1
  fi
  tool_result 01 "$(head -c 600 "$findings")"
  # shellcheck disable=SC2016 # the backticks are the Markdown's, not a command
  file=$(sed -n '/^## Scope/,$p' "$findings" | grep -o '`[^`]*`' | head -n 1 | tr -d '`' || true)
  case "$file" in
    '' | */* | .*)
      hydra_fail_verdict "$stage" "the findings name no top-level file this demo builder can fix"
      exit 1 ;;
  esac
  text=$(cat "$HYDRA_REPO_DIR/$file" 2>/dev/null || true)
  text="${text:+$text$'\n\n'}$fix_prefix the query takes the request input as a bound parameter (demo)."
  demo_commit "$file" "fix (retry): bind the request input in $file" "$text"
  say 02 "Fixed the finding in $file and committed it on ${HYDRA_BRANCH:-the branch}."
  result false "$turns" "$cost" "Fixed the finding in $file (retry pass)."
  # A passing build verdict names its branch and pull request (verdict-v1), a fix pass's too.
  verdict "Fixed the finding in $file: one fixer pass after retry:queued." "" "" "" \
    ",\"branch\":$(hydra_json_string "${HYDRA_BRANCH:-}"),\"pr_title\":$(hydra_json_string "Demo change for issue #$(issue_number)"),\"pr_body\":$(hydra_json_string "fix (retry): the finding in $file")"
}

if [ "$role" = builder ] && [ "${HYDRA_MODE:-build}" = fix ]; then
  fix_pass
  exit 0
fi

case "$role" in
  builder)
    n=$(issue_number)
    slug=$(printf '%s' "${DEMO_SLUG:-demo-change}" | tr 'A-Z_ ' 'a-z--' | tr -cd 'a-z0-9-' | sed -e 's/--*/-/g' -e 's/^-//' -e 's/-$//' | cut -c1-40)
    slug=${slug%-}
    [ -n "$slug" ] || slug=demo-change
    # The runner's branch, when it names one of the hydra/<issue>-<slug> form, is the verdict's.
    if [[ ${HYDRA_BRANCH:-} =~ ^hydra/([1-9][0-9]{0,8})-([a-z0-9]+(-[a-z0-9]+)*)$ ]]; then
      n=${BASH_REMATCH[1]}
      slug=${BASH_REMATCH[2]}
    fi
    say 01 "I will read the issue and the spec, then implement the change on hydra/$n-$slug."
    tool_result 01 $'proposal.md\ntasks.md'
    if [ "$outcome" = pass ]; then
      text="This file was added by Hydra's scripted demo builder."
      if [ "$gate" = red ] && [ ! -f "$HYDRA_INPUT_DIR/gates.md" ]; then
        say 02 "Implemented the change; its test line can wait."
      else
        [ ! -f "$HYDRA_INPUT_DIR/gates.md" ] || tool_result 02 "$(head -c 600 "$HYDRA_INPUT_DIR/gates.md")"
        text="$text"$'\n\n'"$test_line"
      fi
      demo_commit "hydra-demo-$n.md" "Demo change for issue #$n" "$text"
      say 03 "Implemented the change, added a test, and committed on hydra/$n-$slug."
      result false "$turns" "$cost" "Implemented the demo change for issue #$n on hydra/$n-$slug."
      body="## Summary\n\nThe demo change requested in issue #$n (scripted demo agent; no real code was written).\n\n## Changes\n\n- hydra-demo-$n.md: the demo change (committed when the runner mounted a clone)\n\nCloses #$n"
      verdict "Implemented the demo change for issue #$n." "" "" "" \
        ",\"branch\":\"hydra/$n-$slug\",\"pr_title\":$(hydra_json_string "Demo change for issue #$n"),\"pr_body\":\"$body\""
    else
      say 02 "The spec is ambiguous: it names no acceptance criteria I can test."
      result false "$turns" "$cost" "Could not implement issue #$n: the spec has no acceptance criteria."
      verdict "Could not implement issue #$n: the spec has no testable acceptance criteria (demo failure)." \
        "$(finding CRITICAL "" 0 spec/acceptance-criteria "The spec names no acceptance criteria (demo).")" "" ""
    fi
    ;;
  reviewer | security)
    file="hydra-demo-$(issue_number).md"
    if [ "$role" = reviewer ]; then
      rule=naming/consistency msg="A name in the change does not follow the project's convention (demo)."
      crit_rule=correctness/null-check crit_msg="A value that can be null is dereferenced without a check (demo)."
    else
      rule=CWE-532 msg="A log line could print a request header (demo)."
      crit_rule=CWE-89 crit_msg="A query is built by string concatenation from request input (demo)."
    fi
    # A failing reviewer passes once a retry's fix of its finding is in the pull request.
    if [ "$outcome" = fail ] && grep -q "^$fix_prefix" "$HYDRA_REPO_DIR/$file" 2>/dev/null; then
      outcome=pass
      rule=$crit_rule
    fi
    say 01 "I will read the pull request's diff and review it."
    tool_result 01 "diff --git a/$file b/$file"
    fixed=""
    if [ "$fixes" = 1 ]; then
      fixed=$(finding WARNING "$file" 3 "$rule" "$msg Fixed in the PR branch.")
    fi
    if [ "$outcome" = pass ]; then
      say 02 "The change is sound.$([ "$fixes" = 1 ] && echo ' I fixed one small issue in the branch.')"
      result false "$turns" "$cost" "Review passed."
      verdict "Review passed$([ "$fixes" = 1 ] && echo ' with one bounded fix applied')." \
        "$(finding INFO "$file" 1 "$rule" "Looks good; no blocking issue (demo).")" "$fixed" ""
    else
      crit=$(finding CRITICAL "$file" 7 "$crit_rule" "$crit_msg")
      say 02 "I found a blocking problem I may not fix within my bounds."
      result false "$turns" "$cost" "Review failed: one CRITICAL finding."
      verdict "Review failed: one CRITICAL finding left unfixed." "$crit" "$fixed" "$crit"
    fi
    ;;
  applier)
    say 01 "I will check both reviewers' fixes against the final diff."
    tool_result 01 "fixes_applied: 1, unfixed: 0"
    if [ "$outcome" = pass ]; then
      result false "$turns" "$cost" "The reviewers' fixes are consistent with the final diff."
      verdict "The reviewers' fixes are consistent with the final diff; nothing blocks." "" "" ""
    else
      blocker=$(finding CRITICAL src/demo.txt 3 applier/fix-mismatch "A reviewer's fix does not match the final diff (demo).")
      result false "$turns" "$cost" "A reviewer's fix does not match the final diff."
      verdict "A reviewer's fix does not match the final diff." "$blocker" "" "$blocker"
    fi
    ;;
esac
