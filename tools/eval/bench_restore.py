#!/usr/bin/python3
"""tools/studio bench restore: 12 MP through the faded-print restorer (issue 25), native on 1
and 2 threads and WASM on 1 (wasm-st) and 2 threads (wasm-mt) under Node, in one run, at the
whole correction (strength 1) and at auto; the enhancer on the same photo beside it for peak
memory ("as the enhancer's").

The photo: Kodak's kodim14 enlarged to 4242x2828 (12.0 MP, bicubic) and faded by the eval's
dye-fade protocol (tools/eval/fade_protocol.py, seeded). Timings come from
tests/bench/bench_restore.c (studio_restore alone, the decoded photo in memory, median of N
runs); peak memory is the process's natively and the WASM heap under Node.
Targets: <= 0.3 s native on 1 thread, <= 0.6 s WASM on 2 threads."""
import os
import sys

import cv2

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import bench_enhance  # noqa: E402  (its runner and its builds table)
import fade_protocol  # noqa: E402
from machine import cpu  # noqa: E402

BUILD = os.environ.get("ES_BUILD", os.path.join(ROOT, "build"))
TARGETS = {"native, 1 thread": 0.3, "WASM SIMD, 2 threads": 0.6}


def image():
    path = os.path.join(BUILD, "bench", "kodim14-12mp-faded.png")
    if not os.path.exists(path):
        big = bench_enhance.kodak_12mp("kodim14")[:, :, ::-1]
        rng = fade_protocol.rng_for("kodim14.png", 2025)
        faded = fade_protocol.fade(big, fade_protocol.draw(rng), rng)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        cv2.imwrite(path, faded[:, :, ::-1].copy())
    return path


def main():
    path = image()
    print(f"machine: {cpu()}")
    print(f"Restore, 12 MP faded print ({path}), medians:")
    print(f"  {'':24s} {'strength 1':>10s} {'auto':>8s} {'target':>7s} {'MB':>5s} {'enhance MB':>10s}")
    for label, cmd, n, th in bench_enhance.builds(BUILD):
        restore = [c.replace("bench_enhance", "bench_restore") for c in cmd]
        full = bench_enhance.ours(restore + [path, n, th, "strength=1"], label)
        auto = bench_enhance.ours(restore + [path, n, th], label)
        enh = bench_enhance.ours(cmd + [path, "1", th], label)
        if full and auto:
            target = TARGETS.get(label)
            verdict = "" if target is None else f"<= {target:.1f}s" + (" met" if full[0] <= target else " MISSED")
            print(f"  {label:24s} {full[0]:9.3f}s {auto[0]:7.3f}s {verdict:>12s} {full[1]:5d} {enh[1] if enh else -1:10d}")


if __name__ == "__main__":
    main()
