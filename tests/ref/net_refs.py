#!/usr/bin/python3
"""OpenCV DNN's answers for the colorization network on the synthetic models: for each input
(a Kodak photo's L at 224, and a seeded random field), the L fed in, conv8_313's logits and
class8_ab's ab output, written as NHWC float references (format: see make_refs.py).
  net_refs.py SHARED MODELDIR OUT"""
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_refs import write  # noqa: E402

SHARED, MODELS, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
proto = os.path.join(SHARED, "reference", "colorization_deploy_v2.prototxt")


def inputs():
    rgb = cv2.imread(os.path.join(SHARED, "datasets", "kodak", "kodim23.png"))[:, :, ::-1].astype(np.float32) / 255
    small = cv2.resize(rgb, (224, 224))  # as OpenCV's colorization sample does
    yield "kodim23", cv2.cvtColor(small, cv2.COLOR_RGB2Lab)[:, :, 0]
    field = cv2.GaussianBlur(np.random.default_rng(7).uniform(0, 100, (224, 224)).astype(np.float32), (0, 0), 3)
    yield "random", np.clip((field - field.mean()) * 8 + 50, 0, 100)


net = cv2.dnn.readNetFromCaffe(proto, os.path.join(MODELS, "synthetic-1.caffemodel"))
for name, L in inputs():
    net.setInput((L - 50).reshape(1, 1, 224, 224).astype(np.float32))
    ab, logits = net.forward(["class8_ab", "conv8_313"])
    write(os.path.join(OUT, f"{name}.l.ref"), L.astype(np.float32))
    write(os.path.join(OUT, f"{name}.ab.ref"), ab[0].transpose(1, 2, 0))
    write(os.path.join(OUT, f"{name}.logits.ref"), logits[0].transpose(1, 2, 0))
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
