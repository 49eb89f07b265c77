"""The photo the OpenCV references are computed on when no dataset is at hand, made by code
from a fixed seed: a sky gradient over a wavy horizon, textured ground, discs and bars of
several sizes and light noise, so colour conversion, resampling and the network see edges,
texture and noise at every scale. Imported by make_refs.py, net_refs.py and
tools/eval/bench_colorize.py (one generator, never a stored file)."""
import numpy as np


def scene(w=768, h=512, colour=False):
    """uint8 (h, w) grey, or (h, w, 3) RGB with colour=True. The grey photo draws the same
    random numbers in the same order as it always has (its references do not move); the colour
    one gives each disc an RGB level and the sky and ground their own tints."""
    rng = np.random.default_rng(23)
    tone = lambda grey, rgb: np.array(rgb if colour else [grey], np.float32)  # noqa: E731
    y, x = (a[:, :, None] for a in np.mgrid[0:h, 0:w].astype(np.float32))
    img = tone(190, (150, 185, 235)) - tone(70, (90, 80, 40)) * y / h
    ground = y > h * 0.55 + 18 * np.sin(x / 57)
    soil = tone(95, (90, 110, 55)) + tone(30, (34, 30, 18)) * np.sin(x / 9) * np.sin(y / 7) - tone(40, (45, 40, 25)) * (y - h * 0.55) / h
    img = np.where(ground, soil, img)
    for _ in range(14):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(8, 70)
        level = rng.uniform(20, 235, 3 if colour else 1).astype(np.float32)
        img = np.where((x - cx) ** 2 + (y - cy) ** 2 < r * r, level, img)
    for k in range(6):
        img[:, 60 + 110 * k: 72 + 110 * k] *= 0.6
    img += rng.normal(0, 3, img.shape)
    img = np.clip(np.round(img), 0, 255).astype(np.uint8)
    return img if colour else img[:, :, 0]


def scene_grey(w=768, h=512):
    return scene(w, h)


def scene_rgb(w=768, h=512):
    return scene(w, h, colour=True)
