#!/usr/bin/env bash
# System packages the tests need: Debian's Chromium (browser tests, driven by playwright-core)
# and Mesa 25's Vulkan drivers from bookworm-backports (lavapipe: ONNX Runtime's WebGPU EP runs
# on it, so the GPU code path is tested without a GPU). Mesa 22 from bookworm lacks a feature Dawn needs.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

mesa_ok() {
  local v
  v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null) || return 1
  dpkg --compare-versions "$v" ge 25
}

if command -v chromium >/dev/null 2>&1 && mesa_ok; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
src=/etc/apt/sources.list.d/diffgraph-backports.sources
if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' | $SUDO tee "$src" >/dev/null
fi
$SUDO apt-get update -q
$SUDO apt-get install -y -q chromium redis-server
$SUDO apt-get install -y -q -t bookworm-backports mesa-vulkan-drivers
