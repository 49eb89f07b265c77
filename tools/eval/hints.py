#!/usr/bin/python3
"""tools/studio eval hints [DIR]: how well do colour hints alone (no model) colour a photo?

The protocol of Zhang et al. 2017 ("Real-Time User-Guided Image Colorization"), on every image of
DIR (default: $ES_SHARED/datasets/kodak):
  - resized so that its short side is 256 (OpenCV INTER_AREA, 8-bit): "the original";
  - turned grey: OpenCV float Lab of the original, a = b = 0, back to sRGB, rounded to 8 bits,
    saved as an RGB PNG: the input of both methods;
  - one seeded list of 200 points per image (numpy default_rng(seed + image index), seed 2017):
    half-size r uniform in 0..4, then centres x, y uniform over the pixels; hint colour = (L at
    the centre, mean ab of the original over the (2r+1)^2 square clipped at the borders) in 8-bit
    sRGB; for N in {0, 1, 2, 5, 10, 20, 50, 100, 200} the first N points are revealed, as a
    hints file {"width", "height", "points": [{"x", "y", "r", "rgb"}]};
  - score: PSNR of the 8-bit RGB result against the original, mean over the images.
Ours: `studio-cli colorize GREY OUT --hints H.json [--ours-args]` ($ES_BUILD/native/studio-cli),
no model. The peer: the exact Levin et al. 2004 solution (tools/eval/levin.py) on the same input
and hints files, cached under $ES_BUILD/eval-hints/levin-cache keyed by levin.py's hash and the
inputs. N = 0 for the peer is the grey input (nothing to propagate); ours is run anyway and
checked against the grey input. The issue's target: ours >= Levin - 0.2 dB at every N.
Written to $ES_BUILD/eval-hints: inputs/, ours/, results.csv, contact-N10.png (grey with the
hints drawn | ours | Levin | original, first 4 images at N = 10).
"""
import os

import one_thread  # noqa: F401  (before numpy: one BLAS thread per process)

import argparse
import csv
import hashlib
import json
import multiprocessing
import shlex
import shutil
import subprocess
import sys
import time

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("ES_SHARED", os.path.join(ROOT, "..", "shared"))
BUILD = os.environ.get("ES_BUILD", os.path.join(ROOT, "build"))
sys.path.insert(0, HERE)
import levin  # noqa: E402  (after the thread settings above)

NS = (0, 1, 2, 5, 10, 20, 50, 100, 200)
# the figures the issue quotes for an exact Levin reference on Kodak
ISSUE_LEVIN = {0: 22.5, 1: 24.1, 10: 25.8, 50: 27.6, 200: 29.8}
SHEET_N = 10


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 99.0 if mse == 0 else float(10 * np.log10(255.0 ** 2 / mse))


def prepare(path, seed):
    """One image -> (original RGB8, grey RGB8, the list of max(NS) hint points)."""
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    if bgr is None:
        sys.exit(f"eval: cannot read {path}")
    h, w = bgr.shape[:2]
    s = 256.0 / min(h, w)
    size = (256, round(h * s)) if w <= h else (round(w * s), 256)
    orig = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)[..., ::-1].copy()
    h, w = orig.shape[:2]
    lab = levin.rgb8_to_lab(orig)
    grey_lab = lab.copy()
    grey_lab[..., 1:] = 0
    grey = levin.lab_to_rgb8(grey_lab)
    rng = np.random.default_rng(seed)
    k = max(NS)
    rs, xs, ys = rng.integers(0, 5, k), rng.integers(0, w, k), rng.integers(0, h, k)
    points = []
    for r, x, y in zip(rs.tolist(), xs.tolist(), ys.tolist()):
        ab = lab[max(0, y - r):y + r + 1, max(0, x - r):x + r + 1, 1:].reshape(-1, 2).mean(0)
        rgb = levin.lab_to_rgb8(np.array([[[lab[y, x, 0], ab[0], ab[1]]]], np.float32))[0, 0]
        points.append({"x": x, "y": y, "r": r, "rgb": [int(c) for c in rgb]})
    return orig, grey, points


def write_png(path, rgb):
    cv2.imwrite(path, np.ascontiguousarray(rgb[..., ::-1]))


def read_rgb(path):
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    return None if bgr is None else bgr[..., ::-1]


def hints_json(w, h, points):
    return json.dumps({"width": w, "height": h, "points": points}, separators=(",", ":"))


