"""lowlight_metrics.py - the scores of the low-light evaluation, all on 8-bit BGR images.

With a reference: PSNR and SSIM (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5, per
channel, mean over the 'valid' region, K1 0.01, K2 0.03), unchanged from the original script.
Without one (real photos): CIE L* from OpenCV's 8-bit Lab (L* = L * 100 / 255), the share of
pixels under L* 10 (still black), the share clipped (any channel at 255), the mean L*, the mean
L* of the top quarter of the frame (the sky of a night photo must stay dark), and the
lightness-order error LOE of Wang et al. 2013.
Real pairs (LOL, FiveK retouches; paired_scores): PSNR and SSIM as they are, then the output
brought to the reference's mean grey first (GT-mean scaling, as KinD and LLFlow report it), and
on that image the GT-mean PSNR, the chroma ratio (mean C*ab of the output over the reference's)
and CIEDE2000, in skimage's CIELAB (D65) from float sRGB (PSNR, CIELAB and CIEDE2000 are
image_metrics.py's, shared with the fade evaluation). LOL's references were taken at another
exposure, not made from the dark capture, so how bright an output is says little; its colour is
compared at equal brightness, where a greyed-out or over-saturated result cannot hide behind it.
"""
import cv2
import numpy as np

from image_metrics import cielab, mean_ciede2000, psnr

LOE_SIZE = 50


def ssim(a, b):
    """Wang et al. 2004: 11x11 Gaussian (sigma 1.5), per channel, mean over the valid region.
    The window is applied as two 1-D passes: the same sums as the 2-D filter (within 1e-13)
    in a third of the time."""
    g = cv2.getGaussianKernel(11, 1.5)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def f(z):
        return cv2.sepFilter2D(z, -1, g, g, borderType=cv2.BORDER_REFLECT)[5:-5, 5:-5]

    vals = []
    for ch in range(a.shape[2]):
        x, y = a[:, :, ch].astype(np.float64), b[:, :, ch].astype(np.float64)
        mx, my = f(x), f(y)
        sxx, syy, sxy = f(x * x) - mx * mx, f(y * y) - my * my, f(x * y) - mx * my
        m = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
        vals.append(m.mean())
    return float(np.mean(vals))


def lightness(bgr):
    """CIE L* (0..100) per pixel, from OpenCV's 8-bit Lab."""
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB)[:, :, 0].astype(np.float64) * (100.0 / 255.0)


def dark_percent(bgr, below=10.0):
    return float((lightness(bgr) < below).mean() * 100)


def clipped_percent(bgr):
    """Pixels with any channel at 255: highlights a method has burnt out."""
    return float((bgr.max(axis=2) >= 255).mean() * 100)


def mean_lightness(bgr):
    return float(lightness(bgr).mean())


def top_quarter_lightness(bgr):
    """Mean L* of the top quarter of the frame (the night check: the sky should stay dark)."""
    return float(lightness(bgr[: max(1, bgr.shape[0] // 4)]).mean())


def mean_abs_delta_l(a, b):
    """The well-exposed check: how far, in L*, the output moved from its input."""
    return float(np.abs(lightness(a) - lightness(b)).mean())


def _loe_lightness(bgr):
    """L = max(R, G, B), downsampled to 50 x 50 with OpenCV's INTER_AREA (a box average).
    Wang et al.'s code scales the short side to 50 and keeps the aspect ratio; a fixed 50 x 50
    grid, as most later papers use, gives every image the same 2500 pixels, so LOE values are
    comparable across image sizes. The average is taken in float so that ties come from the
    images, not from rounding the averages back to 8 bits."""
    L = bgr.max(axis=2).astype(np.float32)
    return cv2.resize(L, (LOE_SIZE, LOE_SIZE), interpolation=cv2.INTER_AREA).ravel()


def loe(inp, out):
    """Lightness-order error (Wang et al. 2013, "Naturalness preserved enhancement"): the mean
    over pixels x of the number of pixels y whose order relation L(x) >= L(y) differs between
    input and output. 0 = every lightness order kept; the maximum is 2500."""
    a, b = _loe_lightness(inp), _loe_lightness(out)
    differs = (a[:, None] >= a[None, :]) != (b[:, None] >= b[None, :])
    return float(differs.sum(axis=1).mean())


def gt_mean_match(out, ref):
    """out scaled so that its mean grey (OpenCV's BGR2GRAY) equals ref's, in float, clipped to
    0..255 and rounded back to 8 bits: the GT-mean step of KinD's and LLFlow's evaluation."""
    g_out = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY).mean()
    g_ref = cv2.cvtColor(ref, cv2.COLOR_BGR2GRAY).mean()
    scaled = out.astype(np.float64) * (g_ref / max(g_out, 1e-6))
    return np.round(np.clip(scaled, 0, 255)).astype(np.uint8)


def mean_chroma(lab):
    """Mean C*ab = sqrt(a*^2 + b*^2): how colourful the image is on average."""
    return float(np.hypot(lab[:, :, 1], lab[:, :, 2]).mean())


def paired_scores(out, ref):
    """The scores of an output against a real reference (see the module's docstring)."""
    matched = gt_mean_match(out, ref)
    lab, ref_lab = cielab(matched), cielab(ref)
    ref_chroma = mean_chroma(ref_lab)
    return {"psnr": psnr(out, ref), "ssim": ssim(out, ref), "gt_mean_psnr": psnr(matched, ref),
            "chroma_x": mean_chroma(lab) / ref_chroma if ref_chroma else float("nan"),
            "ciede2000": mean_ciede2000(lab, ref_lab)}
