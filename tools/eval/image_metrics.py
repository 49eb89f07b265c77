"""image_metrics.py - full-reference scores shared by the evaluations (lowlight, fade), on 8-bit
BGR images (OpenCV's order): PSNR, and CIEDE2000 in skimage's CIELAB (D65) from float sRGB."""
import numpy as np
from skimage.color import deltaE_ciede2000, rgb2lab


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 99.0 if mse == 0 else float(10 * np.log10(255.0 ** 2 / mse))


def cielab(bgr):
    """CIELAB (D65, skimage) from float sRGB: no 8-bit rounding of a*, b* before the
    colour differences are taken."""
    return rgb2lab(bgr[:, :, ::-1] / 255.0)


def mean_ciede2000(lab, ref_lab):
    """The mean CIEDE2000 over pixels between two CIELAB images (cielab())."""
    return float(deltaE_ciede2000(lab, ref_lab).mean())
