#!/usr/bin/env bash
# Fix toolkit (tests/fix): the real nft (the firewall fix's ruleset is checked with nft -c and
# loaded in network namespaces the tests create, with iproute2's ip netns), ssh-keygen (the
# sshd fix checks the administrator's key with it), dconf-cli (dconf compile), shellcheck
# (the generated macOS scripts) and util-linux (unshare, mount for the full-disk test).
# Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
command -v dconf >/dev/null 2>&1 || need+=(dconf-cli)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${need[@]}"
fi
