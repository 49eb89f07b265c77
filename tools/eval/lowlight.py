#!/usr/bin/python3
"""tools/studio eval lowlight [DIR]: how good is the enhancer, against the spec's OpenCV pipeline?

Synthetic pairs from clean photos (default ../shared/datasets/kodak), with this seeded
degradation per image i (numpy default_rng([seed, i])):
  sRGB -> linear; multiply by an exposure k ~ U[0.04, 0.15]; Poisson photon noise with
  1000*k photons at full scale (N ~ Poisson(1000*k*lin), value N/1000); Gaussian read noise
  sigma 0.002; clip to 0..1; back to sRGB; round to 8 bits.
Both enhancers run on the same inputs: ours (the native CLI, one thread, defaults) and the
OpenCV reference (CLAHE clip 2 / 8x8 on L, fastNlMeansDenoisingColored h=7, gamma 1/1.4 LUT,
unsharp mask amount 0.4 sigma 2). Printed: mean PSNR and SSIM (11x11 Gaussian window, sigma
1.5, per channel, 'valid' region, K1 0.01, K2 0.03) against the clean photo, run times, the
per-image CSV; no-reference figures on DICM and LIME; contact sheets (input | reference | ours).
"""
import argparse
import csv
import io
import os
import subprocess
import sys
import time

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("ES_SHARED", os.path.join(ROOT, "..", "shared"))


def srgb_to_linear(v):
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(v):
    return np.where(v <= 0.0031308, 12.92 * v, 1.055 * np.power(np.maximum(v, 0), 1 / 2.4) - 0.055)


def degrade(rgb8, rng):
    lin = srgb_to_linear(rgb8.astype(np.float64) / 255.0)
    k = rng.uniform(0.04, 0.15)
    photons = rng.poisson(lin * 1000.0 * k)
    noisy = photons / 1000.0 + rng.normal(0.0, 0.002, lin.shape)
    out = np.clip(np.round(linear_to_srgb(np.clip(noisy, 0, 1)) * 255.0), 0, 255).astype(np.uint8)
    return out, k


def reference(bgr):
    """The product spec's OpenCV pipeline, step by step."""
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB)
    lab[:, :, 0] = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(lab[:, :, 0])
    img = cv2.cvtColor(lab, cv2.COLOR_LAB2BGR)
    img = cv2.fastNlMeansDenoisingColored(img, None, 7, 7, 7, 21)
    lut = np.clip(np.round(255.0 * (np.arange(256) / 255.0) ** (1 / 1.4)), 0, 255).astype(np.uint8)
    img = cv2.LUT(img, lut)
    blur = cv2.GaussianBlur(img, (0, 0), 2)
    return cv2.addWeighted(img, 1.4, blur, -0.4, 0)


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 99.0 if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def ssim(a, b):
    """Wang et al. 2004: 11x11 Gaussian (sigma 1.5), per channel, mean over the valid region."""
    g = cv2.getGaussianKernel(11, 1.5)
    win = g @ g.T
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    vals = []
    for ch in range(a.shape[2]):
        x, y = a[:, :, ch].astype(np.float64), b[:, :, ch].astype(np.float64)
        f = lambda z: cv2.filter2D(z, -1, win, borderType=cv2.BORDER_REFLECT)[5:-5, 5:-5]
        mx, my = f(x), f(y)
        sxx, syy, sxy = f(x * x) - mx * mx, f(y * y) - my * my, f(x * y) - mx * my
        m = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
        vals.append(m.mean())
    return float(np.mean(vals))


def noise_sigma(bgr):
    """Immerkaer's fast noise estimate on luma (grey levels)."""
    g = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY).astype(np.float64)
    k = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float64)
    r = cv2.filter2D(g, -1, k)[1:-1, 1:-1]
    return float(np.sqrt(np.pi / 2) * np.abs(r).sum() / (6.0 * r.size))


def mean_l(bgr):
    return float(cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB)[:, :, 0].mean() * 100 / 255)


def clipped(bgr):
    return float((bgr.max(axis=2) >= 255).mean()), float((bgr.max(axis=2) <= 0).mean())


