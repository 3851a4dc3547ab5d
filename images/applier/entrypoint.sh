#!/usr/bin/env bash
# Entrypoint of the Hydra applier persona: validate, egress firewall (fails closed), drop to the
# agent user, then /usr/local/lib/hydra/agent-stage.sh runs Claude Code and prints the verdict.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../base/entrypoint-common.sh
. "${HYDRA_LIB_DIR:-/usr/local/lib/hydra}/entrypoint-common.sh"
hydra_main applier
