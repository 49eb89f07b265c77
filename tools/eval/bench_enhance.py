#!/usr/bin/python3
"""tools/studio bench enhance [--before-build DIR]: 12 MP through our enhancer (native 1 and 2
threads, WASM 1 thread and 2 threads under Node), before and after, and through the OpenCV
reference pipeline, in one run. `before` is this build with shadows 0 (one gain for the whole
photo, the enhancer before local exposure), or with --before-build the same benchmark built
from another commit (DIR holds native/bench_enhance, wasm-st/ and wasm-mt/bench_enhance.js:
for issue 23, `git worktree add /tmp/base COMMIT`, then in it `tools/studio build` and
`cmake --build build/TREE --target bench_enhance` for each tree, and DIR = /tmp/base/build).

The images: Kodak's kodim05 enlarged to 4242x2828 (12.0 MP, bicubic) and darkened with the
evaluation harness's uniform and uneven-light degradations (seeded). Our timings come from tests/bench/bench_enhance.c
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
import lowlight_peers  # noqa: E402
import lowlight_protocols  # noqa: E402

BUILD = os.environ.get("ES_BUILD", os.path.join(ROOT, "build"))
SHARED = os.environ.get("ES_SHARED", os.path.join(ROOT, "..", "shared"))


def kodak_12mp(name):
    """Kodak's NAME (e.g. "kodim05") enlarged to 4242x2828 (12.0 MP, bicubic), BGR as OpenCV
    reads it; the benchmarks' photos are drawn from it. Exits saying so when ../shared is absent."""
    src = os.path.join(SHARED, "datasets", "kodak", f"{name}.png")
    if not os.path.exists(src):
        sys.exit(f"bench: {src} not found (../shared is absent)")
    return cv2.resize(cv2.imread(src), (4242, 2828), interpolation=cv2.INTER_CUBIC)


def image(kind):
    """kodim05 enlarged to 12 MP and darkened: 'uniform' (one exposure) or 'backlit' (the
    uneven-light protocol, k_hi 0.5..1), so the local exposure stage has work to do."""
    path = os.path.join(BUILD, "bench", f"kodim05-12mp-{kind}.png")
    if not os.path.exists(path):
        big = kodak_12mp("kodim05")[:, :, ::-1]
        rng = np.random.default_rng([2016, 5])
        low = lowlight_protocols.degrade_uniform(big, rng)[0] if kind == "uniform" else lowlight_protocols.degrade_uneven(big, rng, (0.5, 1.0))[0]
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


def builds(root):
    node = ["node", "--no-experimental-fetch"]
    return [
        ("native, 1 thread", [os.path.join(root, "native", "bench_enhance")], "7", "1"),
        ("native, 2 threads", [os.path.join(root, "native", "bench_enhance")], "7", "2"),
        ("WASM SIMD, 1 thread", node + [os.path.join(root, "wasm-st", "bench_enhance.js")], "5", "1"),
        ("WASM SIMD, 2 threads", node + [os.path.join(root, "wasm-mt", "bench_enhance.js")], "5", "2"),
    ]


def main():
    before_build = None
    if sys.argv[1:2] == ["--before-build"] and len(sys.argv) > 2:
        before_build = os.path.abspath(sys.argv[2])
    elif sys.argv[1:]:
        sys.exit("usage: tools/studio bench enhance [--before-build DIR]")
    print("before: " + (f"the benchmark built in {before_build}, defaults" if before_build else "this build, shadows 0"))
    # before and after in this run, on the same machine, alternating per build
    for kind in ("uniform", "backlit"):
        path = image(kind)
        rows = []
        for (label, cmd, n, th), (_, bcmd, _, _) in zip(builds(BUILD), builds(before_build or BUILD)):
            b = ours(bcmd + [path, n, th] + ([] if before_build else ["shadows=0"]), label)
            rows.append((label, b, ours(cmd + [path, n, th], label)))
        bgr = cv2.imread(path)
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            lowlight_peers.seed_style(bgr)
            times.append(time.perf_counter() - t0)
        ref = float(np.median(times))
        print(f"Enhance, 12 MP {kind} ({path}), medians:")
        print(f"  {'':28s} {'before':>8s} {'after':>8s} {'after/before':>12s} {'MB before':>9s} {'MB after':>9s} {'after vs OpenCV':>15s}")
        for label, b, a in rows:
            if b and a:
                print(f"  {'ours, ' + label:28s} {b[0]:7.3f}s {a[0]:7.3f}s {a[0] / b[0]:11.2f}x {b[1]:9d} {a[1]:9d} {ref / a[0]:14.1f}x")
        print(f"  {'OpenCV reference (2 cores)':28s} {ref:7.3f}s")
        if rows[0][2] and rows[2][2]:
            print(f"  WASM 1 thread / native 1 thread (after): {rows[2][2][0] / rows[0][2][0]:.2f}x")


if __name__ == "__main__":
    main()
