"""repair_protocol.py - the synthetic damage of the repair evaluation (issue 26): a clean 8-bit
photo with scratches, dust, hairs and a crack network drawn on it, and the true mask kept.

The model, per image of H x W pixels (all lengths in pixels, U[a, b] uniform):
  budget   the damaged fraction of the pixels f ~ U[0.008, 0.012] (about 1 %), shared out as
           cracks 40 %, scratches 35 %, dust 15 %, hairs 10 %; defects of a kind are drawn one
           after the other until the pixels of that kind reach its share, except that a defect
           that would take its kind over 1.25 times its share is dropped and ends the kind (not
           the kind's first), in the order cracks, scratches, hairs, dust (a later defect covers
           an earlier one: each pixel has one kind, that of the last defect drawn on it).
  scratch  a curve from a uniform point, direction U[0, pi), length U[0.1, 0.4] * max(H, W),
           width w ~ U[1, 4]; straight or (probability 1/2) wavy: displaced across its length
           by A sin(2 pi t / lam + phi), A ~ U[2, 10], lam ~ U[40, 200], phi ~ U[0, 2 pi);
           bright (probability 1/2: the emulsion scraped off, level U[215, 255]) or dark
           (level U[0, 40]); opacity U[0.6, 1].
  dust     a filled ellipse at a uniform point, long axis d ~ U[1, 6], short axis
           d * U[0.6, 1], angle U[0, pi); dark (probability 0.6, level U[0, 40]) or bright
           (level U[215, 255]); opacity U[0.7, 1].
  hair     a thin dark curve: width U[1, 2], length U[30, 150], from a uniform point, its
           direction turning smoothly, theta(t) = theta0 + k t + B sin(2 pi t / mu + psi),
           theta0 ~ U[0, 2 pi), k ~ U[-0.03, 0.03] per px, B ~ U[0.2, 0.8], mu ~ U[30, 120],
           psi ~ U[0, 2 pi); level U[0, 50], opacity U[0.7, 1].
  crack    a network like old_photos/scratched/b.png: a main crack from a uniform point on the
           border, heading into the image (the inward normal turned by U[-0.6, 0.6] rad), a
           jagged polyline of steps U[4, 12] long whose direction changes by N(0, 0.35) rad at
           each step, U[0.2, 0.6] * max(H, W) long; at each step a branch starts with
           probability 0.05, turned by +-U[0.4, 1.2] rad, U[0.1, 0.4] times the main crack's
           length (branches branch again with the same rule, depth <= 2); width U[1, 3] per
           crack; bright (probability 0.8: the paper shows, level U[200, 250], its blue
           channel 0.93 times that: a warm white) or dark (level U[0, 40]); opacity U[0.7, 1].
Drawing: each defect is drawn anti-aliased on a 4x finer grid and reduced (area average) to a
coverage a in [0, 1]; coverage under 0.15 is dropped (a = 0), so the image changes exactly on
the true mask, the pixels with a > 0. The damaged pixel is (1 - a o) I + a o (c + n), I the
clean pixel, o the opacity, c the level (per channel for a warm crack) and n ~ N(0, 4) per
pixel (the defect is not flat); rounded and clipped to 0..255.

Seeding: numpy default_rng([seed, h]) with h the first 8 bytes (big-endian) of the SHA-256 of
the file's name (fade_protocol.rng_for), so an image's damage depends on its name and --seed
only. Draw order: f; then the defects kind by kind in the order above, each defect's numbers
in the order written above; then the noise n (H x W).

The holes (hole()): a 40 x 40 square mask at a given place, for the fill of a large area.
"""
import cv2
import numpy as np

from fade_protocol import rng_for

