#!/usr/bin/python3
"""tools/studio bench png: PNG encoding of 12 MP photos, ours (src/image/png_write.c:
libpng's filter choice + libdeflate, in bands on the context's threads) natively and in WASM
(under Node), on 1 thread and on 2 (WASM: wasm-st and wasm-mt), against stb_image_write's own writer (the encoder before issue 10, compiled into the
benchmark program) and OpenCV's imencode (libpng + zlib) at levels 6 and 1, in one run.

The photos: the enhance benchmark's 12 MP low-light photo (kodim05 enlarged to 4242x2828 and
darkened) after `studio-cli enhance`, i.e. a real result the app saves; and kodim23 enlarged
to 4000x3000 (bicubic), smooth, which is where a weaker deflate shows most against libpng.
Times are medians of wall time, and natively of CPU time too, which is steadier on a shared
machine (tests/bench/bench_png.c: encoding alone, image in memory; OpenCV the same in Python).
The targets are judged on the 2-thread rows, as the app runs with its pool: on wall time
(CPU time sums the threads), 1-thread rows natively on CPU time. Every output of ours is
decoded again and compared exactly.
`bench_png.py FILE...` measures other photos instead."""
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
from machine import cpu  # noqa: E402
import bench_enhance  # noqa: E402  (its 12 MP low-light photo)

BUILD = os.environ.get("ES_BUILD", os.path.join(ROOT, "build"))
SHARED = os.environ.get("ES_SHARED", os.path.join(ROOT, "..", "shared"))
NODE = ["node", "--no-experimental-fetch"]
RUNS, STB_RUNS, CV_RUNS = 5, 3, 3
LEVELS = [1, 2, 3, 4, 5, 6]  # the native sweep behind ES_PNG_LEVEL, first photo only
# The targets: >= 4x faster than stb's writer, no larger than libpng level 6 + 3%.
TARGET_SPEEDUP, TARGET_SIZE = 4.0, 1.03


def photos():
    enhanced = os.path.join(BUILD, "bench", "kodim05-12mp-enhanced.png")
    if not os.path.exists(enhanced):
        cli = os.path.join(BUILD, "native", "studio-cli")
        out = subprocess.run([cli, "enhance", bench_enhance.image(), enhanced], capture_output=True, text=True)
        if out.returncode:
            sys.exit(f"bench: enhancing the 12 MP photo failed: {out.stderr.strip()}")
    smooth = os.path.join(BUILD, "bench", "kodim23-12mp.png")
    if not os.path.exists(smooth):
        src = os.path.join(SHARED, "datasets", "kodak", "kodim23.png")
        if not os.path.exists(src):
            sys.exit(f"bench: {src} not found (../shared is absent)")
        cv2.imwrite(smooth, cv2.resize(cv2.imread(src), (4000, 3000), interpolation=cv2.INTER_CUBIC))
    return [enhanced, smooth]


LINE = re.compile(r"png (stb|level (\d+)( \(default\))?): \S+ \(\S+ MP\) threads \d+: median (\d+) ms.*?, cpu (-?\d+) ms, (\d+) bytes, "
                  r"round trip (\w+)")


def ours(cmd):
    """{'stb' | level: (wall s, CPU s or None, bytes)} from one bench_png run; the default level also as 'default'."""
    out = subprocess.run(cmd, capture_output=True, text=True)
    found = {}
    for m in LINE.finditer(out.stdout):
        if m.group(7) != "exact":
            sys.exit(f"bench: {' '.join(cmd)}: the PNG did not decode to the same pixels")
        cpu_ms = int(m.group(5))
        r = (int(m.group(4)) / 1000, cpu_ms / 1000 if cpu_ms >= 0 else None, int(m.group(6)))
        found["stb" if m.group(1) == "stb" else int(m.group(2))] = r
        if m.group(3):
            found["default"] = r
    if out.returncode or not found:
        why = (out.stderr.strip() or out.stdout.strip() or f"exit {out.returncode}").splitlines()[-1]
        print(f"  {' '.join(os.path.basename(c) for c in cmd[:3])}: failed: {why}")
    return found


def ours_at(prog, path, threads, what):
    """(wall s, CPU s or None, bytes) of `what` ('default' or 'stb') on that many threads, or None."""
    return ours(prog + [path, str(STB_RUNS if what == "stb" else RUNS), str(threads), what]).get(what)


