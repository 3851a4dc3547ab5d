#!/usr/bin/env bash
# Hydra persona entrypoint library (SPEC §5). Sourced by every persona's entrypoint.sh; defines
# functions only and runs nothing on its own.
#
# The sequence a persona entrypoint runs, as root:
#   hydra_validate <role>      inputs present and well-formed ("X is required"); no token at all
#   hydra_firewall <role>      default-deny egress, IPv4 and IPv6, verified; fails closed
#   hydra_drop_to_agent <cmd>  setpriv to the agent user with no capabilities and no_new_privs
# and then, as the agent user (the command handed to hydra_drop_to_agent):
#   hydra_agent_home           a writable HOME on the /tmp tmpfs (the root file system is read-only)
#   hydra_git_setup            identity and safe.directory; no credential of any kind
#   hydra_check_repo           /workspace/repo is a git work tree on $HYDRA_BRANCH
#   ... run the agent, hydra_write_bundle, then print the verdict line last (hydra_emit_verdict).
#
# Runner <-> image contract v2 (images/README.md): no token ever enters the container. The runner
# clones and pushes with its own tokens; the model is reached through the runner's gateway at
# ANTHROPIC_BASE_URL with a placeholder credential; the agent's commits leave as a git bundle in
# /workspace/out, which the runner validates before it pushes anything.
#
# Failures before the agent starts print "hydra: ..." on stderr and exit non-zero WITHOUT a
# verdict: the runner reports a missing verdict as an infrastructure failure, never as a pass.
# shellcheck shell=bash

HYDRA_AGENT_USER="${HYDRA_AGENT_USER:-agent}"
HYDRA_AGENT_UID=10001
HYDRA_AGENT_GID=10001
HYDRA_LIB_DIR="${HYDRA_LIB_DIR:-/usr/local/lib/hydra}"
# iptables' lock file must be writable under --read-only; /tmp is a tmpfs.
export XTABLES_LOCKFILE="${XTABLES_LOCKFILE:-/tmp/xtables.lock}"

# Exit codes before the agent runs (sysexits-style, so they never look like an agent result).
HYDRA_EXIT_USAGE=64     # a required input is missing or malformed
HYDRA_EXIT_FIREWALL=69  # the egress firewall could not be installed or verified
HYDRA_EXIT_PRIVS=77     # the privilege drop failed

HYDRA_REPO_DIR="${HYDRA_REPO_DIR:-/workspace/repo}"
HYDRA_OUT_DIR="${HYDRA_OUT_DIR:-/workspace/out}"
HYDRA_INPUT_DIR="${HYDRA_INPUT:-/input}"
# What the runner's model gateway hands out instead of a credential (gateway.GatewayConfig).
HYDRA_PLACEHOLDER_PREFIX=hydra-gateway-placeholder-

hydra_log() {
  printf 'hydra: %s\n' "$*" >&2
}

# hydra_die <exit-code> <message>: an infrastructure failure before the agent ran.
hydra_die() {
  local code=$1
  shift
  printf 'hydra: error: %s\n' "$*" >&2
  exit "$code"
}

hydra_require() {
  local name=$1
  if [ -z "${!name:-}" ]; then
    hydra_die "$HYDRA_EXIT_USAGE" "$name is required"
  fi
}

# hydra_stage_of <role>: the verdict's stage id for a persona role.
hydra_stage_of() {
  case "$1" in
    builder) echo build ;;
    reviewer) echo code-review ;;
    security) echo security-review ;;
    applier) echo applier ;;
    *) return 1 ;;
  esac
}

