"""repair_peers.py - what the repairer is compared with (issue 26), each a module-level function
on 8-bit BGR images (tools/eval/peer_cache.py runs them, in a pool, through its cache).

Healing with a given mask (HEAL: f(bgr, mask) -> bgr; mask uint8, non-zero = damaged):
  telea        OpenCV's cv2.inpaint, Telea's fast marching (2004), radius 3;
  ns           OpenCV's cv2.inpaint, Navier-Stokes (Bertalmio et al. 2001), radius 3.
               Radius 3 for both: the defects are 1-6 px across, so a 3 px neighbourhood spans
               the band each fill step draws from; on kodim13 (foliage) with its true mask,
               Telea gave 20.44 dB in the mask at radius 3 against 20.33 at 5 and NS 20.71
               against 20.73: no reason to blur with a larger one.
  gmic-pde     G'MIC 2.9's `inpaint_pde` with its defaults (multi-scale diffusion: 75 % of the
               scales, isotropic diffusion, 20 iterations per scale);
  gmic-patch   G'MIC 2.9's `inpaint_matchpatch` with its defaults (multi-scale PatchMatch,
               patch 9, 10 iterations a scale, blend size 5, outer blending on).
               G'MIC's `inpaint MASK,PATCH` (the exemplar-based CImg inpainting) was tried and
               left out: 16.5 dB in the mask on kodim13 at patch 7 and 15.9 at patch 5 against
               20.3 for matchpatch, in the same time. Both run through Debian's `gmic`, one
               process per image, one thread (OMP_NUM_THREADS=1), GMIC_TIMEOUT seconds at most
               (a call that fails or runs out of time is reported and its image left out);
               their time includes G'MIC's start-up (about 0.45 s).
  Every healer's result is kept only inside the mask (outside it the input stays): outer
  blending (gmic-patch) otherwise changes pixels next to the mask.

Blind (BLIND: f(bgr) -> bgr, or a uint8 mask for the detector):
  tophat         the classical detector: on the grey (luma) image, the white and the black
                 top-hat (I - opening, closing - I) with a TOPHAT_SIZE x TOPHAT_SIZE square;
                 damaged where either exceeds TOPHAT_T levels. Returns the mask (0/255).
  tophat-telea   Telea (radius 3) on the top-hat mask as it is detected (end to end).
  dust-scratches Photoshop's Dust & Scratches: a MEDIAN_SIZE x MEDIAN_SIZE median per channel;
                 a pixel is replaced by the median where it differs from it by more than
                 MEDIAN_T levels (the largest difference over the three channels), else kept.
                 Its detection: the pixels it changed.
  TOPHAT_SIZE, TOPHAT_T (5, 100) and MEDIAN_SIZE, MEDIAN_T (5, 60) are the settings with the best
  detection F1 in a sweep on five Kodak photos with their damage (kodim02, 05, 09, 15, 19; sizes
  3, 5, 7, 9; thresholds 15..150; tools/README.md has the figures): the whole image's PSNR cannot
  choose them, since no setting of either beats leaving the photo as it is, and the best are
  those that change next to nothing (3 x 3 at 120: recall 1.5 %).
"""
import os
import shutil
import subprocess
import tempfile

import cv2
import numpy as np

from fade_peers import gmic_version  # noqa: F401  (the peers' cache key, as fade's)

RADIUS = 3
TOPHAT_SIZE, TOPHAT_T = 5, 100
MEDIAN_SIZE, MEDIAN_T = 5, 60
GMIC_TIMEOUT = 300
GMIC = {"gmic-pde": "inpaint_pde[0] [1]", "gmic-patch": "inpaint_matchpatch[0] [1]"}


def keep_outside(bgr, mask, healed):
    """healed inside the mask, the input elsewhere."""
    return np.where(mask[:, :, None] > 0, healed, bgr)


def telea(bgr, mask):
    return keep_outside(bgr, mask, cv2.inpaint(bgr, (mask > 0).astype(np.uint8), RADIUS, cv2.INPAINT_TELEA))


def ns(bgr, mask):
    return keep_outside(bgr, mask, cv2.inpaint(bgr, (mask > 0).astype(np.uint8), RADIUS, cv2.INPAINT_NS))


def gmic_heal(command, bgr, mask):
    """G'MIC's `command` on (image, mask); None (and a line on stderr) when it fails or times out.
    `cut 0,255`: inpaint_pde overshoots 255 a little, and gmic writes such an image as a 16-bit PNG."""
    with tempfile.TemporaryDirectory(prefix="repair-gmic-") as tmp:
        src, msk, dst = (os.path.join(tmp, n) for n in ("in.png", "mask.png", "out.png"))
        cv2.imwrite(src, bgr)
        cv2.imwrite(msk, ((mask > 0) * 255).astype(np.uint8))
        try:
            subprocess.run(["gmic", "-v", "-1", src, msk, *command.split(), "keep[0]", "cut", "0,255", "round", "o", dst],
                           check=True, env={**os.environ, "OMP_NUM_THREADS": "1"}, capture_output=True,
                           timeout=GMIC_TIMEOUT)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
            print(f"  gmic {command}: {type(e).__name__} ({e})", flush=True)
            return None
        out = cv2.imread(dst, cv2.IMREAD_COLOR)
        return None if out is None else keep_outside(bgr, mask, out)


def gmic_pde(bgr, mask):
    return gmic_heal(GMIC["gmic-pde"], bgr, mask)


def gmic_patch(bgr, mask):
    return gmic_heal(GMIC["gmic-patch"], bgr, mask)


def tophat_mask(bgr, size=TOPHAT_SIZE, t=TOPHAT_T):
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    white = cv2.morphologyEx(grey, cv2.MORPH_TOPHAT, k)
    black = cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, k)
    return (((white > t) | (black > t)) * 255).astype(np.uint8)


def tophat(bgr):
    return tophat_mask(bgr)


def tophat_telea(bgr):
    return telea(bgr, tophat_mask(bgr))


def dust_scratches(bgr, size=MEDIAN_SIZE, t=MEDIAN_T):
    med = cv2.medianBlur(bgr, size)
    diff = np.abs(bgr.astype(np.int16) - med.astype(np.int16)).max(axis=2)
    return np.where((diff > t)[:, :, None], med, bgr)


def probe_gmic(name):
    """'' when G'MIC's healer runs here (a 64 x 64 image, a 4 x 4 hole), else the reason."""
    if not shutil.which("gmic"):
        return "no gmic on the PATH (apt-get install gmic; tools/studio eval repair installs it)"
    img = np.full((64, 64, 3), 128, np.uint8)
    mask = np.zeros((64, 64), np.uint8)
    mask[30:34, 30:34] = 255
    out = gmic_heal(GMIC[name], img, mask)
    return "" if out is not None and out.shape == img.shape else f"`gmic {GMIC[name]}` failed on a test image"


HEAL = {"telea": telea, "ns": ns, "gmic-pde": gmic_pde, "gmic-patch": gmic_patch}
BLIND = {"tophat": tophat, "tophat-telea": tophat_telea, "dust-scratches": dust_scratches}