def opencv(path, level):
    img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    ts, size = [], 0
    for _ in range(CV_RUNS):
        t0 = time.perf_counter()
        ok, buf = cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, level])
        ts.append(time.perf_counter() - t0)
        size = len(buf)
    return float(np.median(ts)), size


def main():
    paths = sys.argv[1:] or photos()
    native = [os.path.join(BUILD, "native", "bench_png")]
    wasm = NODE + [os.path.join(BUILD, "wasm-st", "bench_png.js")]
    wasm_mt = NODE + [os.path.join(BUILD, "wasm-mt", "bench_png.js")]
    load0 = os.getloadavg()[0]
    print("PNG encoding, medians of wall time and (native) CPU time; the machine is shared, so wall times are noisy")
    print(f"Machine: {cpu()}; load average {load0:.1f} at the start")
    for i, path in enumerate(paths):
        h, w = cv2.imread(path, cv2.IMREAD_UNCHANGED).shape[:2]
        # per build: ours on 1 and 2 threads, then stb's (one thread)
        rows = {"native": (ours_at(native, path, 1, "default"), ours_at(native, path, 2, "default"), ours_at(native, path, 1, "stb")),
                "WASM": (ours_at(wasm, path, 1, "default"), ours_at(wasm_mt, path, 2, "default"), ours_at(wasm, path, 1, "stb"))}
        cv6, cv1 = opencv(path, 6), opencv(path, 1)
        print(f"\n{path} ({w}x{h}, {w * h / 1e6:.1f} MP)")
        print(f"  {'':34s} {'time':>7s} {'CPU':>7s} {'MB':>6s} {'vs stb':>7s} {'(CPU)':>6s} {'size vs libpng 6':>17s}")
        for build, (one, two, stb) in rows.items():
            for r, name in ((one, f"ours, {build}, 1 thread"), (two, f"ours, {build}, 2 threads"), (stb, f"stb_image_write, {build} (before)")):
                if r:
                    t, c, size = r
                    speed = f"{stb[0] / t:6.1f}x" if stb else ""
                    cspeed = f"{stb[1] / c:5.1f}x" if stb and c else ""
                    cpu_s = f"{c:6.3f}s" if c else ""
                    print(f"  {name:34s} {t:6.3f}s {cpu_s:>7s} {size / 1e6:6.2f} {speed:>7s} {cspeed:>6s} {size / cv6[1]:16.3f}")
        for (t, size), name in ((cv6, "OpenCV imencode level 6 (zlib)"), (cv1, "OpenCV imencode level 1 (zlib)")):
            print(f"  {name:34s} {t:6.3f}s {'':>7s} {size / 1e6:6.2f} {'':>7s} {'':>6s} {size / cv6[1]:16.3f}")
        for build, (one, two, stb) in rows.items():
            for r, threads in ((two, 2), (one, 1)):
                if r and stb:
                    (t, c, size), (st, sc, _) = r, stb
                    # 1 thread natively: CPU times (steadier on a shared machine); else wall time
                    cpu_based = threads == 1 and c and sc
                    speed, rel = (sc / c if cpu_based else st / t), size / cv6[1]
                    ok = speed >= TARGET_SPEEDUP and rel <= TARGET_SIZE
                    verdict = ('met' if ok else 'NOT MET') if threads == 2 else 'for reference (judged on 2 threads)'
                    print(f"  {build}, {threads} thread{'s' if threads > 1 else ''}: {speed:.1f}x faster than before "
                          f"({'CPU' if cpu_based else 'wall'}; target >= {TARGET_SPEEDUP:g}x), "
                          f"{(rel - 1) * 100:+.1f}% against libpng level 6 (target <= +3%): {verdict}")
        if i == 0 and not sys.argv[1:]:
            sweep = ours(native + [path, "3", "1"] + [str(l) for l in LEVELS])
            print("  our libdeflate levels, native, 1 thread (median of 3):")
            for level in LEVELS:
                if level in sweep:
                    t, c, size = sweep[level]
                    print(f"    level {level}: {t:6.3f}s (CPU {c:6.3f}s) {size / 1e6:7.2f} MB {size / cv6[1]:7.3f} of libpng 6")
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
