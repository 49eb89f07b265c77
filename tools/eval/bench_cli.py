#!/usr/bin/env python3
"""bench_cli.py - what tools/studio adds to a command when the build is current: median of 5
runs of `info` on a Kodak photo (or a photo the benchmark writes, without ../shared) through
tools/studio and through the program it runs (the native binary; node tools/cli-wasm.mjs for
--wasm), and `tools/studio help` and `build` with nothing to do. Target: <= 0.1 s overhead."""
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from machine import cpu  # noqa: E402

BUILD = os.environ.get("ES_BUILD", os.path.join(ROOT, "build"))
SHARED = os.environ.get("ES_SHARED", os.path.join(ROOT, "..", "shared"))
RUNS, TARGET_S = 5, 0.1


def median_s(cmd):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=ROOT)  # warm the caches
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def photo():
    kodak = os.path.join(SHARED, "datasets", "kodak", "kodim01.png")
    if os.path.exists(kodak):
        return kodak
    path = os.path.join(BUILD, "bench", "cli-photo.png")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    import numpy as np, cv2  # only needed without ../shared
    cv2.imwrite(path, np.random.default_rng(1).integers(0, 256, (512, 768, 3), dtype=np.uint8))
    return path


def main():
    studio, img = os.path.join(ROOT, "tools", "studio"), photo()
    print(f"tools/studio overhead, medians of {RUNS} (build current)\nMachine: {cpu()}; photo {img}")
    rows = [("native", [studio, "info", img], [os.path.join(BUILD, "native", "studio-cli"), "info", img]),
            ("--wasm", [studio, "--wasm", "info", img], ["node", os.path.join(ROOT, "tools", "cli-wasm.mjs"), "info", img])]
    for label, ours, direct in rows:
        a, b = median_s(ours), median_s(direct)
        print(f"  info {label:7s} tools/studio {a * 1000:6.0f} ms   direct {b * 1000:6.0f} ms   overhead {(a - b) * 1000:5.0f} ms"
              f"   ({'met' if a - b <= TARGET_S else 'NOT MET'}: target <= {TARGET_S * 1000:.0f} ms)")
    print(f"  tools/studio help                {median_s([studio, 'help']) * 1000:6.0f} ms")
    print(f"  tools/studio build, nothing to do {median_s([studio, 'build']) * 1000:5.0f} ms")


if __name__ == "__main__":
    main()
