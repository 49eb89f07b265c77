#!/usr/bin/env python3
"""make_seeds.py CORPUS [SHARED] [TEST_MODELS] - small valid inputs for the fuzz targets, one
folder per target under CORPUS (caffe, npy, modelfile, hints). Standard library only.
Real models are 130 MB or more, far past what a fuzzer mutates usefully, so the Caffe seeds
are tiny hand-encoded nets (new-style and V1, packed and unpacked, float and double) plus,
when the synthetic test models are there, the leading whole layers of one (under 60 kB:
the real names, types and layer parameters); the model-file seeds are tiny nets laid out as
models/README.md describes, at each precision."""
import os
import struct
import sys


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def key(field, wire):
    return varint(field << 3 | wire)


def ld(field, payload):
    return key(field, 2) + varint(len(payload)) + payload


def vi(field, v):
    return key(field, 0) + varint(v)


def blob_new(dims, values):  # BlobProto: shape (7) packed dims, data (5) packed floats
    return ld(7, ld(1, b"".join(varint(d) for d in dims))) + ld(5, struct.pack("<%df" % len(values), *values))


def blob_legacy(dims, values, double=False):  # num/channels/height/width, unpacked values
    out = b"".join(vi(i + 1, d) for i, d in enumerate(dims))
    for v in values:
        out += key(8, 1) + struct.pack("<d", v) if double else key(5, 5) + struct.pack("<f", v)
    return out


def caffe_seeds(test_models):
    w = [0.5 * i - 2 for i in range(18)]
    conv = ld(1, b"conv1_1") + ld(2, b"Convolution") + ld(7, blob_new([2, 1, 3, 3], w)) + ld(7, blob_new([2], [0.1, -0.1]))
    bn = ld(1, b"bn1") + ld(2, b"BatchNorm") + ld(7, blob_new([2], [1, 2])) + ld(7, blob_new([2], [3, 4])) + ld(7, blob_new([1], [1]))
    seeds = {"new.caffemodel": ld(1, b"tiny") + ld(100, ld(1, b"data") + ld(2, b"Input")) + ld(100, conv) + ld(100, bn)}
    v1 = ld(4, b"conv1_1") + vi(5, 4) + ld(6, blob_legacy([2, 1, 3, 3], w)) + ld(6, blob_legacy([1, 1, 1, 2], [0.1, -0.1], double=True))
    seeds["v1.caffemodel"] = ld(1, b"tiny-v1") + ld(2, v1) + ld(2, ld(4, b"up") + vi(5, 39) + ld(6, blob_legacy([1, 2, 2, 2], w[:8])))
    real = os.path.join(test_models or "", "synthetic-1.caffemodel")
    if test_models and os.path.exists(real):
        with open(real, "rb") as f:
            head = f.read(1 << 20)
        at, keep = 0, 0
        while at < len(head):  # whole top-level fields only, so the prefix is itself valid
            start = at
            k, at = read_varint(head, at)
            wire = k & 7
            if wire == 0:
                _, at = read_varint(head, at)
            elif wire == 2:
                n, at = read_varint(head, at)
                at += n
            else:
                at += 8 if wire == 1 else 4
            if at > len(head) or at > 60000:
                break
            keep = at
            del start
        if keep:
            seeds["synthetic-1-prefix.caffemodel"] = head[:keep]
    return seeds


def read_varint(b, at):
    v = shift = 0
    while True:
        c = b[at]
        at += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return v, at


def npy(descr, shape, values, fmt, version=1):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, "".join("%d, " % d for d in shape))
    pre = 10 if version == 1 else 12
    header += " " * ((64 - (pre + len(header) + 1) % 64) % 64) + "\n"
    size = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + size + header.encode() + struct.pack("<%d%s" % (len(values), fmt), *values)