# hydra_url_host <https-url>: the host (no port, no user info) of an http(s) URL.
hydra_url_host() {
  local rest=${1#*://}
  rest=${rest%%/*}
  rest=${rest##*@}
  case "$rest" in
    \[*\]*) rest=${rest#[}; echo "${rest%%]*}" ;;
    *) echo "${rest%%:*}" ;;
  esac
}

# hydra_url_port <http(s)-url>: the explicit port, or the scheme's default.
hydra_url_port() {
  local scheme=${1%%://*} rest=${1#*://}
  rest=${rest%%/*}
  rest=${rest##*@}
  rest=${rest##*]}
  case "$rest" in
    *:*) echo "${rest##*:}" ;;
    *) if [ "$scheme" = http ]; then echo 80; else echo 443; fi ;;
  esac
}

# hydra_check_url <name>: an informational forge URL (for the prompt only; the container never
# contacts the forge): http(s), no credentials, no character a URL never has.
hydra_check_url() {
  local name=$1 value=${!1:-}
  case "$value" in
    https://* | http://*) ;;
    # The demo images accept the embedded local forge's URLs, whatever their scheme.
    [a-z]*://*) [ "${HYDRA_DEMO:-}" = 1 ] || hydra_die "$HYDRA_EXIT_USAGE" "$name must be an http(s):// URL" ;;
    *) hydra_die "$HYDRA_EXIT_USAGE" "$name must be an http(s):// URL" ;;
  esac
  hydra_check_url_text "$name" "$value"
  local authority=${value#*://}
  authority=${authority%%/*}
  case "$authority" in
    *@*) hydra_die "$HYDRA_EXIT_USAGE" "$name must not carry credentials; no token ever enters a persona container" ;;
    '') hydra_die "$HYDRA_EXIT_USAGE" "$name has no host" ;;
  esac
  local port
  port=$(hydra_url_port "$value")
  case "$port" in
    '' | *[!0-9]*) hydra_die "$HYDRA_EXIT_USAGE" "$name has an invalid port" ;;
  esac
}

hydra_check_url_text() {
  case "$2" in
    *[[:space:]]* | *\'* | *\"* | *\\* | *\`* | *\$*)
      hydra_die "$HYDRA_EXIT_USAGE" "$1 contains characters a URL never has" ;;
  esac
}

# hydra_check_gateway_url: ANTHROPIC_BASE_URL is the runner's model gateway, http://<host>:<port>
# with an explicit port and nothing else (an IP literal, [v6] included, or a name that resolves).
hydra_check_gateway_url() {
  local value=${ANTHROPIC_BASE_URL:-}
  hydra_check_url_text ANTHROPIC_BASE_URL "$value"
  local authority=${value#http://}
  authority=${authority%/}
  case "$value" in
    http://*) ;;
    *) hydra_die "$HYDRA_EXIT_USAGE" "ANTHROPIC_BASE_URL must be the runner's model gateway, http://<host>:<port>, not '$value'" ;;
  esac
  case "$authority" in
    '' | */* | *@* | *\?* | *\#*)
      hydra_die "$HYDRA_EXIT_USAGE" "ANTHROPIC_BASE_URL must be http://<host>:<port> with no path, query or credentials" ;;
  esac
  local port
  port=$(hydra_url_port "$value")
  case "${authority##*]}" in
    *:*) ;;
    *) hydra_die "$HYDRA_EXIT_USAGE" "ANTHROPIC_BASE_URL must name the gateway's port (http://<host>:<port>)" ;;
  esac
  case "$port" in
    '' | *[!0-9]*) hydra_die "$HYDRA_EXIT_USAGE" "ANTHROPIC_BASE_URL has an invalid port" ;;
  esac
  if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
    hydra_die "$HYDRA_EXIT_USAGE" "ANTHROPIC_BASE_URL has an invalid port"
  fi
  case "$(hydra_url_host "$value")" in
    '' | *[!A-Za-z0-9.:-]*) hydra_die "$HYDRA_EXIT_USAGE" "ANTHROPIC_BASE_URL has an invalid host" ;;
  esac
}

