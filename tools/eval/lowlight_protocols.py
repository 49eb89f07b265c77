"""lowlight_protocols.py - the synthetic degradations of the low-light evaluation (issue 15).

Every protocol turns a clean 8-bit sRGB photo into what a small sensor would record with too
little light, through one simulated sensor (sensor() below):
  sRGB -> linear; multiply by an exposure k (a number or a per-pixel map); Poisson photon
  noise with 1000*k photons at full scale (N ~ Poisson(1000*k*lin), value N/1000); Gaussian
  read noise sigma 0.002; clip to 0..1; back to sRGB; round to 8 bits.

  uniform  one exposure k ~ U[0.04, 0.15] for the whole photo (the original protocol; its
           generator stays numpy default_rng([seed, i]) so its figures stay comparable with
           the ones already published in the README);
  uneven   backlit light: k(p) = k_lo * (k_hi / k_lo) ** f(p), k_lo ~ U[0.02, 0.06],
           k_hi ~ U[0.5, 1.0], f = clip(0.6 m + 0.4 clip(r, 0, 1), 0, 1), where m is the
           photo's linear luminance blurred with a Gaussian of sigma 0.06 x its long side and
           min-max normalised to 0..1 (bright parts of the scene stay bright, as when the light
           is behind the subject) and r = (cos a (x/w - 0.5) + sin a (y/h - 0.5)) * 1.4 + 0.5
           with a ~ U[0, 2 pi) is a random linear ramp (light falls off across the frame);
  mild     the same with k_hi ~ U[0.15, 0.5].
The uneven and mild generators are numpy default_rng([seed, protocol id, i]) for image i, drawn
in this order: k_lo, k_hi, a, then the Poisson and the Gaussian noise.
"""
import cv2
import numpy as np

from srgb import LUMA, linear_to_rgb8, rgb8_to_linear

PHOTONS = 1000.0          # photons at full scale for exposure 1
READ_NOISE = 0.002        # Gaussian read noise, linear units
UNIFORM_K = (0.04, 0.15)
K_LO = (0.02, 0.06)
K_HI = {"uneven": (0.5, 1.0), "mild": (0.15, 0.5)}
PROTOCOL_ID = {"uniform": 0, "uneven": 1, "mild": 2}


def sensor(lin, k, rng):
    """Linear scene (HxWx3) seen with exposure k (scalar or HxWx1) -> noisy 8-bit sRGB.
    The expression order matches the original protocol so its images stay bit-identical."""
    photons = rng.poisson(lin * PHOTONS * k)
    noisy = photons / PHOTONS + rng.normal(0.0, READ_NOISE, lin.shape)
    return linear_to_rgb8(noisy)


def degrade_uniform(rgb8, rng):
    """The original protocol: one exposure for the whole frame. Returns (RGB8, k)."""
    lin = rgb8_to_linear(rgb8)
    k = rng.uniform(*UNIFORM_K)
    return sensor(lin, k, rng), k


def luminance_map(lin):
    """m: linear luminance blurred at sigma 0.06 x the long side, min-max normalised to 0..1.
    The blur is so wide that m follows the scene's large bright and dark areas, not texture."""
    y = lin @ LUMA
    sigma = 0.06 * max(y.shape)
    m = cv2.GaussianBlur(y, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    lo, hi = float(m.min()), float(m.max())
    return (m - lo) / (hi - lo) if hi > lo else np.zeros_like(m)


def ramp(h, w, angle):
    """r: a linear ramp across the frame in direction angle, 0.5 at the centre, slope 1.4."""
    x = np.arange(w, dtype=np.float64)[None, :] / w - 0.5
    y = np.arange(h, dtype=np.float64)[:, None] / h - 0.5
    return (np.cos(angle) * x + np.sin(angle) * y) * 1.4 + 0.5


def exposure_map(lin, k_lo, k_hi, angle):
    """k(p) = k_lo * (k_hi / k_lo) ** f(p), f = clip(0.6 m + 0.4 clip(r, 0, 1), 0, 1): HxW."""
    m = luminance_map(lin)
    r = ramp(lin.shape[0], lin.shape[1], angle)
    f = np.clip(0.6 * m + 0.4 * np.clip(r, 0, 1), 0, 1)
    return k_lo * (k_hi / k_lo) ** f


def degrade_uneven(rgb8, rng, k_hi_range):
    """Backlit light. Returns (RGB8, facts) with the drawn k_lo, k_hi, angle and the map's mean."""
    lin = rgb8_to_linear(rgb8)
    k_lo = rng.uniform(*K_LO)
    k_hi = rng.uniform(*k_hi_range)
    angle = rng.uniform(0.0, 2 * np.pi)
    k = exposure_map(lin, k_lo, k_hi, angle)
    out = sensor(lin, k[:, :, None], rng)
    facts = {"k_lo": k_lo, "k_hi": k_hi, "angle": angle, "k_mean": float(k.mean()),
             "k_min": float(k.min()), "k_max": float(k.max()), "k_seen": realised_exposure(rgb8, out)}
    check_uneven(facts)
    return out, facts


def realised_exposure(clean8, low8):
    """The exposure the output actually shows: its mean linear light over the clean photo's.
    Measured from the 8-bit images, so it checks the whole chain, not the formula's own code."""
    return float(rgb8_to_linear(low8).mean() / max(rgb8_to_linear(clean8).mean(), 1e-9))


def check_uneven(facts):
    """The degradation must match its formula: the map lies in [k_lo, k_hi], and the light the
    output really records is within those bounds (a 15 % margin covers the read noise that
    clipping at 0 turns into a bias in the darkest parts, and the 8-bit rounding)."""
    k_lo, k_hi = facts["k_lo"], facts["k_hi"]
    assert k_lo - 1e-12 <= facts["k_min"] <= facts["k_mean"] <= facts["k_max"] <= k_hi + 1e-12, facts
    assert 0.85 * k_lo <= facts["k_seen"] <= 1.15 * k_hi, facts


def degrade(protocol, rgb8, seed, i):
    """Image i of a protocol -> (RGB8, facts dict), seeded as the module docstring says."""
    if protocol == "uniform":
        out, k = degrade_uniform(rgb8, np.random.default_rng([seed, i]))
        return out, {"k": k, "k_seen": realised_exposure(rgb8, out)}
    rng = np.random.default_rng([seed, PROTOCOL_ID[protocol], i])
    return degrade_uneven(rgb8, rng, K_HI[protocol])
