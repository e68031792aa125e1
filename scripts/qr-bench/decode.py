#!/usr/bin/env python3
"""Decodes the bench frames with zxing-cpp and zbar, timing the decode alone.

Usage: decode.py FRAMES_DIR OUT.json [zxing-cpp,zbar]

Each frame is loaded with Pillow and converted to 8-bit grayscale ("L",
ITU-R 601-2, the same conversion huiji-qr-bench uses for its in-process
decoders) before the clock starts; only the decoder call is timed, with
time.perf_counter. Both decoders look for QR codes only. Writes the
huiji-qr-bench result schema: [{decoder, basis, results: [{file, ok, ms}]}].
"""
import json
import os
import sys
import time

import numpy as np
from PIL import Image


def load(path):
    with Image.open(path) as im:
        return np.ascontiguousarray(np.asarray(im.convert("L")))


def zxing_decoder():
    import zxingcpp

    fmt = zxingcpp.BarcodeFormat.QRCode

    def run(gray):
        return [r.text for r in zxingcpp.read_barcodes(gray, formats=fmt)]

    from importlib.metadata import version

    return run, f"zxing-cpp {version('zxing-cpp')}"


def zbar_decoder():
    from pyzbar import pyzbar
    from pyzbar.pyzbar import ZBarSymbol

    def run(gray):
        h, w = gray.shape
        found = pyzbar.decode((gray.tobytes(), w, h), symbols=[ZBarSymbol.QRCODE])
        return [r.data.decode("utf-8", "replace") for r in found]

    from importlib.metadata import version

    return run, f"zbar (pyzbar {version('pyzbar')})"


def main():
    frames_dir, out = sys.argv[1], sys.argv[2]
    names = (sys.argv[3] if len(sys.argv) > 3 else "zxing-cpp,zbar").split(",")
    with open(os.path.join(frames_dir, "manifest.json")) as f:
        manifest = json.load(f)
    images = {fr["file"]: load(os.path.join(frames_dir, fr["file"])) for fr in manifest["frames"]}
    runs = []
    for name in names:
        run, label = {"zxing-cpp": zxing_decoder, "zbar": zbar_decoder}[name]()
        run(next(iter(images.values())))  # warm-up: lazy initialisation is not decoding
        results = []
        for fr in manifest["frames"]:
            gray = images[fr["file"]]
            t0 = time.perf_counter()
            texts = run(gray)
            ms = (time.perf_counter() - t0) * 1000.0
            results.append({"file": fr["file"], "ok": fr["payload"] in texts, "ms": ms})
        ok = sum(r["ok"] for r in results)
        print(f"{label}: {ok}/{len(results)}", file=sys.stderr)
        runs.append({"decoder": name, "basis": "decoded 8-bit luma", "results": results})
    with open(out, "w") as f:
        json.dump(runs, f, indent=1)


if __name__ == "__main__":
    main()
