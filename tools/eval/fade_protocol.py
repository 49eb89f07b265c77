"""fade_protocol.py - the synthetic dye fade of the fade evaluation (issue 25): a clean 8-bit sRGB
photo turned into what a faded chromogenic print looks like when scanned.

The model, in this order, per image (all values floats until the last step):
  1. sRGB -> linear: v = srgb_to_linear(rgb8 / 255) (the sRGB curve, tools/eval/srgb.py).
  2. density: D_c = -log10(max(v_c, 1e-4)) for c = R, G, B (1e-4: density at most 4).
  3. dye loss: each channel's density scaled by its own retention (the dye left):
       D_R *= r_R, r_R ~ U[0.4, 0.8]   (cyan dye, the least stable)
       D_G *= r_G, r_G ~ U[0.6, 0.9]   (magenta)
       D_B *= r_B, r_B ~ U[0.8, 1.0]   (yellow)
  4. yellow base stain: D_B += s, D_G += s * u, with s ~ U[0, 0.15] and u ~ U[0, 0.3].
  5. back to linear: v_c = 10 ** -D_c.
  6. black point lifted (flare, a grey base): v_c = b + (1 - b) * v_c, b ~ U[0.01, 0.04], the
     same b for the three channels.
  7. film grain, in sRGB: w_c = linear_to_srgb(v_c) + n_c + n, with n_c ~ N(0, 1.5/255)
     independent per channel and pixel, and n ~ N(0, 1.5/255) one draw per pixel shared by
     the three channels (the grain's luminance part).
  8. a slight blur (the scan): Gaussian, sigma 0.6 px, on each channel of w (OpenCV,
     BORDER_REFLECT_101).
  9. 8-bit sRGB: round(clip(w, 0, 1) * 255).

Seeding: numpy default_rng([seed, h]) with h the first 8 bytes (big-endian) of the SHA-256 of
the file's name (basename, e.g. "kodim01.png"), so each image's fade depends on its name and
--seed only, not on the set it is in or on --limit. Draw order: r_R, r_G, r_B, s, u, b, then the
per-channel grain (H x W x 3), then the shared grain (H x W).
"""
import hashlib
import os

import cv2
import numpy as np

from srgb import linear_to_srgb, rgb8_to_linear

RETENTION = {"R": (0.4, 0.8), "G": (0.6, 0.9), "B": (0.8, 1.0)}
STAIN = (0.0, 0.15)          # s: density added to blue
STAIN_GREEN = (0.0, 0.3)     # u: green gets s * u
BLACK = (0.01, 0.04)         # b: black point lift, linear
DENSITY_FLOOR = 1e-4         # v is clamped here before the log: D <= 4
GRAIN = 1.5 / 255            # sigma of each grain part, sRGB units (0..1)
BLUR = 0.6                   # Gaussian sigma, pixels


def rng_for(path, seed):
    h = int.from_bytes(hashlib.sha256(os.path.basename(path).encode()).digest()[:8], "big")
    return np.random.default_rng([seed, h])


def draw(rng):
    """The fade's parameters, in the docstring's order."""
    f = {f"ret_{c}": rng.uniform(*RETENTION[c]) for c in "RGB"}
    f["stain"] = rng.uniform(*STAIN)
    f["stain_u"] = rng.uniform(*STAIN_GREEN)
    f["stain_green"] = f["stain"] * f["stain_u"]
    f["black"] = rng.uniform(*BLACK)
    return f


def fade(rgb8, f, rng):
    """HxWx3 RGB uint8 -> the faded scan (HxWx3 RGB uint8), with the parameters f of draw()."""
    lin = rgb8_to_linear(rgb8)
    d = -np.log10(np.maximum(lin, DENSITY_FLOOR))
    d = d * np.array([f["ret_R"], f["ret_G"], f["ret_B"]])
    d[:, :, 2] += f["stain"]
    d[:, :, 1] += f["stain_green"]
    lin = 10.0 ** -d
    lin = f["black"] + (1.0 - f["black"]) * lin
    w = linear_to_srgb(lin)
    w = w + rng.normal(0.0, GRAIN, w.shape) + rng.normal(0.0, GRAIN, w.shape[:2])[:, :, None]
    w = cv2.GaussianBlur(w, (0, 0), BLUR, borderType=cv2.BORDER_REFLECT_101)
    return np.round(np.clip(w, 0.0, 1.0) * 255.0).astype(np.uint8)


def degrade(path, seed):
    """The faded version of the photo at path: (RGB uint8, {parameter: value})."""
    rgb = cv2.imread(path, cv2.IMREAD_COLOR)[:, :, ::-1]
    rng = rng_for(path, seed)
    f = draw(rng)
    return fade(rgb, f, rng), f
