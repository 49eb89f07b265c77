#!/usr/bin/python3
"""Exact colorization by optimisation (Levin, Lischinski & Weiss, SIGGRAPH 2004): the independent
peer that `tools/studio eval hints` scores our colour hints against.

    levin.py GREY.png HINTS.json OUT.png

A transcription of the authors' getColorExact.m, with CIE Lab in place of their YIQ:
  Y = L/100 of the grey photo (OpenCV float Lab, D65); for every pixel r and each neighbour s of
  its 3x3 window (clipped at the borders)
    w_rs = exp(-(Y_r - Y_s)^2 / c_r),  normalised so that sum_s w_rs = 1,
    c_r  = max(0.6 * var(Y over the window including r),  -min_s (Y_r - Y_s)^2 / ln 0.01,  2e-6)
  (the middle term is theirs: the closest neighbour always keeps a weight of at least 0.01).
  Unhinted pixels: U_r - sum_s w_rs U_s = 0; hinted pixels (every pixel of a hint's clipped
  (2r+1)^2 square; a later hint overrides an earlier one where they overlap): U_r = the hint's
  ab. This square system is what their code solves (it is the minimum, zero, of
  sum_r (U_r - sum_s w_rs U_s)^2 over the unhinted r), here with scipy's sparse direct solver
  (SuperLU), one factorisation for both channels a and b.
The hint's ab is that of its 8-bit sRGB colour (the only thing the hints file carries, as for
our CLI); the result is the photo's own L with the solved ab, converted to 8-bit sRGB (clipped).
With no hint the system is singular and the answer is the grey photo itself (ab = 0).
Strokes are not supported (the evaluation only uses points).
"""
import json
import sys

import cv2
import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla


def rgb8_to_lab(rgb8):
    """8-bit sRGB (..., 3) -> float Lab (L 0..100), OpenCV's float conversion."""
    rgb = np.asarray(rgb8, np.float32).reshape(-1, 1, 3) / 255.0
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab).reshape(np.shape(rgb8))


def lab_to_rgb8(lab):
    rgb = cv2.cvtColor(np.ascontiguousarray(lab, np.float32), cv2.COLOR_Lab2RGB)
    return np.clip(np.round(rgb * 255.0), 0, 255).astype(np.uint8)


def hint_targets(points, h, w):
    """Hints -> (mask of fixed pixels, their ab), squares clipped at the borders, in file order."""
    mask = np.zeros((h, w), bool)
    ab = np.zeros((h, w, 2), np.float64)
    for p in points:
        x, y, r = int(p["x"]), int(p["y"]), int(p.get("r", 0))
        hint_ab = rgb8_to_lab(np.array(p["rgb"], np.uint8))[1:]
        y0, y1, x0, x1 = max(0, y - r), min(h, y + r + 1), max(0, x - r), min(w, x + r + 1)
        mask[y0:y1, x0:x1] = True
        ab[y0:y1, x0:x1] = hint_ab
    return mask, ab


def affinity_system(Y, fixed):
    """The sparse matrix of the square system: I - W on free rows, I on fixed rows."""
    h, w = Y.shape
    n = h * w
    idx = np.arange(n).reshape(h, w)
    pad = np.pad(Y, 1, constant_values=np.nan)
    pidx = np.pad(idx, 1, constant_values=-1)
    offs = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx]
    nb = np.stack([pad[1 + dy:1 + dy + h, 1 + dx:1 + dx + w] for dy, dx in offs], -1)
    nb_idx = np.stack([pidx[1 + dy:1 + dy + h, 1 + dx:1 + dx + w] for dy, dx in offs], -1)
    valid = nb_idx >= 0
    # variance of the window including the centre (population variance, as their mean(...).^2)
    win = np.concatenate([nb, Y[..., None]], -1)
    cnt = valid.sum(-1) + 1
    mean = np.nansum(win, -1) / cnt
    var = np.nansum((win - mean[..., None]) ** 2, -1) / cnt
    d2 = np.where(valid, (nb - Y[..., None]) ** 2, np.inf)
    csig = np.maximum(np.maximum(0.6 * var, -d2.min(-1) / np.log(0.01)), 2e-6)
    wts = np.where(valid, np.exp(-np.where(valid, d2, 0) / csig[..., None]), 0.0)
    wts /= wts.sum(-1, keepdims=True)
    free = ~fixed
    rows = np.broadcast_to(idx[..., None], nb_idx.shape)
    keep = valid & free[..., None]
    off = sp.csr_matrix((-wts[keep], (rows[keep], nb_idx[keep])), shape=(n, n))
    return (sp.identity(n, format="csr") + off).tocsc()


def colorize(L, points):
    """L: (h, w) float Lab lightness 0..100; points: hints as in the JSON. Returns ab (h, w, 2)."""
    h, w = L.shape
    fixed, ab = hint_targets(points, h, w)
    if not fixed.any():
        return np.zeros((h, w, 2))
    A = affinity_system(L.astype(np.float64) / 100.0, fixed)
    rhs = np.where(fixed[..., None], ab, 0.0).reshape(-1, 2)
    # Ordering and pivoting change the speed, not the answer: a grid nested dissection keeps the
    # fill small (0.8 s at 256x384 instead of 3 s with SuperLU's default COLAMD), and diagonal
    # pivots are safe because I - W is a nonsingular M-matrix once one pixel is fixed.
    p = nested_dissection(h, w)
    lu = spla.splu(A[p][:, p].tocsc(), permc_spec="NATURAL", diag_pivot_thresh=0.0)
    sol = np.empty_like(rhs)
    sol[p] = lu.solve(rhs[p])
    return sol.reshape(h, w, 2)


def nested_dissection(h, w, leaf=64):
    """Elimination order of an h x w grid: each half before the line that separates them (one
    row or column cuts a 3x3 stencil), recursively; pixel index y * w + x."""
    order = []

    def cut(y0, y1, x0, x1):
        if (y1 - y0) * (x1 - x0) <= leaf:
            order.append((np.arange(y0, y1)[:, None] * w + np.arange(x0, x1)).ravel())
        elif y1 - y0 >= x1 - x0:
            m = (y0 + y1) // 2
            cut(y0, m, x0, x1), cut(m + 1, y1, x0, x1)
            order.append(m * w + np.arange(x0, x1))
        else:
            m = (x0 + x1) // 2
            cut(y0, y1, x0, m), cut(y0, y1, m + 1, x1)
            order.append(np.arange(y0, y1) * w + m)

    cut(0, h, 0, w)
    return np.concatenate(order)


def colorize_rgb8(grey_rgb8, points):
    """The whole peer: grey 8-bit RGB (h, w, 3) + hints -> coloured 8-bit RGB."""
    lab = rgb8_to_lab(grey_rgb8)
    lab[..., 1:] = colorize(lab[..., 0], points)
    return lab_to_rgb8(lab)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: levin.py GREY.png HINTS.json OUT.png")
    bgr = cv2.imread(sys.argv[1], cv2.IMREAD_COLOR)
    if bgr is None:
        sys.exit(f"levin: cannot read {sys.argv[1]}")
    with open(sys.argv[2]) as f:
        hints = json.load(f)
    if (hints.get("width"), hints.get("height")) != (bgr.shape[1], bgr.shape[0]):
        sys.exit(f"levin: hints are for {hints.get('width')}x{hints.get('height')}, photo is {bgr.shape[1]}x{bgr.shape[0]}")
    out = colorize_rgb8(bgr[..., ::-1], hints.get("points", []))
    cv2.imwrite(sys.argv[3], out[..., ::-1].copy())


if __name__ == "__main__":
    main()
