#!/usr/bin/python3
"""Reference data from the independent peers: Pillow for decoding, OpenCV for colour and
resampling. Written to OUT (tools/studio passes build/ref); the C and Node tests compare
against it. Needs Debian's python3-pil, python3-opencv, python3-numpy. What needs no dataset
is always written: the Lab table grid, and the colour and resize comparisons on a photo made
by code (scene.py, named "scene"). What SHARED/datasets holds adds the rest: Pillow's pixels
for PngSuite, the JPEG oddities and the EXIF set, and the same OpenCV comparisons on Kodak's
kodim03 and kodim23 (Kodak parity).
  make_refs.py SHARED OUT

File format, shared by every reference: a text header line "W H C TYPE\n" (TYPE u8 or f32)
then the raw interleaved samples, little-endian."""
import os
import sys

import cv2
import numpy as np
from PIL import Image, ImageOps

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scene import scene_rgb  # noqa: E402

SHARED, OUT = sys.argv[1], sys.argv[2]


def write(path, arr):
    arr = np.ascontiguousarray(arr)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    h, w, c = arr.shape
    kind = "u8" if arr.dtype == np.uint8 else "f32"
    arr = arr.astype(np.uint8 if kind == "u8" else "<f4")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(f"{w} {h} {c} {kind}\n".encode())
        f.write(arr.tobytes())


def pillow_rgba(im, bit_depth=8):
    """RGBA8 as Pillow decodes it; 16-bit samples reduced to their high byte (what we document).
    Pillow quirk: for 1/2/4-bit grey it scales the pixels to 0..255 but compares them with the
    unscaled tRNS key, so it never finds the transparent pixels; scale the key as the PNG
    spec means it."""
    if im.mode == "L" and "transparency" in im.info and bit_depth < 8:
        g = np.array(im)
        key = im.info["transparency"] * (255 // ((1 << bit_depth) - 1))
        return np.dstack([g, g, g, np.where(g == key, 0, 255).astype(np.uint8)])
    if im.mode in ("I;16", "I;16B", "I"):
        a = np.array(im).astype(np.uint32)
        g = (a >> 8).astype(np.uint8)
        alpha = np.full(g.shape, 255, np.uint8)
        t = im.info.get("transparency")
        if t is not None:
            alpha[a == t] = 0
        return np.dstack([g, g, g, alpha])
    return np.array(im.convert("RGBA"))


def dataset(sub):
    """The dataset's directory, or an empty list of names when ../shared lacks it."""
    d = os.path.join(SHARED, "datasets", sub)
    return d, sorted(os.listdir(d)) if os.path.isdir(d) else []


def pngsuite():
    d, names = dataset("conformance/pngsuite")
    for name in names:
        if not name.endswith(".png") or name.startswith("x") or name == "PngSuite.png":
            continue
        path = os.path.join(d, name)
        with open(path, "rb") as f:
            bit_depth = f.read(25)[24]  # IHDR's bit depth
        with Image.open(path) as im:
            write(os.path.join(OUT, "pngsuite", name + ".ref"), pillow_rgba(im, bit_depth))


def jpegs():
    d, names = dataset("conformance/jpeg")
    for name in names:
        if not name.endswith(".jpg"):
            continue
        try:
            with Image.open(os.path.join(d, name)) as im:
                im.load()
                write(os.path.join(OUT, "jpeg", name + ".ref"), np.array(im.convert("RGBA")))
        except Exception:
            pass  # Pillow refuses it too; the tests expect a refusal by name


def exif():
    d, names = dataset("conformance/exif-orientation")
    for name in names:
        if name.endswith(".jpg"):
            with Image.open(os.path.join(d, name)) as im:
                write(os.path.join(OUT, "exif", name + ".ref"), np.array(ImageOps.exif_transpose(im).convert("RGBA")))


def lab_grid():
    """cv2's float RGB->Lab interpolates a 33x33x33 table (trilinear), off the exact CIE
    formulas by up to ~0.4 in L between nodes; on the nodes it is exact, so that is where the
    conventions (matrix, white point, thresholds) are compared to < 0.01."""
    g = np.arange(33, dtype=np.float32) / 32
    r, gg, b = np.meshgrid(g, g, g, indexing="ij")
    rgb = np.stack([r, gg, b], -1).reshape(33 * 33, 33, 3).astype(np.float32)
    write(os.path.join(OUT, "color", "grid.rgb.ref"), rgb)
    write(os.path.join(OUT, "color", "grid.lab.ref"), cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab))


def photos():
    """The generated photo, then the Kodak ones where ../shared has them (same 768x512 size,
    so every comparison means the same on each)."""
    yield "scene", scene_rgb()
    d, names = dataset("kodak")
    for k in ("kodim03", "kodim23"):
        if f"{k}.png" in names:
            yield k, np.array(Image.open(os.path.join(d, f"{k}.png")).convert("RGB"))


def colour_and_resize():
    for k, rgb in photos():
        f = rgb.astype(np.float32) / 255.0
        lab = cv2.cvtColor(f, cv2.COLOR_RGB2Lab)
        write(os.path.join(OUT, "color", f"{k}.rgb.ref"), rgb)
        write(os.path.join(OUT, "color", f"{k}.lab.ref"), lab)
        write(os.path.join(OUT, "color", f"{k}.lab2rgb.ref"), cv2.cvtColor(lab, cv2.COLOR_Lab2RGB))
        write(os.path.join(OUT, "color", f"{k}.hsv.ref"), cv2.cvtColor(f, cv2.COLOR_RGB2HSV))
        h, w = f.shape[:2]
        sizes = {"lin_224x224": ((224, 224), cv2.INTER_LINEAR), "lin_up": ((w * 3 // 2 + 1, h * 5 // 3), cv2.INTER_LINEAR),
                 "area_half": ((w // 2, h // 2), cv2.INTER_AREA), "area_odd": ((w * 2 // 7, h * 3 // 10), cv2.INTER_AREA)}
        for tag, (size, interp) in sizes.items():
            write(os.path.join(OUT, "resize", f"{k}.{tag}.ref"), cv2.resize(f, size, interpolation=interp))


if __name__ == "__main__":
    pngsuite(); jpegs(); exif(); lab_grid(); colour_and_resize()
    open(os.path.join(OUT, "STAMP"), "w").write("ok\n")
    print(f"references written to {OUT}")
