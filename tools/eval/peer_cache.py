"""peer_cache.py - the evaluations' peers (lowlight, fade, repair) run in a process pool, one OpenCV
thread each, through a cache: OUT/peer-cache/PEER/KEY.png with KEY.json (the seconds the call
took), KEY hashing the input's bytes and the peers' source (source_key), so a re-run after a
change to ours only runs ours. A peer is a module-level function from an 8-bit BGR image to an
8-bit BGR image of the same size (module-level so that the pool can send it to a worker); with
`masks` given to run(), a function of the image and its mask (8-bit greyscale), the mask's bytes
then part of the key. A peer that returns None failed on that input (it says why): nothing is
cached and per_set leaves that input out."""
import hashlib
import json
import os
import time

import cv2


def worker_init():
    """The pool's initializer: one OpenCV thread per process."""
    cv2.setNumThreads(1)


def source_key(paths, extra=""):
    """Changes whenever one of the files (the peers' modules and what they import from here),
    OpenCV or `extra` (another tool's version) changes."""
    h = hashlib.sha1((cv2.__version__ + extra).encode())
    for path in paths:
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:12]


def _task(task):
    """Worker: one peer on one input, through the cache. Returns (peer, input, output, s, cached)."""
    peer, fn, src, cache_dir, key, mask = task
    h = hashlib.sha1(key.encode())
    for path in (src, mask) if mask else (src,):
        with open(path, "rb") as f:
            h.update(f.read())
    digest = h.hexdigest()[:20]
    png, meta = os.path.join(cache_dir, peer, digest + ".png"), os.path.join(cache_dir, peer, digest + ".json")
    if os.path.exists(png) and os.path.exists(meta):
        with open(meta) as f:
            return peer, src, png, json.load(f)["seconds"], True
    img = cv2.imread(src, cv2.IMREAD_COLOR)
    args = (img, cv2.imread(mask, cv2.IMREAD_GRAYSCALE)) if mask else (img,)
    t0 = time.perf_counter()
    out = fn(*args)
    dt = time.perf_counter() - t0
    if out is None:
        return peer, src, None, dt, False
    os.makedirs(os.path.dirname(png), exist_ok=True)
    cv2.imwrite(png + ".tmp.png", out)
    os.replace(png + ".tmp.png", png)
    with open(meta, "w") as f:
        json.dump({"seconds": dt, "input": src}, f)
    return peer, src, png, dt, False


def run(pool, peers, inputs, cache_dir, key, masks=None):
    """Every peer ({name: function}, the slowest first, as the pool takes them in that order)
    on every input; the largest inputs go first; masks ({input: mask path}) for peers that heal
    a given mask. Returns ({(peer, input): (output or None, seconds)}, the number of runs, the
    number found in the cache)."""
    inputs = sorted(set(inputs), key=lambda f: -os.path.getsize(f))
    tasks = [(peer, fn, f, cache_dir, key, masks[f] if masks else None) for f in inputs for peer, fn in peers.items()]
    done, cached = {}, 0
    for peer, src, png, dt, hit in pool.imap_unordered(_task, tasks):
        done[(peer, src)] = (png, dt)
        cached += hit
    return done, len(tasks), cached


def per_set(done, peers, files):
    """{peer: ({input: output}, {input: seconds})} for the inputs `files` of one image set."""
    ok = {p: [f for f in files if done[(p, f)][0]] for p in peers}
    return {p: ({f: done[(p, f)][0] for f in ok[p]}, {f: done[(p, f)][1] for f in ok[p]}) for p in peers}
