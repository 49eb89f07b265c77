"""datasets.py - the folders the evaluations read and write (lowlight, fade): where $ES_SHARED
and the build tree ($ES_BUILD, as tools/studio passes it) are, and the images of a folder."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# ES_SHARED as tools/lib/test.sh sets it: ../shared beside the repository by default
SHARED = os.environ.get("ES_SHARED", os.path.join(ROOT, "..", "shared"))
BUILD = os.environ.get("ES_BUILD", os.path.join(ROOT, "build"))
IMAGE_EXT = (".png", ".jpg", ".jpeg", ".bmp")


def list_images(folder):
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.lower().endswith(IMAGE_EXT))


def stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def limited(files, limit, keep=()):
    """The first `limit` files (all if 0), plus any whose stem is in keep."""
    if not limit:
        return files
    return [f for i, f in enumerate(files) if i < limit or stem(f) in keep]


def attach_facts(sets, facts):
    """Each set's inputs' facts ({input: {...}}) from one {input: facts} of all of them."""
    for s in sets.values():
        s["facts"] = {f: facts[f] for f in s["inputs"] if f in facts}


def real_set(subdir, names):
    """The real scans $ES_SHARED/datasets/old_photos/SUBDIR/NAME.png as a set with no
    reference (contact sheets only), or None when none is there; says which are missing."""
    folder = os.path.join(SHARED, "datasets", "old_photos", subdir)
    real = [os.path.join(folder, n + ".png") for n in names if os.path.exists(os.path.join(folder, n + ".png"))]
    if len(real) < len(names):
        print(f"SKIP some real scans: {', '.join(n + '.png' for n in names)} not all in {folder}")
    return {"kind": "real", "inputs": real, "refs": dict.fromkeys(real), "facts": {}} if real else None