def npy_seeds(shared):
    seeds = {
        "f4.npy": npy("<f4", [3, 2], [1, 2, 3, 4, 5, 6], "f"),
        "f8.npy": npy("<f8", [4], [0.5, -1, 2, 1e300], "d"),
        "i4.npy": npy("<i4", [2, 1, 2], [-1, 2, -3, 4], "i", version=2),
        "i8.npy": npy("<i8", [], [7], "q", version=3),
    }
    pts = os.path.join(shared or "", "reference", "pts_in_hull.npy")
    if shared and os.path.exists(pts):
        with open(pts, "rb") as f:
            seeds["pts_in_hull.npy"] = f.read()
    return seeds


def fnv1a(b):
    h = 1469598103934665603
    for c in b:
        h = ((h ^ c) * 1099511628211) & (2**64 - 1)
    return h


def modelfile(prec, layers):
    """layers: [(name, type, [(dtype, dims, payload bytes)])]; the layout of es_model_write."""
    entries = [(n, t, b, blob) for n, t, blobs in layers for b, blob in enumerate(blobs)]
    start = -(-(64 + 160 * len(entries)) // 64) * 64
    table, payload, at = b"", b"", start
    for name, typ, b, (dt, dims, data) in entries:
        e = name.encode().ljust(64, b"\0") + typ.encode().ljust(32, b"\0") + struct.pack("<III", b, dt, len(dims))
        e += b"".join(struct.pack("<I", d) for d in dims).ljust(20, b"\0") + struct.pack("<QQ", at, len(data))
        table += e.ljust(160, b"\0")
        padded = data.ljust(-(-len(data) // 64) * 64, b"\0")
        payload += padded
        at += len(padded)
    total = start + len(payload)
    body = table.ljust(start - 64, b"\0") + payload
    head = b"ESMODEL\0" + struct.pack("<IIII", 1, prec, 1, len(entries)) + struct.pack("<QQQQ", 64, start, total, fnv1a(body))
    return head.ljust(64, b"\0") + body


def modelfile_seeds():
    w = [0.25 * i - 2 for i in range(18)]
    f32 = lambda v: struct.pack("<%df" % len(v), *v)
    bias = (0, [2], f32([0.1, -0.1]))
    seeds = {"f32.esm": modelfile(0, [("conv1_1", "Convolution", [(0, [2, 1, 3, 3], f32(w)), bias])])}
    f16 = b"".join(struct.pack("<e", v) for v in w)
    seeds["f16.esm"] = modelfile(1, [("conv1_1", "Convolution", [(1, [2, 1, 3, 3], f16), bias]), ("bn1", "BatchNorm", [(0, [1], f32([1]))])])
    q = bytes((i * 7) & 0xFF for i in range(18))
    seeds["int8.esm"] = modelfile(2, [("conv1_1", "Convolution", [(2, [2, 1, 3, 3], f32([0.01, 0.02]) + q), bias]),
                                      ("conv8_1", "Deconvolution", [(2, [1, 2, 3, 3], f32([0.5, 0.25]) + q)])])
    return seeds


HINTS = {
    "points.json": '{"width": 64, "height": 48, "points": [{"x": 3.5, "y": 2, "r": 2, "rgb": [255, 0, 10]}, {"x": 63.99, "y": 47, "rgb": [0, 0, 0]}]}',
    "strokes.json": '{"width": 640, "height": 480, "strokes": [{"rgb": [10, 200, 30], "width": 12.5, "path": [[0, 0], [100.25, 40], [639.5, 479.5]]}]}',
    "both.json": '{\n  "width": 1, "height": 1,\n  "points": [{"x": 0, "y": 0, "r": 256, "rgb": [1, 2, 3]}],\n  "strokes": [{"rgb": [4, 5, 6], "width": 1024, "path": [[0.5, 0.5]]}]\n}\n',
    "empty.json": '{"width": 65535, "height": 65535, "points": [], "strokes": []}',
}


def main():
    corpus = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else None
    models = sys.argv[3] if len(sys.argv) > 3 else None
    sets = {"caffe": caffe_seeds(models), "npy": npy_seeds(shared), "modelfile": modelfile_seeds(),
            "hints": {k: v.encode() for k, v in HINTS.items()}}
    for target, files in sets.items():
        os.makedirs(os.path.join(corpus, target), exist_ok=True)
        for name, data in files.items():
            with open(os.path.join(corpus, target, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