# hydra_refuse_secrets: no token ever enters a persona container (contract v2). A runner that
# still passes one is refused before anything else runs, naming the variable (never its value).
hydra_refuse_secrets() {
  local name
  for name in GIT_TOKEN CLAUDE_CODE_OAUTH_TOKEN ANTHROPIC_AUTH_TOKEN; do
    if [ -n "${!name+set}" ]; then
      hydra_die "$HYDRA_EXIT_USAGE" "$name is set, but no token ever enters a persona container: the runner keeps the tokens (it clones and pushes with git, and reaches the model through its gateway); remove $name from the container's environment"
    fi
  done
  if [ -n "${ANTHROPIC_API_KEY+set}" ]; then
    case "$ANTHROPIC_API_KEY" in
      "$HYDRA_PLACEHOLDER_PREFIX"?*) ;;
      *) hydra_die "$HYDRA_EXIT_USAGE" "ANTHROPIC_API_KEY is not the gateway's placeholder ($HYDRA_PLACEHOLDER_PREFIX…): the runner keeps the tokens and its model gateway adds the real credential; never pass a real key" ;;
    esac
  elif [ "${HYDRA_DEMO:-}" != 1 ]; then
    hydra_die "$HYDRA_EXIT_USAGE" "ANTHROPIC_API_KEY is required (the gateway's placeholder, $HYDRA_PLACEHOLDER_PREFIX…)"
  fi
}

# hydra_check_branch_name <name>: a branch name git accepts and a shell cannot misread.
hydra_check_branch_name() {
  local value=$1
  case "$value" in
    '' | -* | /* | */ | *//* | *..* | *.lock | *@\{* | *[!A-Za-z0-9._/-]*)
      hydra_die "$HYDRA_EXIT_USAGE" "HYDRA_BRANCH is not a valid branch name: '$value'" ;;
  esac
}

# hydra_validate <role>: every input the role needs, present and well-formed.
hydra_validate() {
  local role=$1
  hydra_stage_of "$role" >/dev/null || hydra_die "$HYDRA_EXIT_USAGE" "unknown role '$role' (builder, reviewer, security or applier)"
  hydra_refuse_secrets
  hydra_require HYDRA_MODE
  # shellcheck disable=SC2153 # an input from the runner
  case "$HYDRA_MODE" in
    build | review | apply | fix) ;;
    *) hydra_die "$HYDRA_EXIT_USAGE" "HYDRA_MODE must be build, review, apply or fix, not '$HYDRA_MODE'" ;;
  esac
  # Informational only (the prompt names them); the container never contacts the forge.
  local url
  for url in REPO_URL ISSUE_URL PR_URL; do
    [ -z "${!url:-}" ] || hydra_check_url "$url"
  done
  if [ "${HYDRA_DEMO:-}" != 1 ]; then
    hydra_require ANTHROPIC_BASE_URL
    hydra_require HYDRA_MODEL
    case "$HYDRA_MODEL" in
      *[!A-Za-z0-9._:@-]*) hydra_die "$HYDRA_EXIT_USAGE" "HYDRA_MODEL has characters a model name never has" ;;
    esac
    hydra_require HYDRA_BRANCH
    hydra_require HYDRA_BASE_SHA
  fi
  [ -z "${ANTHROPIC_BASE_URL:-}" ] || hydra_check_gateway_url
  [ -z "${HYDRA_BRANCH:-}" ] || hydra_check_branch_name "$HYDRA_BRANCH"
  if [ -n "${HYDRA_BASE_SHA:-}" ]; then
    case "$HYDRA_BASE_SHA" in
      *[!0-9a-f]*) hydra_die "$HYDRA_EXIT_USAGE" "HYDRA_BASE_SHA must be a commit id (40 lower-case hex digits)" ;;
    esac
    [ "${#HYDRA_BASE_SHA}" = 40 ] || hydra_die "$HYDRA_EXIT_USAGE" "HYDRA_BASE_SHA must be a commit id (40 lower-case hex digits)"
  fi
  if [ "${HYDRA_DEMO:-}" != 1 ]; then
    [ -d "$HYDRA_REPO_DIR" ] || hydra_die "$HYDRA_EXIT_USAGE" "$HYDRA_REPO_DIR is not mounted: the runner prepares the clone and mounts its workspace at /workspace"
    local file
    for file in $(hydra_input_files "$role"); do
      [ -f "$HYDRA_INPUT_DIR/$file" ] || hydra_die "$HYDRA_EXIT_USAGE" "$HYDRA_INPUT_DIR/$file is missing: the runner mounts the stage's inputs read-only at $HYDRA_INPUT_DIR"
    done
  fi
  if [ -n "${SPEC_PATH:-}" ] && [ ! -d "$SPEC_PATH" ]; then
    hydra_die "$HYDRA_EXIT_USAGE" "SPEC_PATH ($SPEC_PATH) is not a mounted directory"
  fi
  case "${HYDRA_MAX_TURNS:-1}" in
    '' | *[!0-9]*) hydra_die "$HYDRA_EXIT_USAGE" "HYDRA_MAX_TURNS must be a number" ;;
  esac
}

