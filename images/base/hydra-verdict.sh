#!/usr/bin/env bash
# hydra-verdict <stage> <stream-json-file>: turns Claude Code's final result into the verdict line
# (verdict-v1.schema.json) and prints it as `HYDRA-VERDICT {compact json}`.
#
# The agent is told (CLAUDE.md) to end its final message with one ```json block holding outcome,
# summary, findings, fixes_applied, unfixed and, for the builder, branch, pr_title and pr_body
# (a retry, HYDRA_MODE=fix, works on an existing pull request and may leave those three out).
# Turns and cost come from the result record, never from the agent. Anything missing, malformed or
# out of bounds becomes a FAIL verdict that says why: never a pass by default.
set -euo pipefail

stage=${1:?usage: hydra-verdict <stage> <stream-json-file>}
log=${2:?usage: hydra-verdict <stage> <stream-json-file>}

fail() {
  jq -cn --arg stage "$stage" --arg summary "$1" --argjson turns "${2:-0}" --argjson cost "${3:-0}" \
    '{schema: 1, stage: $stage, outcome: "fail", summary: ($summary[0:4000]), findings: [],
      fixes_applied: [], unfixed: [], turns: $turns, cost_usd: $cost}' | sed 's/^/HYDRA-VERDICT /'
  exit 0
}

result=$(grep -a '^{' "$log" 2>/dev/null | jq -c 'select(.type == "result")' 2>/dev/null | tail -n 1 || true)
[ -n "$result" ] || fail "the agent printed no result record (it crashed, was killed, or never started)"
turns=$(jq '(.num_turns // 0) | if type == "number" and . >= 0 then floor else 0 end' <<<"$result")
cost=$(jq '(.total_cost_usd // 0) | if type == "number" and . >= 0 then . else 0 end' <<<"$result")
if [ "$(jq '.is_error == true' <<<"$result")" = true ]; then
  fail "the agent ended in an error: $(jq -r '(.result // .subtype // "unknown") | tostring | .[0:300]' <<<"$result")" "$turns" "$cost"
fi
text=$(jq -r '.result // "" | tostring' <<<"$result")
# The last ```json fenced block of the final message.
block=$(awk '/^```json[[:space:]]*$/ { inside = 1; buf = ""; next }
             /^```[[:space:]]*$/ && inside { inside = 0; last = buf; next }
             inside { buf = buf $0 "\n" }
             END { printf "%s", last }' <<<"$text")
[ -n "$block" ] || fail "the agent's final message has no \`\`\`json verdict block" "$turns" "$cost"
jq -e 'type == "object"' >/dev/null 2>&1 <<<"$block" \
  || fail "the agent's verdict block is not a JSON object" "$turns" "$cost"

jq -c --arg stage "$stage" --arg mode "${HYDRA_MODE:-}" --argjson turns "$turns" --argjson cost "$cost" '
  def clean_findings:
    (if type == "array" then .[0:500] else [] end)
    | map(select(type == "object")
      | {severity: ((.severity // "INFO") | tostring | ascii_upcase
                    | if IN("CRITICAL", "WARNING", "INFO") then . else "INFO" end),
         file: ((.file // "") | tostring | sub("^/+"; "")
                | if test("(^|/)\\.\\.(/|$)") or test("[[:cntrl:]]") or length > 512
                  then "" else . end),
         line: ((.line // 0) | if type == "number" and . >= 0 then floor else 0 end),
         rule: ((.rule // "") | tostring | .[0:128]),
         message: ((.message // "") | tostring | .[0:4000])}
      | select(.message != ""));
  . as $v
  | {schema: 1, stage: $stage,
     outcome: (if $v.outcome == "pass" then "pass" else "fail" end),
     summary: (($v.summary // "") | tostring | .[0:4000]
               | if . == "" then "the agent gave no summary" else . end),
     findings: ($v.findings | clean_findings),
     fixes_applied: ($v.fixes_applied | clean_findings),
     unfixed: ($v.unfixed | clean_findings),
     turns: $turns, cost_usd: $cost}
  | if $stage == "build" and .outcome == "pass" then
      if ($v.branch | type) == "string"
         and ($v.branch | test("^hydra/[1-9][0-9]{0,8}-[a-z0-9]+(-[a-z0-9]+)*$"))
         and ($v.branch | length) <= 64
         and ($v.pr_title | type) == "string" and ($v.pr_title | length) >= 1
         and ($v.pr_body | type) == "string"
      then . + {branch: $v.branch, pr_title: ($v.pr_title[0:256]), pr_body: ($v.pr_body[0:65536])}
      elif $mode == "fix" then .
      else .outcome = "fail"
         | .summary = ("the builder reported pass without a valid branch (hydra/<issue>-<slug>), pr_title and pr_body: " + .summary)[0:4000]
      end
    else . end
' <<<"$block" | sed 's/^/HYDRA-VERDICT /'
