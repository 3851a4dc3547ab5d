#!/usr/bin/env bash
# Provisions a Docker engine and a local base image for the container integration tests, and the
# tools ImageCommandIT needs for a real registry (docker-registry, htpasswd).
#
# This machine kind has the docker client but no running daemon, and no image can be pulled (only
# Maven Central, Debian and npm are reachable). So: install Debian's docker.io, start dockerd, and
# build the base image the test images use (debian:bookworm-slim) locally with debootstrap +
# docker import. Idempotent: whatever already works is left alone.
set -euo pipefail

log() { printf '==> %s\n' "$*"; }

if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null 2>&1; then
    log "installing docker.io"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
  log "starting dockerd"
  nohup dockerd >/var/log/hydra-ci-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /var/log/hydra-ci-dockerd.log" >&2; exit 1; }
fi

if ! docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  log "building debian:bookworm-slim with debootstrap (about a minute)"
  rootfs=$(mktemp -d /tmp/hydra-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import - debian:bookworm-slim >/dev/null
fi

# ImageCommandIT pushes to a real OCI registry it starts itself on a loopback port with htpasswd
# (bcrypt) auth: Debian's docker-registry (distribution 2.8) and apache2-utils for htpasswd. The
# package's own service must not start (it would listen on :5000 for good): without a
# policy-rc.d, a temporary one refuses every service start during the install.
if ! command -v docker-registry >/dev/null 2>&1 || ! command -v htpasswd >/dev/null 2>&1; then
  log "installing docker-registry and apache2-utils (htpasswd)"
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  status=0
  { apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      docker-registry apache2-utils >/dev/null; } || status=$?
  if [ -n "$own_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
  [ "$status" -eq 0 ] || { echo "installing docker-registry and apache2-utils failed" >&2; exit 1; }
fi

log "docker $(docker version --format '{{.Server.Version}}') ready; base image debian:bookworm-slim present;"\
  "docker-registry and htpasswd installed"