def run_ours(cli, inputs, outdir, extra):
    """One batch call of the native CLI on one thread; per-image times from its progress lines."""
    os.makedirs(outdir, exist_ok=True)
    p = subprocess.run([cli, "enhance", *inputs, "-o", outdir, "--threads", "1", *extra], capture_output=True, text=True)
    times = {}
    for line in p.stderr.splitlines():
        if line.startswith("[") and " -> " in line and line.endswith(" ms)"):
            src = line.split("] ", 1)[1].split(" -> ")[0]
            times[src] = float(line.rsplit("(", 1)[1].split()[0]) / 1000.0
        elif "error" in line:
            print(line, file=sys.stderr)
    outs = {}
    for f in inputs:
        stem = os.path.splitext(os.path.basename(f))[0]
        ext = ".jpg" if f.lower().endswith((".jpg", ".jpeg")) else ".png"
        outs[f] = os.path.join(outdir, stem + "-enhanced" + ext)
    return outs, times


def thumb(img, h=200):
    return cv2.resize(img, (max(1, round(img.shape[1] * h / img.shape[0])), h), interpolation=cv2.INTER_AREA)


def sheet(rows, path, h=200):
    """rows of (label, [images]) -> one PNG; each row scaled to height h."""
    strips = [np.hstack([thumb(im, h) for im in ims]) for _, ims in rows]
    w = max(s.shape[1] for s in strips)
    strips = [np.pad(s, ((0, 4), (0, w - s.shape[1]), (0, 0)), constant_values=32) for s in strips]
    cv2.imwrite(path, np.vstack(strips))


def synthetic(args, cli):
    files = sorted(f for f in os.listdir(args.clean) if f.lower().endswith((".png", ".jpg", ".bmp")))
    if args.limit:
        files = files[: args.limit]
    inp_dir = os.path.join(args.out, "synthetic", "input")
    os.makedirs(inp_dir, exist_ok=True)
    clean, inputs, ks = {}, [], {}
    for i, f in enumerate(files):
        bgr = cv2.imread(os.path.join(args.clean, f), cv2.IMREAD_COLOR)
        low, k = degrade(bgr[:, :, ::-1], np.random.default_rng([args.seed, i]))
        path = os.path.join(inp_dir, os.path.splitext(f)[0] + ".png")
        cv2.imwrite(path, low[:, :, ::-1].copy())
        clean[path], ks[path] = bgr, k
        inputs.append(path)
    outs, times = run_ours(cli, inputs, os.path.join(args.out, "synthetic", "ours"), args.ours)
    rows, table = [], []
    ref_dir = os.path.join(args.out, "synthetic", "reference")
    os.makedirs(ref_dir, exist_ok=True)
    for path in inputs:
        low = cv2.imread(path)
        t0 = time.perf_counter()
        ref = reference(low)
        t_ref = time.perf_counter() - t0
        cv2.imwrite(os.path.join(ref_dir, os.path.basename(path)), ref)
        ours = cv2.imread(outs[path])
        c = clean[path]
        table.append({"image": os.path.basename(path), "k": round(ks[path], 4),
                      "psnr_ref": round(psnr(ref, c), 3), "ssim_ref": round(ssim(ref, c), 4), "time_ref_s": round(t_ref, 3),
                      "psnr_ours": round(psnr(ours, c), 3), "ssim_ours": round(ssim(ours, c), 4), "time_ours_s": times.get(path, float("nan"))})
        rows.append((path, [low, ref, ours, c]))
    sheet(rows[:8], os.path.join(args.out, "contact-synthetic.png"))
    return table


def well_exposed(args, cli):
    """The clean photos themselves should come out nearly unchanged."""
    files = sorted(os.path.join(args.clean, f) for f in os.listdir(args.clean) if f.lower().endswith((".png", ".jpg", ".bmp")))
    if args.limit:
        files = files[: args.limit]
    outs, _ = run_ours(cli, files, os.path.join(args.out, "well-exposed"), args.ours)
    dl, ps = [], []
    for f in files:
        a, b = cv2.imread(f), cv2.imread(outs[f])
        la = cv2.cvtColor(a, cv2.COLOR_BGR2LAB)[:, :, 0].astype(np.float64) * 100 / 255
        lb = cv2.cvtColor(b, cv2.COLOR_BGR2LAB)[:, :, 0].astype(np.float64) * 100 / 255
        dl.append(np.abs(la - lb).mean())
        ps.append(psnr(a, b))
    return float(np.mean(dl)), float(np.mean(ps)), float(np.max(dl)), float(np.min(ps))


