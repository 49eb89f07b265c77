#!/usr/bin/python3
"""tools/studio eval lowlight-frontier [OUT]: can one rule serve the uneven and the uniform
protocol at once? (issue 15's targets: uneven >= before + 1.5 dB, uniform within 0.05 dB.)

Reads the `before` outputs (--shadows 0) and the clean photos of a finished
`tools/studio eval lowlight` run (OUT, default build/eval/lowlight) and prints, per protocol:
  oracle   the best smooth gain knowing the clean photo: before x 2^(G(log Y_clean) - G(log Y_before)),
           G a Gaussian of sigma 1/3/6% of the long side. The headroom a gain map has at all.
  fit      per photo, the least-squares line log Y_clean ~ alpha log Y_before + beta on the 3% blur:
           alpha < 1 means the photo's large-scale range must be compressed, 1 that it must be kept.
           Printed with the large-scale range (5th..95th percentile, stops) the rule can see.
  rules    the family a rule can choose from without the clean photo: compress the large-scale
           range beyond t stops by c per stop (alpha = clip(1 - c (range - t), amin, 1)), anchored at
           the 95th percentile; every (t, c, amin) on a grid, PSNR change against `before`.
If no rule meets both targets while the oracle has headroom, the cue is missing, not the machinery.
"""
import glob
import os
import sys

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
from srgb import LUMA, linear_to_srgb, srgb_to_linear  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("ES_SHARED", os.path.join(ROOT, "..", "shared"))
BUILD = os.environ.get("ES_BUILD", os.path.join(ROOT, "build"))
PROTOCOLS = ("uneven", "mild", "uniform")
EPS = 1e-3  # log floor, linear


def linear(path):
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    if bgr is None:
        sys.exit(f"eval lowlight-frontier: cannot read {path}")
    return srgb_to_linear(bgr[:, :, ::-1] / 255.0)


def psnr(a, b):
    return 10 * np.log10(1.0 / np.mean((a - b) ** 2))


def blur_log(lin, sigma_share):
    return cv2.GaussianBlur(np.log2(lin @ LUMA + EPS), (0, 0), sigma_share * max(lin.shape[:2]))


def with_gain(lin, stops):
    return linear_to_srgb(np.clip(lin * np.exp2(stops)[..., None], 0, 1))


def load(out, clean_dir, protocol):
    photos = []
    for path in sorted(glob.glob(os.path.join(out, protocol, "before", "*.png"))):
        name = os.path.basename(path).replace("-enhanced", "")
        clean, before = linear(os.path.join(clean_dir, name)), linear(path)
        photos.append((name, clean, before, blur_log(before, 0.03)))
    if not photos:
        sys.exit(f"eval lowlight-frontier: no {protocol}/before/*.png under {out}: run tools/studio eval lowlight first")
    return photos


def oracle(photos):
    rows = []
    for _, clean, before, _ in photos:
        ref = linear_to_srgb(clean)
        rows.append([psnr(linear_to_srgb(before), ref)] +
                    [psnr(with_gain(before, blur_log(clean, s) - blur_log(before, s)), ref) for s in (0.01, 0.03, 0.06)])
    return np.mean(rows, axis=0)


def fit(photos):
    rows = []
    for name, clean, _, big in photos:
        target = blur_log(clean, 0.03)
        alpha, beta = np.linalg.lstsq(np.stack([big.ravel(), np.ones(big.size)], 1), target.ravel(), rcond=None)[0]
        p5, p95 = np.percentile(big, [5, 95])
        rows.append((name, alpha, beta, p95 - p5))
    return rows


def rule(photos, t, c, amin):
    scores = []
    for _, clean, before, big in photos:
        p5, p95 = np.percentile(big, [5, 95])
        alpha = np.clip(1 - c * max(0.0, p95 - p5 - t), amin, 1)
        stops = np.minimum(p95 + alpha * (big - p95) - big, 4.0)
        scores.append(psnr(with_gain(before, stops), linear_to_srgb(clean)))
    return np.mean(scores)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(BUILD, "eval", "lowlight")
    clean_dir = os.path.join(SHARED, "datasets", "kodak")
    sets = {p: load(out, clean_dir, p) for p in PROTOCOLS}
    print("Oracle smooth gain on `before` (mean PSNR dB): as is | sigma 1% | 3% | 6%")
    for p, photos in sets.items():
        print(f"  {p:8s} " + " | ".join(f"{v:5.2f}" for v in oracle(photos)))
    print("\nPer-photo best log-linear map (3% blur): alpha (1 = keep the range), range seen (stops)")
    fits = {p: fit(sets[p]) for p in ("uneven", "uniform")}
    print("  photo          uneven alpha / range   uniform alpha / range")
    for (name, a1, _, r1), (_, a2, _, r2) in zip(fits["uneven"], fits["uniform"]):
        print(f"  {name:14s} {a1:5.2f} / {r1:3.1f}            {a2:5.2f} / {r2:3.1f}")
    for p in fits:
        a = np.array([f[1] for f in fits[p]]); r = np.array([f[3] for f in fits[p]])
        print(f"  {p:8s} alpha median {np.median(a):.2f}; range {r.min():.1f}..{r.max():.1f} stops")
    base = {p: rule(sets[p], 99.0, 0.0, 1.0) for p in PROTOCOLS}
    print("\nRules a photo can choose without its clean version (PSNR change vs before, dB)")
    print("  t stops  c/stop  amin   " + "  ".join(f"{p:>8s}" for p in PROTOCOLS) + "   both targets")
    for t in (2.5, 3.0, 3.5, 4.0, 4.5):
        for c in (0.1, 0.2, 0.3, 0.5):
            for amin in (0.5, 0.7):
                d = {p: rule(sets[p], t, c, amin) - base[p] for p in PROTOCOLS}
                ok = d["uneven"] >= 1.5 and d["uniform"] >= -0.05
                print(f"  {t:7.1f}  {c:6.1f}  {amin:4.1f}   " + "  ".join(f"{d[p]:+8.2f}" for p in PROTOCOLS)
                      + ("   met" if ok else "   -"), flush=True)


if __name__ == "__main__":
    main()