def run_ours(cli, grey_path, hints_path, out_path, extra):
    """(seconds, error or None): one CLI call, wall clock including process start and PNG I/O."""
    if os.path.exists(out_path):
        os.remove(out_path)
    t0 = time.perf_counter()
    p = subprocess.run([cli, "colorize", grey_path, out_path, "--hints", hints_path, *extra],
                       capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if p.returncode != 0 or not os.path.exists(out_path):
        msg = (p.stderr.strip() or p.stdout.strip() or f"exit status {p.returncode}").splitlines()
        return dt, (msg[-1] if msg else f"exit status {p.returncode}")
    return dt, None


def probe_ours(cli, tmp):
    """None if the CLI colours a tiny grey image from one hint, else why not."""
    if not os.path.exists(cli):
        return f"{cli} not built"
    os.makedirs(tmp, exist_ok=True)
    grey, hints, out = (os.path.join(tmp, n) for n in ("probe.png", "probe.json", "probe-out.png"))
    write_png(grey, np.full((8, 8, 3), 128, np.uint8))
    with open(hints, "w") as f:
        f.write(hints_json(8, 8, [{"x": 3, "y": 3, "r": 1, "rgb": [200, 60, 40]}]))
    _, err = run_ours(cli, grey, hints, out, [])
    return err and f"{os.path.relpath(cli, ROOT)} colorize --hints fails: {err}"


def levin_task(task):
    """Worker: one peer result, written to the cache; returns (cache png, seconds)."""
    grey_path, points, png = task
    t0 = time.perf_counter()
    out = levin.colorize_rgb8(read_rgb(grey_path), points)
    dt = time.perf_counter() - t0
    write_png(png + ".tmp.png", out)
    os.replace(png + ".tmp.png", png)
    with open(png[:-4] + ".json", "w") as f:
        json.dump({"seconds": dt}, f)
    return png, dt


def run_levin(jobs_list, cache_root, jobs):
    """jobs_list: (grey path, hints text, points) per (image, N). Returns [(rgb, seconds, cached)]."""
    with open(os.path.join(HERE, "levin.py"), "rb") as f:
        script = hashlib.sha256(f.read()).hexdigest()[:16]
    cache = os.path.join(cache_root, script)
    os.makedirs(cache, exist_ok=True)
    for old in os.listdir(cache_root):  # results of older versions of the peer are stale
        if old != script:
            shutil.rmtree(os.path.join(cache_root, old), ignore_errors=True)
    pngs, todo = [], []
    for grey_path, text, points in jobs_list:
        with open(grey_path, "rb") as f:
            key = hashlib.sha256(f.read() + text.encode()).hexdigest()[:24]
        png = os.path.join(cache, key + ".png")
        pngs.append(png)
        if not os.path.exists(png) or not os.path.exists(png[:-4] + ".json"):
            todo.append((grey_path, points, png))
    if todo:
        print(f"Levin reference: solving {len(todo)} of {len(pngs)} cases on {jobs} process(es) "
              f"(cached: {len(pngs) - len(todo)})...", flush=True)
        t0 = time.perf_counter()
        if jobs > 1:
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                for i, _ in enumerate(pool.imap_unordered(levin_task, todo, chunksize=1)):
                    if (i + 1) % 24 == 0:
                        print(f"  {i + 1}/{len(todo)}", flush=True)
        else:
            for t in todo:
                levin_task(t)
        print(f"  done in {time.perf_counter() - t0:.0f} s", flush=True)
    fresh = {t[2] for t in todo}
    results = []
    for png in pngs:
        with open(png[:-4] + ".json") as f:
            results.append((read_rgb(png), json.load(f)["seconds"], png not in fresh))
    return results


def draw_hints(grey, points):
    """Hints as squares in their colour (at least 5x5 so a 1-pixel hint shows), black and white
    outlines so they read on any grey."""
    img = np.ascontiguousarray(grey.copy())
    for p in points:
        x, y, r = p["x"], p["y"], max(p["r"], 2)
        c = tuple(int(v) for v in p["rgb"])
        cv2.rectangle(img, (x - r - 2, y - r - 2), (x + r + 2, y + r + 2), (255, 255, 255), 1)
        cv2.rectangle(img, (x - r - 1, y - r - 1), (x + r + 1, y + r + 1), (0, 0, 0), 1)
        cv2.rectangle(img, (x - r, y - r), (x + r, y + r), c, -1)
    return img


def contact_sheet(rows, path):
    """rows: [grey with hints, ours (or None), Levin, original] RGB images at their own size ->
    one PNG, each image in a cell as wide as the widest, under a header naming the columns."""
    names = ("grey + hints", "ours", "Levin 2004 (exact)", "original")
    cw, gap, bg = max(im.shape[1] for ims in rows for im in ims if im is not None), 4, 32
    strips = []
    for ims in rows:
        h, w = ims[0].shape[:2]
        cells = []
        for im in ims:
            if im is None:
                im = np.full_like(ims[0], 48)
                cv2.putText(im, "n/a", (10, 40), cv2.FONT_HERSHEY_SIMPLEX, 1, (200, 200, 200), 2)
            cells.append(np.pad(im, ((0, gap), (0, cw - w + gap), (0, 0)), constant_values=bg))
        strips.append(np.hstack(cells))
    head = np.full((28, strips[0].shape[1], 3), bg, np.uint8)
    for k, name in enumerate(names):
        cv2.putText(head, name, (k * (cw + gap) + 6, 20), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (230, 230, 230), 1, cv2.LINE_AA)
    write_png(path, np.vstack([head, *strips]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", nargs="?", default=os.path.join(SHARED, "datasets", "kodak"))
    ap.add_argument("--limit", type=int, default=0, help="only the first K images (sorted by name)")
    ap.add_argument("--ours-args", default="", help='extra studio-cli colorize options, e.g. "--work-size 0.5"')
    ap.add_argument("--cli", default=os.path.join(BUILD, "native", "studio-cli"))
    ap.add_argument("--out", default=os.path.join(BUILD, "eval-hints"))
    ap.add_argument("--seed", type=int, default=2017, help="image i (0-based) uses seed + i (2017)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="processes for the reference (2)")
    argv = sys.argv[1:]
    for i, a in enumerate(argv[:-1]):  # so that --ours-args "--flag" is not taken for an option
        if a == "--ours-args":
            argv[i:i + 2] = [f"--ours-args={argv[i + 1]}"]
            break
    args = ap.parse_args(argv)
    if not os.path.isdir(args.dir):
        sys.exit(f"eval: {args.dir} not found")
    files = sorted(f for f in os.listdir(args.dir) if f.lower().endswith((".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")))
    if args.limit:
        files = files[: args.limit]
    if not files:
        sys.exit(f"eval: no images in {args.dir}")
    extra = shlex.split(args.ours_args)
    inputs, ours_dir = os.path.join(args.out, "inputs"), os.path.join(args.out, "ours")
    os.makedirs(inputs, exist_ok=True)
    os.makedirs(ours_dir, exist_ok=True)

    # the inputs: grey photos and one hints file per (image, N)
    images = []
    for i, f in enumerate(files):
        orig, grey, points = prepare(os.path.join(args.dir, f), args.seed + i)
        stem = os.path.splitext(f)[0]
        grey_path = os.path.join(inputs, stem + ".png")
        write_png(grey_path, grey)
        hints = {}
        for n in NS:
            text = hints_json(grey.shape[1], grey.shape[0], points[:n])
            hp = os.path.join(inputs, f"{stem}-N{n}.json")
            with open(hp, "w") as fh:
                fh.write(text)
            hints[n] = (hp, text)
        images.append({"name": stem, "orig": orig, "grey": grey, "grey_path": grey_path, "points": points, "hints": hints})

    # the peer (N = 0 is the grey input itself)
    cases = [(im, n) for im in images for n in NS if n > 0]
    ref = run_levin([(im["grey_path"], im["hints"][n][1], im["points"][:n]) for im, n in cases],
                    os.path.join(args.out, "levin-cache"), max(1, args.jobs))
    for (im, n), (rgb, dt, cached) in zip(cases, ref):
        im.setdefault("levin", {})[n] = (rgb, dt, cached)

    # ours, one call per case, after the peer so its timings have the machine to themselves
    why_not = probe_ours(args.cli, os.path.join(args.out, "probe"))
    if why_not:
        print(f"ours: skipped ({why_not})")
    else:
        print(f"ours: {os.path.relpath(args.cli, ROOT)} colorize --hints {' '.join(extra)} ({len(images) * len(NS)} calls)...", flush=True)
    errors = {}
    for im in images:
        im["ours"] = {}
        for n in NS:
            if why_not:
                im["ours"][n] = (None, float("nan"), why_not)
                continue
            out = os.path.join(ours_dir, f"{im['name']}-N{n}.png")
            dt, err = run_ours(args.cli, im["grey_path"], im["hints"][n][0], out, extra)
            rgb = None if err else read_rgb(out)
            if rgb is not None and rgb.shape != im["orig"].shape:
                err, rgb = f"output is {rgb.shape[1]}x{rgb.shape[0]}, input {im['orig'].shape[1]}x{im['orig'].shape[0]}", None
            im["ours"][n] = (rgb, dt, err)
            if err:
                errors.setdefault(n, []).append(f"{im['name']}: {err}")

    # scores
    rows = []
    for im in images:
        for n in NS:
            grey_psnr = psnr(im["grey"], im["orig"])
            rgb, t_ours, _ = im["ours"][n]
            lv = im["levin"].get(n)
            rows.append({"image": im["name"], "N": n, "psnr_grey": round(grey_psnr, 3),
                         "psnr_ours": round(psnr(rgb, im["orig"]), 3) if rgb is not None else float("nan"),
                         "psnr_levin": round(psnr(lv[0], im["orig"]), 3) if lv else round(grey_psnr, 3),
                         "time_ours_s": round(t_ours, 4), "time_levin_s": round(lv[1], 4) if lv else 0.0})
    with open(os.path.join(args.out, "results.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)

    def mean(key, n):
        v = [r[key] for r in rows if r["N"] == n]
        return float("nan") if any(np.isnan(v)) else float(np.mean(v))

    print(f"\nColour hints, no model: {os.path.abspath(args.dir)} ({len(images)} images, short side 256, "
          f"seed {args.seed}){'  ours-args: ' + args.ours_args if args.ours_args else ''}")
    print("  mean PSNR (dB) of 8-bit RGB against the original; target ours >= Levin - 0.2")
    print(f"  {'N':>4s} {'ours':>7s} {'Levin':>7s} {'ours-Levin':>11s} {'grey':>7s} {'issue':>7s}  target")
    for n in NS:
        o, lv, g = mean("psnr_ours", n), mean("psnr_levin", n), mean("psnr_grey", n)
        ok = "" if np.isnan(o) else ("ok" if o >= lv - 0.2 else "MISS")
        iss = f"{ISSUE_LEVIN[n]:7.1f}" if n in ISSUE_LEVIN else f"{'':7s}"
        na = np.isnan(o)
        print(f"  {n:4d} {'n/a' if na else f'{o:.2f}':>7s} {lv:7.2f} {'n/a' if na else f'{o - lv:+.2f}':>11s} {g:7.2f} {iss}  {ok}")
    print("  (issue: the Levin figures the issue quotes for Kodak; Levin at N = 0 is the grey input)")
    t_o = [r["time_ours_s"] for r in rows if r["N"] > 0 and not np.isnan(r["psnr_ours"])]
    t_l = [r["time_levin_s"] for r in rows if r["N"] > 0]
    n_cached = sum(1 for im in images for n in im["levin"] if im["levin"][n][2])
    print(f"  time per image (N > 0, mean / median): ours {np.mean(t_o) if t_o else float('nan'):.3f} / "
          f"{np.median(t_o) if t_o else float('nan'):.3f} s (wall clock of one CLI call: start, PNG in/out, solve); "
          f"Levin {np.mean(t_l):.3f} / {np.median(t_l):.3f} s (matrix + SuperLU, one core"
          f"{f'; {n_cached} of {len(t_l)} from the cache, timed when solved' if n_cached else ''})")

    # N = 0: with no hints and no model our CLI should hand back the grey input
    z = [im["ours"][0] for im in images]
    if why_not:
        print("  N = 0 check: not run")
    elif any(e for _, _, e in z):
        print(f"  N = 0 check: ours fails on an empty hints file: {next(e for _, _, e in z if e)}")
    else:
        d = [np.abs(rgb.astype(int) - im["grey"].astype(int)) for (rgb, _, _), im in zip(z, images)]
        worst, frac = max(int(x.max()) for x in d), float(np.mean([(x > 0).any(-1).mean() for x in d]))
        # OpenCV's Lab round trip leaves a few input pixels with one channel a level off neutral
        off = sum(int(((x > 0).any(-1) & (im["grey"] != im["grey"][..., :1]).any(-1)).sum()) for x, im in zip(d, images))
        print("  N = 0 check: ours " + ("equals the grey input exactly" if worst == 0 else
              f"differs from the grey input: up to {worst} levels, {100 * frac:.3f}% of pixels "
              f"({off} of {sum(int((x > 0).any(-1).sum()) for x in d)} where the input is not exactly R = G = B)"))
    for n, errs in sorted(errors.items()):
        if n > 0:
            print(f"  ours failed at N = {n} on {len(errs)} image(s), e.g. {errs[0]}")

    sheet = images[:4]
    contact_sheet([[draw_hints(im["grey"], im["points"][:SHEET_N]), im["ours"][SHEET_N][0],
                    im["levin"][SHEET_N][0], im["orig"]] for im in sheet],
                  os.path.join(args.out, f"contact-N{SHEET_N}.png"))
    print(f"  per image: {os.path.join(args.out, 'results.csv')}; contact sheet: {os.path.join(args.out, f'contact-N{SHEET_N}.png')}")


if __name__ == "__main__":
    main()
