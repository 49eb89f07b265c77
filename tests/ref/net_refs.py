#!/usr/bin/python3
"""OpenCV DNN's answers for the colorization network on the synthetic models: for each case
(model seed, input, network size: a textured grey photo (scene.py) at 256 and 512, a seeded
random field, and Kodak's kodim23 when ../shared has it), the L fed in, conv8_313's logits and
class8_ab's ab output, written as NHWC float references named MODEL.INPUT-SIZE.{l,logits,ab}.ref
(format: see make_refs.py); then OpenCV's colorization sample on the grey photo at full size.
  net_refs.py SHARED MODELDIR OUT

The network definition and the bin centres are MODELDIR/eccv16.prototxt and ab-bins.txt, as
the native CLI prints them (`studio-cli convert --print-prototxt`, `--print-bins`), so no file
of the authors' is needed. When SHARED/reference holds the authors' colorization_deploy_v2.prototxt
and pts_in_hull.npy, OpenCV must give exactly the same outputs with them: otherwise the table
our reader checks against has drifted from the released network, and this stops."""
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_refs import write  # noqa: E402
from scene import scene_grey  # noqa: E402

SHARED, MODELS, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
PROTO = os.path.join(MODELS, "eccv16.prototxt")
PTS = np.loadtxt(os.path.join(MODELS, "ab-bins.txt"), dtype=np.float32)  # (313, 2)
KODIM23 = os.path.join(SHARED, "datasets", "kodak", "kodim23.png")


def lab_l(grey_or_rgb, size):
    rgb = grey_or_rgb.astype(np.float32) / 255
    if rgb.ndim == 2:
        rgb = cv2.cvtColor(rgb, cv2.COLOR_GRAY2RGB)
    small = cv2.resize(rgb, (size, size))  # as OpenCV's colorization sample does
    return cv2.cvtColor(small, cv2.COLOR_RGB2Lab)[:, :, 0]


def kodak_l(size):
    return lab_l(cv2.imread(KODIM23)[:, :, ::-1], size)


def scene_l(size):
    return lab_l(scene_grey(), size)


def random_l(size):
    field = cv2.GaussianBlur(np.random.default_rng(7).uniform(0, 100, (size, size)).astype(np.float32), (0, 0), 3)
    return np.clip((field - field.mean()) * 8 + 50, 0, 100)


def load(model, proto=PROTO, pts=PTS):
    net = cv2.dnn.readNetFromCaffe(proto, os.path.join(MODELS, f"{model}.caffemodel"))
    if model.endswith("no-bins"):
        # as OpenCV's colorization sample completes the released file
        net.getLayer(net.getLayerId("class8_ab")).blobs = [pts.T.reshape(2, 313, 1, 1).astype(np.float32)]
        net.getLayer(net.getLayerId("conv8_313_rh")).blobs = [np.full([1, 313], 2.606, np.float32)]
    return net


def forward(net, L):
    size = L.shape[0]
    net.setInput((L - 50).reshape(1, 1, size, size).astype(np.float32))
    ab, logits = net.forward(["class8_ab", "conv8_313"])
    return ab, logits


def same_as_authors():
    """The authors' definition and bins, where present, give OpenCV the very same outputs."""
    ref = os.path.join(SHARED, "reference")
    proto, pts = os.path.join(ref, "colorization_deploy_v2.prototxt"), os.path.join(ref, "pts_in_hull.npy")
    if os.path.exists(pts) and not np.array_equal(np.load(pts).astype(np.float32), PTS):
        sys.exit(f"net_refs.py: the built-in bin centres differ from {pts}")
    if not os.path.exists(proto):
        return
    authors_pts = np.load(pts).astype(np.float32) if os.path.exists(pts) else PTS
    for model, L in (("synthetic-1", random_l(224)), ("synthetic-2-no-bins", scene_l(224))):
        ours, theirs = forward(load(model), L), forward(load(model, proto, authors_pts), L)
        for a, b in zip(ours, theirs):
            if not np.array_equal(a, b):
                sys.exit(f"net_refs.py: OpenCV gives other outputs with {PROTO} than with {proto} (max diff {np.abs(a - b).max()})")


same_as_authors()
CASES = [("synthetic-1", "random", random_l, 224), ("synthetic-1", "scene", scene_l, 256), ("synthetic-1", "scene", scene_l, 512),
         ("synthetic-2-no-bins", "scene", scene_l, 224), ("synthetic-2-no-bins", "random", random_l, 320)]
if os.path.exists(KODIM23):
    CASES.append(("synthetic-1", "kodim23", kodak_l, 224))
for model, name, make, size in CASES:
    L = make(size)
    ab, logits = forward(load(model), L)
    base = os.path.join(OUT, f"{model}.{name}-{size}")
    write(base + ".l.ref", L.astype(np.float32))
    write(base + ".ab.ref", ab[0].transpose(1, 2, 0))
    write(base + ".logits.ref", logits[0].transpose(1, 2, 0))
print(f"network references written to {OUT}")

# The whole pipeline as OpenCV's colorization sample runs it (bilinear), on the grey photo at
# full size; 8-bit output rounded to nearest (the sample truncates; rounding is ours).
net = load("synthetic-1")
grey = scene_grey()
rgb = cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB).astype(np.float32) / 255
L = cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab)[:, :, 0]
small = cv2.cvtColor(cv2.resize(rgb, (224, 224)), cv2.COLOR_RGB2Lab)[:, :, 0] - 50
net.setInput(cv2.dnn.blobFromImage(small))
ab = net.forward()[0].transpose(1, 2, 0)
ab_full = cv2.resize(ab, (rgb.shape[1], rgb.shape[0]))
out = np.clip(cv2.cvtColor(np.dstack([L, ab_full]).astype(np.float32), cv2.COLOR_Lab2RGB), 0, 1)
cv2.imwrite(os.path.join(OUT, "scene-grey.png"), grey)
write(os.path.join(OUT, "scene-pipeline.ref"), np.round(out * 255).astype(np.uint8))