FRACTION = (0.008, 0.012)
SHARES = {"crack": 0.40, "scratch": 0.35, "hair": 0.10, "dust": 0.15}  # drawing order
KINDS = {"scratch": 1, "dust": 2, "hair": 3, "crack": 4}               # the label map's values
THIN = ("scratch", "dust", "hair")
DARK, BRIGHT, HAIR_LEVEL, PAPER = (0, 40), (215, 255), (0, 50), (200, 250)
MIN_COVERAGE = 0.15
NOISE = 4.0
OVER = 1.25                                                           # a kind's area at most this times its share
SS = 4                                                                # the finer grid's factor
HOLE = 40


def _curve(pts, width, shape):
    """Coverage (float32, 0..1) of a polyline of the given width, drawn on the 4x grid."""
    h, w = shape
    big = np.zeros((h * SS, w * SS), np.uint8)
    p = np.round(np.asarray(pts) * SS * 16).astype(np.int32).reshape(-1, 1, 2)  # 4 fractional bits
    cv2.polylines(big, [p], False, 255, max(1, round(width * SS)), cv2.LINE_AA, 4)
    return cv2.resize(big, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0


def _ellipse(c, axes, angle, shape):
    h, w = shape
    big = np.zeros((h * SS, w * SS), np.uint8)
    centre = tuple(int(round(v * SS * 16)) for v in c)
    ax = tuple(max(1, int(round(a * SS * 16 / 2))) for a in axes)
    cv2.ellipse(big, centre, ax, np.degrees(angle), 0, 360, 255, -1, cv2.LINE_AA, 4)
    return cv2.resize(big, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0


def _tone(rng, p_bright, bright=BRIGHT, warm=False):
    """(per-channel level (RGB), opacity drawn by the caller)."""
    if rng.uniform() < p_bright:
        v = rng.uniform(*bright)
        return np.array([v, v, v * 0.93 if warm else v])
    v = rng.uniform(*DARK)
    return np.array([v, v, v])


def scratch(rng, shape):
    h, w = shape
    x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
    theta, length = rng.uniform(0, np.pi), rng.uniform(0.1, 0.4) * max(h, w)
    width = rng.uniform(1, 4)
    wavy = rng.uniform() < 0.5
    amp, lam, phi = rng.uniform(2, 10), rng.uniform(40, 200), rng.uniform(0, 2 * np.pi)
    colour = _tone(rng, 0.5)
    opacity = rng.uniform(0.6, 1.0)
    t = np.linspace(0, length, max(2, int(length / 2)))
    off = amp * np.sin(2 * np.pi * t / lam + phi) if wavy else 0 * t
    d, n = np.array([np.cos(theta), np.sin(theta)]), np.array([-np.sin(theta), np.cos(theta)])
    pts = np.array([x0, y0]) + t[:, None] * d + off[:, None] * n
    return _curve(pts, width, shape), colour, opacity


def dust(rng, shape):
    h, w = shape
    c = (rng.uniform(0, w), rng.uniform(0, h))
    d = rng.uniform(1, 6)
    axes = (d, d * rng.uniform(0.6, 1.0))
    angle = rng.uniform(0, np.pi)
    colour = _tone(rng, 0.4)
    opacity = rng.uniform(0.7, 1.0)
    return _ellipse(c, axes, angle, shape), colour, opacity


def hair(rng, shape):
    h, w = shape
    width, length = rng.uniform(1, 2), rng.uniform(30, 150)
    x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
    th0, k = rng.uniform(0, 2 * np.pi), rng.uniform(-0.03, 0.03)
    b, mu, psi = rng.uniform(0.2, 0.8), rng.uniform(30, 120), rng.uniform(0, 2 * np.pi)
    v = rng.uniform(*HAIR_LEVEL)
    opacity = rng.uniform(0.7, 1.0)
    t = np.arange(0, length, 1.0)
    theta = th0 + k * t + b * np.sin(2 * np.pi * t / mu + psi)
    pts = np.array([x0, y0]) + np.cumsum(np.stack([np.cos(theta), np.sin(theta)], 1), 0)
    return _curve(pts, width, shape), np.array([v, v, v]), opacity


def _crack_path(rng, start, heading, length, depth, paths):
    """A jagged polyline from start; branches are appended to paths (depth <= 2)."""
    pts, p, th, done = [np.array(start)], np.array(start, float), heading, 0.0
    branches = []
    while done < length:
        step = rng.uniform(4, 12)
        th += rng.normal(0, 0.35)
        p = p + step * np.array([np.cos(th), np.sin(th)])
        pts.append(p.copy())
        done += step
        if depth < 2 and rng.uniform() < 0.05:
            turn = rng.choice([-1, 1]) * rng.uniform(0.4, 1.2)
            branches.append((p.copy(), th + turn, rng.uniform(0.1, 0.4) * length))
    paths.append((np.array(pts), rng.uniform(1, 3)))
    for b in branches:
        _crack_path(rng, *b, depth + 1, paths)


def crack(rng, shape):
    h, w = shape
    side, u = rng.integers(4), rng.uniform()
    start, normal = [((u * w, 0), np.pi / 2), ((u * w, h), -np.pi / 2), ((0, u * h), 0.0),
                     ((w, u * h), np.pi)][side]
    heading = normal + rng.uniform(-0.6, 0.6)
    length = rng.uniform(0.2, 0.6) * max(h, w)
    paths = []
    _crack_path(rng, start, heading, length, 0, paths)
    colour = _tone(rng, 0.8, PAPER, warm=True)
    opacity = rng.uniform(0.7, 1.0)
    cover = np.zeros(shape, np.float32)
    for pts, width in paths:
        cover = np.maximum(cover, _curve(pts, width, shape))
    return cover, colour, opacity


MAKERS = {"crack": crack, "scratch": scratch, "hair": hair, "dust": dust}


def damage(rgb8, rng):
    """HxWx3 RGB uint8 -> (damaged RGB uint8, label map uint8 (0 clean, else KINDS), facts)."""
    h, w = rgb8.shape[:2]
    frac = rng.uniform(*FRACTION)
    alpha = np.zeros((h, w), np.float32)
    colour = np.zeros((h, w, 3), np.float32)
    label = np.zeros((h, w), np.uint8)
    facts = {"fraction_target": frac}
    for kind, share in SHARES.items():
        goal, n = share * frac * h * w, 0
        while np.count_nonzero(label == KINDS[kind]) < goal:
            cover, c, o = MAKERS[kind](rng, (h, w))
            a = np.where(cover >= MIN_COVERAGE, cover * o, 0).astype(np.float32)
            on = a > 0
            if n and np.count_nonzero((label == KINDS[kind]) | on) > OVER * goal:
                break  # this one would take the kind well over its share: dropped, the kind ends
            alpha[on], colour[on], label[on] = a[on], c, KINDS[kind]
            n += 1
        facts[f"n_{kind}"] = n
    noise = rng.normal(0, NOISE, (h, w)).astype(np.float32)
    a = alpha[:, :, None]
    out = (1 - a) * rgb8.astype(np.float32) + a * (colour + noise[:, :, None])
    out = np.where(a > 0, out, rgb8)
    for kind, v in KINDS.items():
        facts[f"pct_{kind}"] = 100.0 * np.count_nonzero(label == v) / (h * w)
    facts["pct_damaged"] = 100.0 * np.count_nonzero(label) / (h * w)
    return np.clip(np.round(out), 0, 255).astype(np.uint8), label, facts


def degrade(path, seed):
    """The damaged version of the photo at path: (RGB uint8, label map, {fact: value})."""
    rgb = cv2.imread(path, cv2.IMREAD_COLOR)[:, :, ::-1]
    return damage(rgb, rng_for(path, seed))


def hole(shape, x, y, size=HOLE):
    """A size x size square mask (uint8 0/255) with its top-left corner at (x, y)."""
    m = np.zeros(shape[:2], np.uint8)
    m[y:y + size, x:x + size] = 255
    return m