# hydra_input_files <role>: the files of /input the role reads.
hydra_input_files() {
  echo issue.md
  if [ "$1" != builder ]; then
    echo pull-request.md pull-request.diff
  fi
}

# hydra_allow_hosts <role>: the hosts the persona may reach on HTTPS (443), one per line. The
# model gateway (ANTHROPIC_BASE_URL) is allowed separately, on its own port; the forge and
# api.anthropic.com are never on the list: the runner talks to both.
hydra_allow_hosts() {
  local role=$1
  hydra_registries "$role"
  local extra
  for extra in ${HYDRA_EGRESS_EXTRA_HOSTS:-}; do
    echo "$extra"
  done
}

# hydra_registries <role>: the package registries the builder may need for the project's own
# build. Where one of them does not resolve (a network that blocks it), it gets no rule: the
# allow-list only shrinks. The operator's own hosts and the gateway must resolve.
hydra_registries() {
  if [ "$1" = builder ]; then
    printf '%s\n' registry.npmjs.org repo.maven.apache.org repo1.maven.org pypi.org files.pythonhosted.org deb.debian.org
  fi
}

# hydra_is_registry <role> <host>: whether the host is one of the role's default registries. No
# pipe into `grep -q`: under pipefail its early exit fails the writer (SIGPIPE), and the test with it.
hydra_is_registry() {
  local registry
  for registry in $(hydra_registries "$1"); do
    [ "$registry" = "$2" ] && return 0
  done
  return 1
}

# hydra_lookup <host>: its addresses; only from /etc/hosts when the runner pinned the allow-list
# there (HYDRA_EGRESS_PINNED=1), else through the name service.
hydra_lookup() {
  if [ "${HYDRA_EGRESS_PINNED:-0}" = 1 ]; then
    getent -s hosts:files ahosts "$1"
  else
    getent ahosts "$1"
  fi
}

# hydra_resolvers: the name servers of /etc/resolv.conf, one per line.
hydra_resolvers() {
  awk '$1 == "nameserver" { print $2 }' /etc/resolv.conf 2>/dev/null
}

hydra_is_ipv6() {
  case "$1" in *:*) return 0 ;; *) return 1 ;; esac
}

# hydra_ipv6_in_use: whether any interface other than lo has a non-link-local IPv6 address.
hydra_ipv6_in_use() {
  [ -r /proc/net/if_inet6 ] || return 1
  awk '$6 != "lo" && $1 !~ /^fe80/ { found = 1 } END { exit !found }' /proc/net/if_inet6
}

# hydra_fw <iptables|ip6tables> <rule...>: one firewall rule, or exit non-zero.
hydra_fw() {
  local tool=$1
  shift
  "$tool" -w "$@" 2>/tmp/hydra-fw.err \
    || hydra_die "$HYDRA_EXIT_FIREWALL" "$tool $*: $(head -c 300 /tmp/hydra-fw.err)"
}

# hydra_allow_tcp <host> <port> <what>: TCP to every address the host resolves to (an IP literal
# resolves to itself), on that port only. A name that does not resolve stops the start.
hydra_allow_tcp() {
  local host=$1 port=$2 what=$3 addr addrs
  case "$host" in
    '' | *[!A-Za-z0-9.:-]*) hydra_die "$HYDRA_EXIT_FIREWALL" "invalid allow-list host '$host'" ;;
  esac
  addrs=$(hydra_lookup "$host" | awk '{ print $1 }' | sort -u || true)
  [ -n "$addrs" ] || hydra_die "$HYDRA_EXIT_FIREWALL" "allow-listed host $host does not resolve; refusing to start with an incomplete allow-list"
  for addr in $addrs; do
    if hydra_is_ipv6 "$addr"; then
      [ "$v6" = 1 ] || continue
      hydra_fw ip6tables -A OUTPUT -p tcp -d "$addr" --dport "$port" -j ACCEPT
    else
      hydra_fw iptables -A OUTPUT -p tcp -d "$addr" --dport "$port" -j ACCEPT
    fi
  done
  hydra_log "$what: $host port $port ($(echo "$addrs" | tr '\n' ' '))"
}

