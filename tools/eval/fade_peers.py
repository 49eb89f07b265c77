"""fade_peers.py - the automatic colour corrections the fade restorer is compared with, each a
module-level function from an 8-bit BGR image to an 8-bit BGR image of the same size
(tools/eval/peer_cache.py runs them):

  stretch-0.05%  per-channel levels stretch on the 8-bit sRGB values, each channel's darkest
                 and brightest 0.05 % of pixels clipped: GIMP's Colors > Auto > White Balance
                 as its manual describes it;
  stretch-0.5%   the same with 0.5 % at each end: Photoshop-style Auto Levels (per-channel
                 contrast, the 0.5 % clipping of older versions);
  gray-world     von Kries gains in linear light that make each channel's mean the same (the
                 mean of the three means);
  grey-p6        shades of grey (Finlayson and Trezzi 2004), Minkowski norm p = 6: the
                 illuminant e_c = mean(v_c ** 6) ** (1/6) in linear light, gains mean(e) / e_c;
  gmic-balance   G'MIC 2.9's Colors > Color Balance (fx_balance_gamma) with its defaults:
                 neutral colour (128,128,128) and "Stretch Colors" on, i.e. each channel raised
                 to the power that puts its mean at 128 (balance_gamma), then one min-max
                 stretch of all channels together to 0..255. Run through Debian's `gmic`, one
                 process per image on one thread (OMP_NUM_THREADS=1); its time includes
                 G'MIC's start-up (about 0.45 s here, the filter itself well under 0.1 s).
                 G'MIC has no fade restorer: Retro Fade makes a photo look faded (posterised
                 grain), Retinex is a local contrast filter, the other colour filters need a
                 colour or a curve picked by hand; Color Balance is the one automatic colour
                 balance.

The gains of gray-world and grey-p6 keep the mean of the estimate, so the brightness roughly
stays; results are clipped to 0..1 before going back to 8-bit sRGB.
"""
import os
import shutil
import subprocess
import tempfile

import cv2
import numpy as np

from srgb import linear_to_rgb8, rgb8_to_linear

GMIC_ARGS = ("fx_balance_gamma", "128,128,128,1")


def levels_stretch(bgr, clip):
    """Per channel: lo = the lowest level with more than clip of the pixels at or below it,
    hi = the highest with more than clip at or above it; (v - lo) / (hi - lo) clipped and
    rounded. A channel with hi <= lo is left as it is."""
    out = np.empty_like(bgr)
    n = bgr.shape[0] * bgr.shape[1]
    for c in range(3):
        ch = bgr[:, :, c]
        cum = np.cumsum(np.bincount(ch.ravel(), minlength=256))
        lo = int(np.argmax(cum > clip * n))
        above = n - np.concatenate(([0], cum[:-1]))  # pixels at or above each level
        hi = int(255 - np.argmax(above[::-1] > clip * n))
        if hi <= lo:
            out[:, :, c] = ch
            continue
        lut = np.clip(np.round((np.arange(256) - lo) * (255.0 / (hi - lo))), 0, 255).astype(np.uint8)
        out[:, :, c] = lut[ch]
    return out


def stretch_005(bgr):
    return levels_stretch(bgr, 0.0005)


def stretch_05(bgr):
    return levels_stretch(bgr, 0.005)


def shades_of_grey(bgr, p):
    """Von Kries gains in linear light from the Minkowski p-norm illuminant estimate."""
    lin = rgb8_to_linear(bgr)
    e = np.array([np.mean(lin[:, :, c] ** p) ** (1.0 / p) for c in range(3)])
    gains = e.mean() / np.maximum(e, 1e-6)
    return linear_to_rgb8(lin * gains)


def gray_world(bgr):
    return shades_of_grey(bgr, 1)


def grey_p6(bgr):
    return shades_of_grey(bgr, 6)


def gmic_version():
    """G'MIC's version number (294 for 2.9.4; '' without gmic): part of the peers' cache key."""
    if not shutil.which("gmic"):
        return ""
    p = subprocess.run(["gmic", "-v", "-1", "echo_stdout", "$_version"], capture_output=True, text=True)
    return p.stdout.strip()


def gmic_balance(bgr):
    with tempfile.TemporaryDirectory(prefix="fade-gmic-") as tmp:
        src, dst = os.path.join(tmp, "in.png"), os.path.join(tmp, "out.png")
        cv2.imwrite(src, bgr)
        subprocess.run(["gmic", "-v", "-1", src, *GMIC_ARGS, "round", "o", dst], check=True,
                       env={**os.environ, "OMP_NUM_THREADS": "1"}, capture_output=True)
        return cv2.imread(dst, cv2.IMREAD_COLOR)


PEERS = {"stretch-0.05%": stretch_005, "stretch-0.5%": stretch_05, "gray-world": gray_world,
         "grey-p6": grey_p6, "gmic-balance": gmic_balance}
