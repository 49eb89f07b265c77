"""srgb.py - the sRGB transfer curve (IEC 61966-2-1) and 8-bit conversions, shared by the
evaluations' protocols and peers (lowlight, fade). Linear values are floats in 0..1."""
import numpy as np

LUMA = np.array([0.2126, 0.7152, 0.0722])  # Rec. 709 / sRGB primaries, linear light


def srgb_to_linear(v):
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(v):
    return np.where(v <= 0.0031308, 12.92 * v, 1.055 * np.power(np.maximum(v, 0), 1 / 2.4) - 0.055)


def rgb8_to_linear(rgb8):
    return srgb_to_linear(rgb8.astype(np.float64) / 255.0)


def linear_to_rgb8(lin):
    return np.clip(np.round(linear_to_srgb(np.clip(lin, 0, 1)) * 255.0), 0, 255).astype(np.uint8)