# hydra_firewall <role>: default-deny egress with the role's allow-list; exits non-zero on any error.
# The DROP policies go in FIRST, so a failure at any later step leaves the container closed.
hydra_firewall() {
  local role=$1
  if [ "${HYDRA_EGRESS:-on}" = off ]; then
    {
      echo "hydra: ####################################################################"
      echo "hydra: WARNING: HYDRA_EGRESS=off: NO egress firewall. The agent can reach ANY"
      echo "hydra: host, including to exfiltrate the code and its tokens. Never use this"
      echo "hydra: outside a disposable local test."
      echo "hydra: ####################################################################"
    } >&2
    return 0
  fi
  if [ "${HYDRA_EGRESS:-on}" = cluster ]; then
    # Kubernetes (docs/kubernetes.md): the stage's NetworkPolicy is the firewall and the restricted
    # profile grants no NET_ADMIN. Nothing to install, but the check stays: fail closed when the
    # cluster does not enforce it.
    if [ "$(id -u)" = 0 ]; then
      hydra_die "$HYDRA_EXIT_FIREWALL" "HYDRA_EGRESS=cluster is for a pod that starts as the agent user; as root the entrypoint installs its own firewall (HYDRA_EGRESS=on)"
    fi
    command -v curl >/dev/null 2>&1 || hydra_die "$HYDRA_EXIT_FIREWALL" "curl is missing from the image; cannot verify the cluster's egress policy"
    hydra_log "egress is the cluster's NetworkPolicy (HYDRA_EGRESS=cluster); verifying it"
    hydra_verify_firewall
    return 0
  fi
  if [ "${HYDRA_EGRESS:-on}" != on ]; then
    hydra_die "$HYDRA_EXIT_FIREWALL" "HYDRA_EGRESS must be on, off or cluster, not '${HYDRA_EGRESS}'"
  fi
  if [ "$(id -u)" != 0 ]; then
    hydra_die "$HYDRA_EXIT_FIREWALL" "the egress firewall needs the entrypoint to start as root with NET_ADMIN; refusing to run the agent without it (HYDRA_EGRESS=off switches filtering off explicitly)"
  fi
  local tool
  for tool in iptables ip6tables getent curl; do
    command -v "$tool" >/dev/null 2>&1 || hydra_die "$HYDRA_EXIT_FIREWALL" "$tool is missing from the image; cannot install the egress firewall"
  done

  # 1. Closed first, in both families.
  local ipt
  if ! iptables -w -P OUTPUT DROP 2>/tmp/hydra-fw.err; then
    hydra_die "$HYDRA_EXIT_FIREWALL" "cannot install the egress firewall (is NET_ADMIN granted?): $(head -c 300 /tmp/hydra-fw.err)"
  fi
  local v6=1
  if ! ip6tables -w -P OUTPUT DROP 2>/tmp/hydra-fw.err; then
    if hydra_ipv6_in_use; then
      hydra_die "$HYDRA_EXIT_FIREWALL" "IPv6 is configured but ip6tables failed: $(head -c 300 /tmp/hydra-fw.err)"
    fi
    v6=0
    hydra_log "ip6tables is unavailable and no interface has IPv6; IPv4 rules only"
  fi
  for ipt in iptables ip6tables; do
    [ "$ipt" = ip6tables ] && [ "$v6" = 0 ] && continue
    hydra_fw "$ipt" -P INPUT DROP
    hydra_fw "$ipt" -P FORWARD DROP
    hydra_fw "$ipt" -F INPUT
    hydra_fw "$ipt" -F OUTPUT
    hydra_fw "$ipt" -F FORWARD
    # Loopback carries Docker's embedded DNS (127.0.0.11, NAT-ed to a random port).
    hydra_fw "$ipt" -A INPUT -i lo -j ACCEPT
    hydra_fw "$ipt" -A OUTPUT -o lo -j ACCEPT
    hydra_fw "$ipt" -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
    hydra_fw "$ipt" -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  done
  # Cloud metadata is never reachable, whatever else is allowed.
  hydra_fw iptables -A OUTPUT -d 169.254.0.0/16 -j REJECT --reject-with icmp-admin-prohibited
  if [ "$v6" = 1 ]; then
    hydra_fw ip6tables -A OUTPUT -d fd00:ec2::254 -j REJECT --reject-with icmp6-adm-prohibited
  fi

  # 2. DNS only to the container's own resolver(s).
  local resolver found=0
  while IFS= read -r resolver; do
    [ -n "$resolver" ] || continue
    found=1
    if hydra_is_ipv6 "$resolver"; then
      [ "$v6" = 1 ] || continue
      ipt=ip6tables
    else
      ipt=iptables
    fi
    hydra_fw "$ipt" -A OUTPUT -p udp -d "$resolver" --dport 53 -j ACCEPT
    hydra_fw "$ipt" -A OUTPUT -p tcp -d "$resolver" --dport 53 -j ACCEPT
  done < <(hydra_resolvers)
  [ "$found" = 1 ] || hydra_die "$HYDRA_EXIT_FIREWALL" "/etc/resolv.conf names no resolver"

  # 3. ICMPv6 neighbour discovery (router/neighbour solicitation and advertisement, types 133-136,
  # link-local only: hop limit 255), without which no IPv6 peer, allow-listed or not, is reachable.
  if [ "$v6" = 1 ]; then
    local type
    for type in 133 134 135 136; do
      hydra_fw ip6tables -A OUTPUT -p ipv6-icmp --icmpv6-type "$type" -m hl --hl-eq 255 -j ACCEPT
      hydra_fw ip6tables -A INPUT -p ipv6-icmp --icmpv6-type "$type" -m hl --hl-eq 255 -j ACCEPT
    done
  fi

  # 4. The model gateway, on its own port only; then HTTPS only to the allow-list's addresses, one
  # rule per address (not an ipset match: iptables' set match opens a raw socket, needing NET_RAW).
  if [ -n "${ANTHROPIC_BASE_URL:-}" ]; then
    hydra_allow_tcp "$(hydra_url_host "$ANTHROPIC_BASE_URL")" "$(hydra_url_port "$ANTHROPIC_BASE_URL")" "model gateway"
  fi
  local host
  while IFS= read -r host; do
    [ -n "$host" ] || continue
    # The runner pins the names it resolved in /etc/hosts (HYDRA_EGRESS_PINNED=1): a registry not
    # pinned there is not looked up over DNS, which the firewall has closed by now.
    if hydra_is_registry "$role" "$host" && ! hydra_lookup "$host" >/dev/null; then
      hydra_log "egress: the registry $host does not resolve here; no rule for it"
      continue
    fi
    hydra_allow_tcp "$host" 443 "egress allowed"
  done < <(hydra_allow_hosts "$role" | sort -u)

  # 5. Everything else is rejected at once (fast failure instead of a timeout).
  hydra_fw iptables -A OUTPUT -p tcp -j REJECT --reject-with tcp-reset
  hydra_fw iptables -A OUTPUT -j REJECT --reject-with icmp-admin-prohibited
  if [ "$v6" = 1 ]; then
    hydra_fw ip6tables -A OUTPUT -p tcp -j REJECT --reject-with tcp-reset
    hydra_fw ip6tables -A OUTPUT -j REJECT --reject-with icmp6-adm-prohibited
  fi
  hydra_verify_firewall
}

