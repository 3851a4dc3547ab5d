#!/usr/bin/env bash
# Entrypoint of the demo persona images: the real sequence of images/base/entrypoint-common.sh
# (validate, drop privileges with setpriv, verdict last) around the scripted agent
# /usr/local/bin/hydra-demo-agent. No firewall: the scripted agent opens no connection at all.
# Given a command (the runner's gates run in the builder's image: `docker run … IMAGE <command>`),
# it runs that command instead, with the container as the runner made it (no network, no secret).
set -euo pipefail
if [ "$#" -gt 0 ]; then
  exec "$@"
fi
# shellcheck source-path=SCRIPTDIR source=../base/entrypoint-common.sh
. "${HYDRA_LIB_DIR:-/usr/local/lib/hydra}/entrypoint-common.sh"

role=${HYDRA_ROLE:-}
[ -n "$role" ] || hydra_die "$HYDRA_EXIT_USAGE" "HYDRA_ROLE is required"
stage=$(hydra_stage_of "$role") || hydra_die "$HYDRA_EXIT_USAGE" "unknown HYDRA_ROLE '$role' (builder, reviewer, security or applier)"
if [ -n "${HYDRA_STAGE:-}" ] && [ "$HYDRA_STAGE" != "$stage" ]; then
  hydra_die "$HYDRA_EXIT_USAGE" "this is the $role image (stage $stage) but HYDRA_STAGE is '$HYDRA_STAGE'"
fi
hydra_validate "$role"
hydra_log "demo $role image: scripted agent, no network use; no egress firewall installed"
hydra_drop_to_agent /usr/local/bin/hydra-demo-agent