def no_reference(args, cli, name, folder):
    if not os.path.isdir(folder):
        print(f"SKIP {name}: {folder} not found")
        return None
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.lower().endswith((".png", ".jpg", ".jpeg", ".bmp")))
    if args.limit:
        files = files[: args.limit]
    outs, times = run_ours(cli, files, os.path.join(args.out, name, "ours"), args.ours)
    stats = {"in": [], "ref": [], "ours": []}
    rows = []
    for f in files:
        low = cv2.imread(f)
        ref = reference(low)
        ours = cv2.imread(outs[f])
        for key, im in (("in", low), ("ref", ref), ("ours", ours)):
            hi, lo = clipped(im)
            stats[key].append((mean_l(im), hi, lo, noise_sigma(im)))
        rows.append((f, [low, ref, ours]))
    sheet(rows[:12], os.path.join(args.out, f"contact-{name}.png"))
    return {k: np.mean(np.array(v), axis=0) for k, v in stats.items()}, np.median(list(times.values())) if times else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("clean", nargs="?", default=os.path.join(SHARED, "datasets", "kodak"))
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "eval", "lowlight"))
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "native", "studio-cli"))
    ap.add_argument("--seed", type=int, default=2016)
    ap.add_argument("--limit", type=int, default=0, help="only the first N images of each set")
    ap.add_argument("--no-lowlight-sets", action="store_true", help="skip DICM and LIME")
    ap.add_argument("--ours", nargs=argparse.REMAINDER, default=[], help="options passed to `studio enhance` (last)")
    args = ap.parse_args()
    if not os.path.isdir(args.clean):
        sys.exit(f"eval: {args.clean} not found")
    os.makedirs(args.out, exist_ok=True)
    table = synthetic(args, args.cli)
    m = lambda key: float(np.mean([r[key] for r in table]))
    med = lambda key: float(np.median([r[key] for r in table]))
    print(f"Synthetic low light from {os.path.abspath(args.clean)} ({len(table)} images, seed {args.seed})")
    print(f"  {'':18s} {'PSNR dB':>8s} {'SSIM':>7s} {'median time':>12s}")
    print(f"  {'OpenCV reference':18s} {m('psnr_ref'):8.2f} {m('ssim_ref'):7.4f} {med('time_ref_s'):10.3f} s")
    print(f"  {'ours (1 thread)':18s} {m('psnr_ours'):8.2f} {m('ssim_ours'):7.4f} {med('time_ours_s'):10.3f} s")
    print(f"  ours - reference: {m('psnr_ours') - m('psnr_ref'):+.2f} dB PSNR, {m('ssim_ours') - m('ssim_ref'):+.4f} SSIM")
    dl, ps, dl_max, ps_min = well_exposed(args, args.cli)
    print(f"  well-exposed inputs (the clean photos): mean |delta L| {dl:.2f} (worst {dl_max:.2f}), PSNR vs input {ps:.2f} dB (worst {ps_min:.2f})")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(table[0].keys()))
    w.writeheader()
    w.writerows(table)
    with open(os.path.join(args.out, "synthetic.csv"), "w") as f:
        f.write(buf.getvalue())
    print("\nper image (CSV, also in synthetic.csv):")
    print(buf.getvalue())
    if not args.no_lowlight_sets:
        shared = os.path.join(SHARED, "datasets", "lowlight")
        for name in ("dicm", "lime"):
            r = no_reference(args, args.cli, name, os.path.join(shared, name))
            if not r:
                continue
            stats, t = r
            print(f"{name.upper()} (no reference): mean L, clipped-white fraction, black fraction, noise sigma (grey levels)")
            for key, label in (("in", "input"), ("ref", "OpenCV reference"), ("ours", "ours")):
                L, hi, lo, sg = stats[key]
                print(f"  {label:18s} L {L:6.2f}  white {hi:7.4f}  black {lo:7.4f}  noise {sg:6.2f}")
    print(f"\ncontact sheets (input | reference | ours [| clean]): {os.path.abspath(args.out)}/contact-*.png")


if __name__ == "__main__":
    main()