# hydra_verify_firewall: a host that is not allow-listed must be unreachable.
hydra_verify_firewall() {
  local probe=${HYDRA_EGRESS_PROBE:-https://example.com/} code=0
  curl --silent --output /dev/null --connect-timeout 5 --max-time 8 "$probe" || code=$?
  case "$code" in
    6)
      # The name did not resolve: try the same check on a literal address instead.
      code=0
      curl --silent --output /dev/null --connect-timeout 5 --max-time 8 "https://1.1.1.1/" || code=$?
      ;;
  esac
  case "$code" in
    7 | 28) hydra_log "egress firewall verified: $probe is unreachable" ;;
    *) hydra_die "$HYDRA_EXIT_FIREWALL" "egress firewall verification failed: $probe was reachable (curl exit $code)" ;;
  esac
}

# hydra_drop_to_agent <command...>: exec the command as the agent user with no capability in any
# set, no supplementary groups, and no_new_privs, so it can never undo the firewall.
hydra_drop_to_agent() {
  if [ "$(id -u)" != 0 ]; then
    if [ "$(id -u)" = "$HYDRA_AGENT_UID" ]; then
      hydra_log "already running as the agent user; no privilege drop needed"
      export HOME="/tmp/home-$HYDRA_AGENT_USER" USER="$HYDRA_AGENT_USER" LOGNAME="$HYDRA_AGENT_USER"
      exec "$@"
    fi
    hydra_die "$HYDRA_EXIT_PRIVS" "running as uid $(id -u), neither root nor the agent user ($HYDRA_AGENT_UID)"
  fi
  command -v setpriv >/dev/null 2>&1 || hydra_die "$HYDRA_EXIT_PRIVS" "setpriv is missing from the image"
  # Emptying the bounding set needs CAP_SETPCAP; without it setpriv silently keeps the container's
  # capabilities there. no_new_privs (below) still stops the agent from ever regaining them.
  local capeff
  capeff=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
  if [ -n "$capeff" ] && [ $((0x$capeff & 0x100)) -eq 0 ]; then
    hydra_log "CAP_SETPCAP is not granted: the agent's bounding set keeps the container's capabilities (it can never use them: no effective capability, no_new_privs); add --cap-add SETPCAP for an empty bounding set"
  fi
  # The variables below are the agent's own; anything else stays as the runner passed it.
  export HOME="/tmp/home-$HYDRA_AGENT_USER" USER="$HYDRA_AGENT_USER" LOGNAME="$HYDRA_AGENT_USER"
  exec setpriv --reuid="$HYDRA_AGENT_UID" --regid="$HYDRA_AGENT_GID" --clear-groups \
    --inh-caps=-all --ambient-caps=-all --bounding-set=-all --no-new-privs \
    -- "$@"
}

