#!/usr/bin/python3
"""tools/studio bench colorize: the colorization network at 224 (also 256 and 512) natively and
in WASM on 1 and 2 threads, and OpenCV DNN on 1 and 2 threads on the same synthetic model, in
one run: f32 with Winograd F(4x4,3x3) on the 3x3 stride-1 layers (--conv auto) both ways,
its weights transformed at each run ("fly", WASM's default) and kept transformed ("stored",
the native default), alternating; the f16 model file on the fly (weights widened as they are
transformed: the page's default); XNNPACK's direct convolutions; int8 (XNNPACK's dynamically
quantized operators), each with the memory its weights and buffers take; then the whole
pipeline on a 12 MP image from the converted files the page loads, every mode, in rounds that
alternate the modes (medians of the end-to-end time and the re-read, and the peak memory).

`--layers` instead prints each layer's time at 224 with direct convolutions, F(2x2,3x3) and
F(4x4,3x3), natively and in WASM (one thread): the measurement es_eccv16_net_plan follows.

Needs no ../shared: OpenCV reads the network text our CLI prints (build/test-models/eccv16.prototxt,
written with the synthetic models by tools/studio test), and the 12 MP image is the one
`tools/studio bench enhance` makes from Kodak's kodim05 when present, else the generated photo
of tests/ref/scene.py enlarged the same way."""
import os
import re
import subprocess
import sys
import time

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "ref"))
from scene import scene_rgb  # noqa: E402
sys.path.insert(0, HERE)
from machine import cpu  # noqa: E402

BUILD = os.environ.get("ES_BUILD", os.path.join(ROOT, "build"))
MODEL = os.path.join(BUILD, "test-models", "synthetic-1.caffemodel")
PROTO = os.path.join(BUILD, "test-models", "eccv16.prototxt")  # `studio-cli convert --print-prototxt`
KODAK_BIG = os.path.join(BUILD, "bench", "kodim05-12mp-low.png")
NODE = ["node", "--no-experimental-fetch"]


def ours(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True)
    net = re.search(r"median (\d+) ms.*?, (\d+) MB of weights", out.stdout)
    pipe = re.search(r"pipeline .*?: (\d+) ms end to end, (\d+) ms re-read.*?, (\d+) ms edge-aware re-read, peak memory (\d+) MB", out.stdout)
    if out.returncode or not net:
        return None, None, out.stderr.strip()
    ours.mb = int(net.group(2))
    return float(net.group(1)) / 1000, (pipe and tuple(int(g) for g in pipe.groups())), ""


def opencv(size, threads, runs=5):
    cv2.setNumThreads(threads)
    net = cv2.dnn.readNetFromCaffe(PROTO, MODEL)
    x = (np.arange(size * size, dtype=np.float32).reshape(1, 1, size, size) * 7919 % 100) - 50
    net.setInput(x)
    net.forward()
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        net.setInput(x)
        net.forward()
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts))


def big_photo():
    """Kodak's 12 MP image if bench enhance made it, else the generated photo at the same size
    (bicubic from 768x512, as bench enhance enlarges kodim05)."""
    if os.path.exists(KODAK_BIG):
        return KODAK_BIG
    path = os.path.join(BUILD, "bench", "scene-12mp.png")
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        cv2.imwrite(path, cv2.resize(scene_rgb()[:, :, ::-1], (4242, 2828), interpolation=cv2.INTER_CUBIC))
    return path


