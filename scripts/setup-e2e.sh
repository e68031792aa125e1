#!/usr/bin/env bash
# tauri-driver (the WebDriver bridge for Tauri apps) for the end-to-end tests.
set -euo pipefail
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "setup: cargo install tauri-driver"
  cargo install tauri-driver --locked
fi