# hydra_agent_home: a private, writable HOME on the /tmp tmpfs (run as the agent user).
hydra_agent_home() {
  export HOME="${HOME:-/tmp/home-$HYDRA_AGENT_USER}"
  umask 077
  mkdir -p "$HOME" || hydra_die "$HYDRA_EXIT_USAGE" "cannot create HOME at $HOME (is /tmp a writable tmpfs?)"
}

# hydra_git_setup: the agent's git identity and trust in the runner's clone (owned by another
# uid). No credential helper and no token: the agent commits, the runner pushes.
hydra_git_setup() {
  git config --global --unset-all credential.helper 2>/dev/null || true
  git config --global safe.directory "$HYDRA_REPO_DIR"
  git config --global user.name "${HYDRA_GIT_NAME:-hydra-${HYDRA_ROLE:-agent}}"
  git config --global user.email "${HYDRA_GIT_EMAIL:-hydra-${HYDRA_ROLE:-agent}@users.noreply.invalid}"
  git config --global init.defaultBranch main
  git config --global advice.detachedHead false
}

# hydra_check_repo: the runner's clone is a git work tree with $HYDRA_BRANCH checked out and
# $HYDRA_BASE_SHA present (run as the agent user, after hydra_git_setup).
hydra_check_repo() {
  [ "$(git -C "$HYDRA_REPO_DIR" rev-parse --is-inside-work-tree 2>/dev/null)" = true ] \
    || hydra_die "$HYDRA_EXIT_USAGE" "$HYDRA_REPO_DIR is not a git work tree: the runner prepares the clone before the container starts"
  local head
  head=$(git -C "$HYDRA_REPO_DIR" symbolic-ref --quiet --short HEAD 2>/dev/null || true)
  [ "$head" = "$HYDRA_BRANCH" ] \
    || hydra_die "$HYDRA_EXIT_USAGE" "$HYDRA_REPO_DIR has '${head:-a detached HEAD}' checked out, not HYDRA_BRANCH ($HYDRA_BRANCH)"
  git -C "$HYDRA_REPO_DIR" cat-file -e "$HYDRA_BASE_SHA^{commit}" 2>/dev/null \
    || hydra_die "$HYDRA_EXIT_USAGE" "HYDRA_BASE_SHA ($HYDRA_BASE_SHA) is not a commit of $HYDRA_REPO_DIR"
}

