#!/usr/bin/python3
"""OpenCV DNN's answers for the colorization network on the synthetic models: for each case
(model seed, input, network size: a Kodak photo's L at 224, 256 and 512, a seeded random
field), the L fed in, conv8_313's logits and class8_ab's ab output, written as NHWC float
references named MODEL.INPUT-SIZE.{l,logits,ab}.ref (format: see make_refs.py).
  net_refs.py SHARED MODELDIR OUT"""
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_refs import write  # noqa: E402

SHARED, MODELS, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
proto = os.path.join(SHARED, "reference", "colorization_deploy_v2.prototxt")


def kodak_l(size):
    rgb = cv2.imread(os.path.join(SHARED, "datasets", "kodak", "kodim23.png"))[:, :, ::-1].astype(np.float32) / 255
    small = cv2.resize(rgb, (size, size))  # as OpenCV's colorization sample does
    return cv2.cvtColor(small, cv2.COLOR_RGB2Lab)[:, :, 0]


def random_l(size):
    field = cv2.GaussianBlur(np.random.default_rng(7).uniform(0, 100, (size, size)).astype(np.float32), (0, 0), 3)
    return np.clip((field - field.mean()) * 8 + 50, 0, 100)


def load(model):
    net = cv2.dnn.readNetFromCaffe(proto, os.path.join(MODELS, f"{model}.caffemodel"))
    if model.endswith("no-bins"):
        # as OpenCV's colorization sample completes the released file
        pts = np.load(os.path.join(SHARED, "reference", "pts_in_hull.npy")).transpose().reshape(2, 313, 1, 1)
        net.getLayer(net.getLayerId("class8_ab")).blobs = [pts.astype(np.float32)]
        net.getLayer(net.getLayerId("conv8_313_rh")).blobs = [np.full([1, 313], 2.606, np.float32)]
    return net


CASES = [("synthetic-1", "kodim23", kodak_l, 224), ("synthetic-1", "random", random_l, 224),
         ("synthetic-1", "kodim23", kodak_l, 256), ("synthetic-1", "kodim23", kodak_l, 512),
         ("synthetic-2-no-bins", "kodim23", kodak_l, 224), ("synthetic-2-no-bins", "random", random_l, 320)]
for model, name, make, size in CASES:
    net = load(model)
    L = make(size)
    net.setInput((L - 50).reshape(1, 1, size, size).astype(np.float32))
    ab, logits = net.forward(["class8_ab", "conv8_313"])
    base = os.path.join(OUT, f"{model}.{name}-{size}")
    write(base + ".l.ref", L.astype(np.float32))
    write(base + ".ab.ref", ab[0].transpose(1, 2, 0))
    write(base + ".logits.ref", logits[0].transpose(1, 2, 0))
net = load("synthetic-1")
print(f"network references written to {OUT}")

# The whole pipeline as OpenCV's colorization sample runs it (bilinear), on a grey photo at
# full size; 8-bit output rounded to nearest (the sample truncates; rounding is ours).
grey = cv2.imread(os.path.join(SHARED, "datasets", "kodak", "kodim23.png"), cv2.IMREAD_GRAYSCALE)
rgb = cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB).astype(np.float32) / 255
L = cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab)[:, :, 0]
small = cv2.cvtColor(cv2.resize(rgb, (224, 224)), cv2.COLOR_RGB2Lab)[:, :, 0] - 50
net.setInput(cv2.dnn.blobFromImage(small))
ab = net.forward()[0].transpose(1, 2, 0)
ab_full = cv2.resize(ab, (rgb.shape[1], rgb.shape[0]))
out = np.clip(cv2.cvtColor(np.dstack([L, ab_full]).astype(np.float32), cv2.COLOR_Lab2RGB), 0, 1)
cv2.imwrite(os.path.join(OUT, "kodim23-grey.png"), grey)
write(os.path.join(OUT, "kodim23-pipeline.ref"), np.round(out * 255).astype(np.uint8))
