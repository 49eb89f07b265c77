#!/usr/bin/python3
"""tools/studio bench enhance: 12 MP through our enhancer (native 1 and 2 threads, WASM 1
thread and 2 threads under Node) and through the OpenCV reference pipeline, in one run.

The image: Kodak's kodim05 enlarged to 4242x2828 (12.0 MP, bicubic) and darkened with the
evaluation harness's degradation (seeded). Our timings come from tests/bench/bench_enhance.c
(studio_enhance alone, decoded image in memory, median of N runs); OpenCV's from the same
steps in Python (cv2 uses both cores)."""
import os
import re
import subprocess
import sys
import time

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import lowlight  # noqa: E402

BUILD = os.environ.get("ES_BUILD", os.path.join(ROOT, "build"))
SHARED = os.environ.get("ES_SHARED", os.path.join(ROOT, "..", "shared"))


def image():
    path = os.path.join(BUILD, "bench", "kodim05-12mp-low.png")
    if not os.path.exists(path):
        src = os.path.join(SHARED, "datasets", "kodak", "kodim05.png")
        if not os.path.exists(src):
            sys.exit(f"bench: {src} not found (../shared is absent)")
        big = cv2.resize(cv2.imread(src), (4242, 2828), interpolation=cv2.INTER_CUBIC)
        low, _ = lowlight.degrade(big[:, :, ::-1], np.random.default_rng([2016, 5]))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        cv2.imwrite(path, low[:, :, ::-1].copy())
    return path


def ours(cmd, label):
    out = subprocess.run(cmd, capture_output=True, text=True)
    m = re.search(r"median (\d+) ms.*?peak memory (\d+) MB", out.stdout)
    if out.returncode or not m:
        print(f"  {label}: failed: {out.stderr.strip() or out.stdout.strip()}")
        return None
    return float(m.group(1)) / 1000, int(m.group(2))


def main():
    path = image()
    mp = 4242 * 2828 / 1e6
    node = ["node", "--no-experimental-fetch"]
    runs = [
        ("native, 1 thread", [os.path.join(BUILD, "native", "bench_enhance"), path, "7", "1"]),
        ("native, 2 threads", [os.path.join(BUILD, "native", "bench_enhance"), path, "7", "2"]),
        ("WASM SIMD, 1 thread", node + [os.path.join(BUILD, "wasm-st", "bench_enhance.js"), path, "5", "1"]),
        ("WASM SIMD, 2 threads", node + [os.path.join(BUILD, "wasm-mt", "bench_enhance.js"), path, "5", "2"]),
    ]
    results = [(label, ours(cmd, label)) for label, cmd in runs]
    bgr = cv2.imread(path)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        lowlight.reference(bgr)
        times.append(time.perf_counter() - t0)
    ref = float(np.median(times))
    print(f"Enhance, 12 MP ({path}), medians:")
    print(f"  {'':28s} {'time':>8s} {'MP/s':>7s} {'peak MB':>8s} {'vs OpenCV':>10s}")
    for label, r in results:
        if r:
            t, mem = r
            print(f"  {'ours, ' + label:28s} {t:7.3f}s {mp / t:7.1f} {mem:8d} {ref / t:9.1f}x")
    print(f"  {'OpenCV reference (2 cores)':28s} {ref:7.3f}s {mp / ref:7.1f} {'':>8s} {1.0:9.1f}x")
    native1 = results[0][1]
    if native1 and results[2][1]:
        print(f"  WASM 1 thread / native 1 thread: {results[2][1][0] / native1[0]:.2f}x")


if __name__ == "__main__":
    main()
