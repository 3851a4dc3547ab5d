#!/bin/bash
# The agent of StageRunnerIT's probe image: everything a prompt-injected agent could try to find a
# token with, printed raw for the test to search (it looks for every token in every encoding the
# masker knows), then one real request through the stage's model gateway, then a verdict.
sleep 2 # long enough for the test to `docker inspect` the running container

echo "PROBE env"
env
echo "PROBE /proc/1/environ"
tr '\0' '\n' </proc/1/environ 2>&1 || echo "PROBE /proc/1/environ unreadable"
echo "PROBE /proc/self/environ"
tr '\0' '\n' </proc/self/environ 2>&1
echo "PROBE files"
find /workspace /input /tmp /run /etc /root /home /var/tmp /var/run -type f -size -256k 2>/dev/null |
  while read -r file; do
    echo "PROBE file $file"
    tr -c '[:print:]\n' '.' <"$file" 2>/dev/null
    echo
  done

url="${ANTHROPIC_BASE_URL#http://}"
host="${url%:*}"
port="${url##*:}"
body='{"model":"claude-test","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}'
if exec 3<>"/dev/tcp/$host/$port"; then
  printf 'POST /v1/messages HTTP/1.1\r\nHost: %s\r\nx-api-key: %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n%s' \
    "$url" "$ANTHROPIC_API_KEY" "${#body}" "$body" >&3
  read -r status <&3
  echo "PROBE gateway ${status%$'\r'}"
  exec 3<&-
else
  echo "PROBE gateway unreachable"
fi

printf 'HYDRA-VERDICT {"schema":1,"stage":"%s","outcome":"fail","summary":"probe only","findings":[],"fixes_applied":[],"unfixed":[],"turns":1,"cost_usd":0}\n' "$HYDRA_STAGE"
