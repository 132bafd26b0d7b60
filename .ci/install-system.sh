#!/usr/bin/env bash
# System packages the tests need: Debian's Chromium (browser tests, driven by playwright-core),
# Mesa 25's Vulkan drivers from bookworm-backports (lavapipe: ONNX Runtime's WebGPU EP runs on it,
# so the GPU code path is tested without a GPU; Mesa 22 from bookworm lacks a feature Dawn needs),
# redis-server and openssl (render-farm tests, TLS included), and Python with python3-websocket
# (the ComfyUI client test drives `diffgraph serve` as ComfyUI's own script examples do).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

mesa_ok() {
  local v
  v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null) || return 1
  dpkg --compare-versions "$v" ge 25
}

python_ok() {
  [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import websocket' >/dev/null 2>&1
}

if command -v chromium >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1 &&
  command -v openssl >/dev/null 2>&1 && python_ok && mesa_ok; then
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
$SUDO apt-get install -y -q chromium redis-server openssl python3 python3-websocket
$SUDO apt-get install -y -q -t bookworm-backports mesa-vulkan-drivers
