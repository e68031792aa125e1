#!/usr/bin/env bash
# Installs what building, running and testing Huiji needs on a fresh Debian/Ubuntu
# machine. Idempotent: it installs only what is missing.
set -euo pipefail

packages=(
  build-essential pkg-config curl ca-certificates file
  postgresql-client
  # Tauri 2 on Linux
  libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
  # end-to-end tests of the real app: WebKitWebDriver, a virtual display, CJK fonts
  webkit2gtk-driver xvfb xauth fonts-noto-cjk imagemagick poppler-utils poppler-data ghostscript
  # the public business-card page is checked in headless Chromium, as a visitor opens it
  chromium
  # crates/qr builds the zxing-cpp C++ library; its bench also runs zbar
  cmake g++ libzbar0 python3-venv
)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

need=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: installing the Rust toolchain with rustup"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js 20 or newer is needed for the UI build (found $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# The UI's npm packages, when the lockfile changed since the last install.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "setup: npm ci in ui/"
  (cd ui && npm ci --no-audit --no-fund)
fi