# hydra_write_bundle: after the agent, the commits it made on $HYDRA_BRANCH past $HYDRA_BASE_SHA,
# as $HYDRA_OUT_DIR/changes.bundle for the runner to validate and push. No commit, no bundle: a
# file the agent left there itself is removed first. Returns non-zero when the bundle could not be
# written although there were commits.
hydra_write_bundle() {
  local bundle="$HYDRA_OUT_DIR/changes.bundle" ahead
  rm -rf -- "$bundle" "$bundle.lock"
  ahead=$(git -C "$HYDRA_REPO_DIR" rev-list --count "refs/heads/$HYDRA_BRANCH" "^$HYDRA_BASE_SHA" 2>/dev/null || echo 0)
  if [ "$ahead" = 0 ]; then
    hydra_log "no commit on $HYDRA_BRANCH past the base; no bundle"
    return 0
  fi
  git -C "$HYDRA_REPO_DIR" bundle create --quiet "$bundle" "refs/heads/$HYDRA_BRANCH" "^$HYDRA_BASE_SHA" >&2 \
    || { hydra_log "could not write $bundle"; rm -f -- "$bundle"; return 1; }
  chmod 0644 "$bundle"
  hydra_log "$ahead commit(s) on $HYDRA_BRANCH written to $bundle"
}

# hydra_json_string <text>: the text as a JSON string literal (quotes included), without jq.
hydra_json_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  # Any other control character becomes a space.
  s=$(printf '%s' "$s" | tr '\000-\037' ' ')
  printf '"%s"' "$s"
}

# hydra_emit_verdict <compact-json>: the verdict, as the last stdout line.
hydra_emit_verdict() {
  printf 'HYDRA-VERDICT %s\n' "$1"
}

# hydra_fail_verdict <stage> <summary>: a minimal, schema-valid fail verdict.
hydra_fail_verdict() {
  hydra_emit_verdict "{\"schema\":1,\"stage\":\"$1\",\"outcome\":\"fail\",\"summary\":$(hydra_json_string "$2"),\"findings\":[],\"fixes_applied\":[],\"unfixed\":[],\"turns\":0,\"cost_usd\":0}"
}

# hydra_main <role>: the whole root half of a persona entrypoint.
hydra_main() {
  local role=$1 stage
  stage=$(hydra_stage_of "$role") || hydra_die "$HYDRA_EXIT_USAGE" "unknown role '$role'"
  if [ -n "${HYDRA_ROLE:-}" ] && [ "$HYDRA_ROLE" != "$role" ]; then
    hydra_die "$HYDRA_EXIT_USAGE" "this is the $role image but HYDRA_ROLE is '$HYDRA_ROLE'"
  fi
  if [ -n "${HYDRA_STAGE:-}" ] && [ "$HYDRA_STAGE" != "$stage" ]; then
    hydra_die "$HYDRA_EXIT_USAGE" "this is the $role image (stage $stage) but HYDRA_STAGE is '$HYDRA_STAGE'"
  fi
  export HYDRA_ROLE=$role
  hydra_validate "$role"
  hydra_firewall "$role"
  hydra_drop_to_agent "$HYDRA_LIB_DIR/agent-stage.sh"
}
