#!/usr/bin/env bash
# The QR decoder bench, from scratch: zxing-cpp and zbar in a Python venv, the
# release bench binary, a deterministic frame set, every decoder on the same
# frames in one run, and the table (also written as JSON).
#
#   scripts/qr-bench/run.sh                 # ours vs zxing-cpp vs zbar
#   CANDIDATES=1 scripts/qr-bench/run.sh    # also rxing, rqrr, quircs, bardecoder
#                                           # and the zxing-cpp crate alone
# Environment: OUT (default target/qr-bench), PER_CLASS (36), SEED, EC (M),
# CARGO_TARGET_DIR (default target).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
target=${CARGO_TARGET_DIR:-$root/target}
out=${OUT:-$root/target/qr-bench}
per_class=${PER_CLASS:-36}
seed=${SEED:-20240601}
ec=${EC:-M}

# System packages: cmake and g++ build zxing-cpp (the crate), libzbar0 is zbar.
need=()
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v g++ >/dev/null 2>&1 || need+=(g++)
ldconfig -p 2>/dev/null | grep -q 'libzbar\.so\.0' || need+=(libzbar0)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "qr-bench: installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
  else
    echo "qr-bench: missing ${need[*]} (install them, or run as root where apt-get exists)" >&2
    exit 1
  fi
fi

venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -c 'import zxingcpp, pyzbar.pyzbar, PIL, numpy' >/dev/null 2>&1 \
  || "$venv/bin/pip" install -q zxing-cpp pyzbar pillow numpy

features=bench
decoders=ours,ours-bytes
if [ -n "${CANDIDATES:-}" ]; then
  features=candidates
  decoders=$decoders,zxing-cpp-rs,rxing,rqrr,quircs,bardecoder
fi
CARGO_TARGET_DIR="$target" cargo build --release -q -p huiji-qr --features "$features" --bin huiji-qr-bench
bench="$target/release/huiji-qr-bench"

rm -rf "$out/frames"
"$bench" generate --out "$out/frames" --per-class "$per_class" --seed "$seed" --ec "$ec"
# One decoder at a time (the machine may have two cores): ours, then the peers.
"$bench" decode --frames "$out/frames" --out "$out/rust.json" --decoders "$decoders"
"$venv/bin/python" "$here/decode.py" "$out/frames" "$out/python.json" zxing-cpp,zbar
echo
"$bench" report --frames "$out/frames" --out "$out/table.json" "$out/rust.json" "$out/python.json"
echo
echo "qr-bench: frames and manifest in $out/frames, table in $out/table.json"