def main():
    for need in (MODEL, PROTO):
        if not os.path.exists(need):
            sys.exit(f"bench: {need} missing: run tools/studio test once (it writes the synthetic models)")
    if sys.argv[1:] == ["--layers"]:
        return layers()
    conv = {}
    for prec in ("int8", "f16", "f32"):  # the model files the page loads (tensors carved from the file)
        conv[prec] = os.path.join(BUILD, "bench", f"synthetic-1-{prec}.bin")
        if not os.path.exists(conv[prec]):
            os.makedirs(os.path.dirname(conv[prec]), exist_ok=True)
            subprocess.run([os.path.join(BUILD, "native", "studio-cli"), "convert", MODEL, conv[prec], "--precision", prec], check=True, capture_output=True)
    print(f"Colorization network, synthetic weights; medians; {cpu()}")
    print("  f32 fly: Winograd, its weights transformed at each run, a block of output channels at a time (WASM's default);")
    print("  f32 stored: transformed weights kept (4x the weights; the native default); f16 fly: the f16 model file, its weights")
    print("  widened as they are transformed (the page's default); f32 direct: XNNPACK's convolutions throughout.")
    print("  f32 fly, f32 stored and f16 fly alternate, twice, at each size (the lower median of each is shown)")
    print(f"  {'':36s} {'224':>16s} {'256':>16s} {'512':>16s}  {'MB at 224':>9s}")
    rows = []
    configs = (("f32", "auto", "fly"), ("f32", "auto", "stored"), ("f16", "auto", "fly"), ("f32", "direct", ""), ("int8", "auto", ""))
    for label, base in (("native", [os.path.join(BUILD, "native", "bench_colorize")]),
                        ("WASM", NODE + [os.path.join(BUILD, "wasm-st", "bench_colorize.js")]),
                        ("WASM threads", NODE + [os.path.join(BUILD, "wasm-mt", "bench_colorize.js")])):
        for threads in ((1,) if label == "WASM" else (2,) if label == "WASM threads" else (1, 2)):
            cells = {c: [] for c in configs}
            mbs = {}
            for size in (224, 256, 512):
                runs = "3" if size == 512 else "5"
                best = {}
                for rnd in range(2):
                    for c in configs:
                        if rnd and c[2] == "":
                            continue  # the second round only for the Winograd pair and f16
                        prec, cv, keep = c
                        model = conv["f16"] if prec == "f16" else MODEL
                        t, _, err = ours(base + [model, str(size), runs, str(threads), "int8" if prec == "int8" else "f32", cv] + ([keep] if keep else []))
                        if t and (c not in best or t < best[c]):
                            best[c] = t
                        if t and size == 224 and c not in mbs:
                            mbs[c] = ours.mb
                for c in configs:
                    cells[c].append(best.get(c))
            for c in configs:
                prec, cv, keep = c
                name = f"{prec} direct" if cv == "direct" else f"{prec} {keep}" if keep else prec
                rows.append((f"ours {label} {name}, {threads} thread{'s' if threads > 1 else ''}", cells[c], mbs.get(c)))
            fly, stored = cells[configs[0]][0], cells[configs[1]][0]
            if fly and stored:
                rows.append((f"  ratio f32 fly / stored at 224, {label} {threads} thread{'s' if threads > 1 else ''}: {fly / stored:.2f}", None, None))
    for threads in (1, 2):
        rows.append((f"OpenCV DNN, {threads} thread{'s' if threads > 1 else ''}", [opencv(s, threads, 3 if s == 512 else 5) for s in (224, 256, 512)], None))
    ref = {t: rows[-2 + t - 1][1][0] for t in (1, 2)}
    for label, cells, mb in rows:
        if cells is None:
            print(f"  {label}")
            continue
        txt = []
        for size, t in zip((224, 256, 512), cells):
            g = 63.96 * (size / 224) ** 2
            txt.append(f"{t:6.3f}s {g / t:5.0f}GF" if t else f"{'failed':>14s}")
        threads = 2 if "2 threads" in label else 1
        print(f"  {label:36s} {' '.join(f'{c:>16s}' for c in txt)}  {mb or '':>9}   ratio {cells[0] / ref[threads]:.2f} to OpenCV at 224" if cells[0] else f"  {label}: failed")
    big = big_photo()
    print(f"Whole pipeline on 12 MP ({os.path.basename(big)}), decoded image in, image out, from the converted model files the page loads"
          " (the model takes the file's buffer over, as the page's worker does; the first call runs the network, a re-read only the"
          " readout and colour); 3 rounds alternating the modes, medians; peak memory: the process's high-water mark natively,"
          " the WASM heap's size:")
    native = [os.path.join(BUILD, "native", "bench_colorize")]
    mt = NODE + [os.path.join(BUILD, "wasm-mt", "bench_colorize.js")]
    modes = (("native f16 fly (page default)", native, "f16", ["fly"]),
             ("native f32 fly", native, "f32", ["fly"]),
             ("native f32 stored", native, "f32", ["stored"]),
             ("native int8", native, "int8", []),
             ("WASM f16 fly (page default)", mt, "f16", ["fly"]),
             ("WASM f32 fly", mt, "f32", ["fly"]),
             ("WASM f32 stored", mt, "f32", ["stored"]),
             ("WASM f32 direct", mt, "f32", ["direct"]),
             ("WASM int8", mt, "int8", []))
    got = {m[0]: [] for m in modes}
    errs = {}
    for _ in range(3):
        for label, base, prec, extra in modes:
            _, pipe, err = ours(base + [conv[prec], "224", "1", "2", "int8" if prec == "int8" else "f32"] + extra + [big])
            if pipe:
                got[label].append(pipe)
            else:
                errs[label] = err
    for label, *_ in modes:
        p = got[label]
        if not p:
            print(f"  {label}, 2 threads: failed {errs.get(label, '')}")
            continue
        med = [float(np.median([x[i] for x in p])) / 1000 for i in range(3)]
        print(f"  {label + ', 2 threads':38s} {med[0]:6.2f} s end to end, re-read {med[1]:5.2f} s bilinear / {med[2]:5.2f} s edge-aware,"
              f" peak memory {max(x[3] for x in p)} MB")


def layers():
    """Each layer's median at 224, one thread: direct, F(2x2,3x3) and F(4x4,3x3) everywhere."""
    table = {}
    for label, base in (("native", [os.path.join(BUILD, "native", "bench_colorize")]),
                        ("WASM", NODE + [os.path.join(BUILD, "wasm-st", "bench_colorize.js")])):
        for conv in ("direct", "f2", "f4"):
            out = subprocess.run(base[:-1] + [base[-1], "--layers", MODEL, "224", "5", "1", "f32", conv], capture_output=True, text=True).stdout
            for name, ms in re.findall(r"^  (\S+)\s+([\d.]+) ms", out, re.M):
                table.setdefault(name, {})[(label, conv)] = float(ms)
    print(f"Per layer at 224, one thread, medians of 5 (ms); {cpu()}")
    cols = [(l, c) for l in ("native", "WASM") for c in ("direct", "f2", "f4")]
    print(f"  {'':12s} " + " ".join(f"{l + ' ' + c:>12s}" for l, c in cols))
    for name, cells in table.items():
        if any(cells.get(c, 0) >= 1 for c in cols):
            print(f"  {name:12s} " + " ".join(f"{cells.get(c, 0):12.1f}" for c in cols))


if __name__ == "__main__":
    main()
