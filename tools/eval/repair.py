#!/usr/bin/python3
"""tools/studio eval repair [DIR] [--held-out]: dust, scratch and crack repair against its peers (issue 26).

Image sets:
  damage dev       every photo of DIR (default $ES_SHARED/datasets/kodak, the development set)
                   with the synthetic damage of tools/eval/repair_protocol.py (scratches, dust,
                   hairs, a crack network; about 1 % of the pixels; the model and its ranges are
                   in its docstring and in tools/README.md), the true mask kept;
  damage held-out  with --held-out, the same on $ES_SHARED/datasets/cbsd68 (--held-out-dir);
  clean            the undamaged originals of each of those sets (the detectors' false area,
                   and what detect + heal does to a photo with nothing to repair);
  real             $ES_SHARED/datasets/old_photos/scratched/{b,c}.png, two scans with cracks and
                   scratches and no reference: the contact sheet only;
  hole             a 40 x 40 square hole in texture (kodim01 bricks, kodim08 a wall by a window,
                   kodim13 foliage), healed with its mask: the contact sheet, and PSNR / SSIM
                   inside the hole (a smooth fill can score well there: judge on the sheet).
Methods (peers: tools/eval/repair_peers.py, in a pool of --jobs processes, cached under
OUT/peer-cache by tools/eval/peer_cache.py):
  healing with the true mask  telea, ns (OpenCV, radius 3), gmic-pde, gmic-patch (G'MIC 2.9's
                   inpaint_pde and inpaint_matchpatch, when `gmic` runs here), and ours-mask =
                   `CLI repair IN... -o DIR --mask MASKDIR --threads 1 --format png`, one batch
                   per set (MASKDIR/NAME-mask.png is each photo's mask);
  detection        tophat (white and black top-hat with a threshold), dust-scratches (the pixels
                   its median filter replaced), ours (the mask `CLI repair IN... -o DIR --save-mask
                   DIR` healed, written as DIR/NAME-mask.png; one batch per set, --ours-args added);
  end to end       input (no correction), dust-scratches (Photoshop's median with a threshold),
                   tophat-telea (Telea on the top-hat mask), ours (detect + heal, the same call).
A CLI without a `repair` command (or no CLI) skips ours with a line saying so; any program that
takes those arguments and writes DIR/NAME-repaired.png (and the mask) can stand in: --ours-cli.

Scores (means over the images of a set):
  detection        precision, recall and F1 against the true mask, a flagged pixel counting as
                   right within 1 px of the truth: precision = |D and dilate(T)| / |D|, recall =
                   |T and dilate(D)| / |T|, dilate = a 3 x 3 square (the 8 neighbours); the
                   false area: % of the pixels flagged on the clean originals;
  healing          PSNR and SSIM over the pixels of the true mask, split by kind: thin
                   (scratches, dust and hairs) and cracks; SSIM is skimage's (7 x 7 uniform
                   window, the three channels, data range 255) map averaged over those pixels;
  hole             PSNR and SSIM inside each hole (as healing's), per image and their mean;
  end to end       PSNR of the whole image against the original (damage dev and held-out), and
                   on the clean originals against themselves (99 dB: unchanged);
  s/image          the median on damage dev, one thread (ours: the CLI's own per-image figure;
                   peers: the Python call, gmic's including its start-up).
Printed: the machine line and one markdown table per part. Written to --out (default
build/eval/repair): damage-dev.csv, damage-held-out.csv, clean-dev.csv, clean-held-out.csv (each
image's damage facts, then its scores), contact-real.png (b and c: input | the top-hat peer's
mask in red over the input | dust-scratches | tophat-telea | our mask in red | ours | ours at
sensitivity 1, the page's slider at 100 %) and contact-hole.png (crops
around each hole: original | hole | telea | ns | gmic-pde | gmic-patch | ours).
"""
import os
import sys

import one_thread  # noqa: F401  (before numpy: one BLAS thread per process)

import cv2  # noqa: E402
import numpy as np  # noqa: E402

try:
    import image_metrics as M  # noqa: E402
    from skimage.metrics import structural_similarity  # noqa: E402
except ImportError as e:
    sys.exit(f"eval: {e} (apt-get install -y python3-skimage python3-opencv python3-numpy)")
import cli_batch  # noqa: E402
import contact_sheet  # noqa: E402
import harness  # noqa: E402
import peer_cache  # noqa: E402
import repair_peers  # noqa: E402
import repair_protocol as P  # noqa: E402
from datasets import attach_facts, limited, list_images, real_set, stem  # noqa: E402
from results import column, median_time, write_csv  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = ("b", "c")                                                   # old_photos/scratched/{b,c}.png
HOLES = {"kodim01": (350, 170), "kodim08": (300, 300), "kodim13": (200, 100)}  # top-left corners
CROP = 160                                                          # contact-hole.png: the crop's side
GROUPS = {"thin": [P.KINDS[k] for k in P.THIN], "crack": [P.KINDS["crack"]]}
DETECTORS = ("tophat", "dust-scratches", "ours")
END_TO_END = ("input", "dust-scratches", "tophat-telea", "ours")
K3 = np.ones((3, 3), np.uint8)


# ---------------------------------------------------------------- the image sets

def write_png(path, img):
    cv2.imwrite(path, np.ascontiguousarray(img))
    return path


def damage_task(task):
    """Worker: one damaged input, its true mask and its label map written as PNG."""
    clean, path, seed = task
    rgb, label, facts = P.degrade(clean, seed)
    write_png(path, rgb[:, :, ::-1])
    write_png(path[:-4] + "-mask.png", (label > 0).astype(np.uint8) * 255)
    write_png(path[:-4] + "-label.png", label)
    return path, facts


def make_sets(args, pool):
    """{set: {"kind", "inputs", "refs": {input: reference}, "masks": {input: mask}, "facts"}}."""
    sources = {"dev": args.clean}
    if args.held_out:
        sources["held-out"] = args.held_out_dir
    sets, tasks = {}, []
    for name, folder in sources.items():
        clean = limited(list_images(folder), args.limit, HOLES if name == "dev" else ())
        out = os.path.join(args.out, f"damage-{name}", "input")
        os.makedirs(out, exist_ok=True)
        inputs = [os.path.join(out, stem(c) + ".png") for c in clean]
        sets[f"damage-{name}"] = {"kind": "damage", "inputs": inputs, "refs": dict(zip(inputs, clean)),
                                  "masks": {f: f[:-4] + "-mask.png" for f in inputs}, "facts": {}}
        sets[f"clean-{name}"] = {"kind": "clean", "inputs": clean, "refs": {c: c for c in clean}, "facts": {}}
        tasks += [(c, path, args.seed) for c, path in zip(clean, inputs)]
    attach_facts(sets, dict(pool.imap_unordered(damage_task, tasks)))
    real = real_set("scratched", REAL)
    if real:
        sets["real"] = real
    out = os.path.join(args.out, "hole", "input")
    os.makedirs(out, exist_ok=True)
    hole = {"kind": "hole", "inputs": [], "refs": {}, "masks": {}, "facts": {}}
    for name, (x, y) in HOLES.items():
        src = os.path.join(args.clean, name + ".png")
        if not os.path.exists(src):
            print(f"SKIP the hole in {name}: {src} not found")
            continue
        img = cv2.imread(src, cv2.IMREAD_COLOR)
        mask = P.hole(img.shape, x, y)
        img[mask > 0] = 0
        path = write_png(os.path.join(out, name + ".png"), img)
        hole["inputs"].append(path)
        hole["refs"][path] = src
        hole["masks"][path] = write_png(path[:-4] + "-mask.png", mask)
    if hole["inputs"]:
        sets["hole"] = hole
    return sets


# ---------------------------------------------------------------- running the methods

def run_ours(args, sets):
    """ours on every set, one CLI call per image: {set: {"ours-mask" | "ours" | "ours-detect":
    ({input: output}, {input: s})}}, or {} with a line saying why."""
    if not os.access(args.cli, os.X_OK):
        print(f"SKIP ours: {args.cli} not built (tools/studio build)")
        return {}
    runs = {}
    try:
        for name, s in sets.items():
            r = runs[name] = {}
            out = os.path.join(args.out, name)
            if "masks" in s:  # healing the true mask (the hole: its mask)
                # one batch: --mask DIR reads DIR/NAME-mask.png for each photo (beside the inputs)
                assert all(s["masks"][f] == cli_batch.output_path(os.path.dirname(f), f, "mask") for f in s["inputs"])
                r["ours-mask"] = cli_batch.run(args.cli, "repair", "repaired", s["inputs"], os.path.join(out, "ours-mask"),
                                               ["--mask", os.path.dirname(s["inputs"][0])])
            if s["kind"] == "hole":
                continue
            d = os.path.join(out, "ours")
            # one batch: --save-mask DIR writes DIR/NAME-mask.png, the mask each photo was healed with
            r["ours"] = cli_batch.run(args.cli, "repair", "repaired", s["inputs"], d, [*args.ours_args, "--save-mask", d])
            masks = {f: cli_batch.output_path(d, f, "mask") for f in r["ours"][0]}
            r["ours-detect"] = ({f: m for f, m in masks.items() if os.path.exists(m)}, r["ours"][1])
            if name == "real":  # what the page's Sensitivity slider at 100 % finds on them
                k = os.path.join(out, "ours-keen")
                r["ours-keen"] = cli_batch.run(args.cli, "repair", "repaired", s["inputs"], k, [*args.ours_args, "--detect", "1", "--save-mask", k])
    except cli_batch.UnknownCommand as e:
        print(f"SKIP ours: {e} (the repairer is not in this build yet)")
        return {}
    return runs


def peers_available():
    """The healing peers this machine runs: G'MIC's only when a test call works."""
    heal = dict(repair_peers.HEAL)
    for name in ("gmic-pde", "gmic-patch"):
        why = repair_peers.probe_gmic(name)
        if why:
            print(f"SKIP {name}: {why}")
            del heal[name]
    return heal


def run_peers(args, sets, pool, heal):
    """The healing peers on the sets with masks, the blind ones on the others. Returns
    ({set: {peer: (outputs, times)}}, runs, cached)."""
    key = peer_cache.source_key([os.path.join(HERE, "repair_peers.py")], repair_peers.gmic_version())
    cache = os.path.join(args.out, "peer-cache")
    masked = [f for s in sets.values() if "masks" in s for f in s["inputs"]]
    masks = {f: m for s in sets.values() if "masks" in s for f, m in s["masks"].items()}
    order = dict(sorted(heal.items(), key=lambda kv: not kv[0].startswith("gmic")))  # the slowest first
    done, n1, c1 = peer_cache.run(pool, order, masked, cache, key, masks)
    blind = [f for s in sets.values() if s["kind"] != "hole" for f in s["inputs"]]
    done2, n2, c2 = peer_cache.run(pool, repair_peers.BLIND, blind, cache, key)
    done.update(done2)
    runs = {}
    for name, s in sets.items():
        runs[name] = peer_cache.per_set(done, heal, s["inputs"]) if "masks" in s else {}
        if s["kind"] != "hole":
            runs[name].update(peer_cache.per_set(done, repair_peers.BLIND, s["inputs"]))
    return runs, n1 + n2, c1 + c2


# ---------------------------------------------------------------- scoring

def read_mask(path):
    m = cv2.imread(path, cv2.IMREAD_GRAYSCALE) if path else None
    return None if m is None else m > 0


def detection(det, truth):
    """(precision, recall, F1) with a 1 px tolerance (see the docstring)."""
    near_truth = cv2.dilate(truth.astype(np.uint8), K3) > 0
    near_det = cv2.dilate(det.astype(np.uint8), K3) > 0
    p = np.count_nonzero(det & near_truth) / max(np.count_nonzero(det), 1)
    r = np.count_nonzero(truth & near_det) / max(np.count_nonzero(truth), 1)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def in_mask(img, ref, ssim_map, where):
    d = img[where].astype(np.float64) - ref[where]
    mse = np.mean(d ** 2)
    return 99.0 if mse == 0 else float(10 * np.log10(255.0 ** 2 / mse)), float(ssim_map[where].mean())


def detected(method, img, src_img, outputs):
    """The mask a method flagged: its own file (tophat, ours) or the pixels it changed."""
    if method == "dust-scratches":
        return np.any(img != src_img, axis=2)
    return read_mask(outputs.get("tophat" if method == "tophat" else "ours-detect"))


def score_task(task):
    """Worker: every score of one input of a damage or clean set."""
    name, kind, src, ref_path, label_path, outputs = task
    ref = cv2.imread(ref_path, cv2.IMREAD_COLOR)
    src_img = cv2.imread(src, cv2.IMREAD_COLOR)
    label = cv2.imread(label_path, cv2.IMREAD_GRAYSCALE) if label_path else None
    truth = label > 0 if label is not None else None
    scores = {"input": {"psnr_whole": M.psnr(src_img, ref)}}
    for method, path in outputs.items():
        if method in ("tophat", "ours-detect"):
            continue
        img = cv2.imread(path, cv2.IMREAD_COLOR)
        if img is None or img.shape != ref.shape:
            print(f"  {method}: no usable output for {src}", file=sys.stderr)
            continue
        sc = scores.setdefault(method, {})
        if method in END_TO_END:
            sc["psnr_whole"] = M.psnr(img, ref)
        if kind == "damage" and method in (*repair_peers.HEAL, "ours-mask"):
            _, smap = structural_similarity(img, ref, channel_axis=2, data_range=255, full=True)
            for g, kinds in GROUPS.items():
                where = np.isin(label, kinds)
                if where.any():
                    sc[f"psnr_{g}"], sc[f"ssim_{g}"] = in_mask(img, ref, smap, where)
    for method in DETECTORS:
        if method == "tophat" and "tophat" not in outputs or method == "ours" and "ours-detect" not in outputs:
            continue
        img = cv2.imread(outputs[method], cv2.IMREAD_COLOR) if method == "dust-scratches" else None
        det = detected(method, img, src_img, outputs)
        if det is None or det.shape != src_img.shape[:2]:
            continue
        sc = scores.setdefault(method, {})
        if kind == "damage":
            sc["precision"], sc["recall"], sc["f1"] = detection(det, truth)
        else:
            sc["false_area_pct"] = 100.0 * np.count_nonzero(det) / det.size
    return name, src, scores


def score(sets, runs, pool):
    """{set: {input: {method: {metric: value}}}} for the damage and clean sets."""
    tasks = []
    for name, s in sets.items():
        if s["kind"] not in ("damage", "clean"):
            continue
        for f in s["inputs"]:
            label = f[:-4] + "-label.png" if s["kind"] == "damage" else None
            tasks.append((name, s["kind"], f, s["refs"][f], label, {m: r[0][f] for m, r in runs[name].items() if f in r[0]}))
    result = {name: {} for name, s in sets.items() if s["kind"] in ("damage", "clean")}
    for name, src, scores in pool.imap_unordered(score_task, tasks):
        result[name][src] = scores
    return result


# ---------------------------------------------------------------- reporting

def parts(scores):
    return [p for p in ("dev", "held-out") if f"damage-{p}" in scores]


def table(title, header, rows):
    print(f"\n{title}\n\n| " + " | ".join(header) + " |\n|---|" + "---:|" * (len(header) - 1))
    for r in rows:
        print("| " + " | ".join(r) + " |")


def fmt(v, f):
    return "" if v != v else format(v, f)  # NaN: not measured


def print_tables(scores, runs, heal, have_ours):
    ps = parts(scores)
    dev = runs.get("damage-dev", {})
    rows = []
    for m in DETECTORS:
        if m == "ours" and not have_ours:
            continue
        cells = [m]
        for p in ps:
            cells += [fmt(column(scores[f"damage-{p}"], m, k), ".3f") for k in ("precision", "recall", "f1")]
            cells.append(fmt(column(scores[f"clean-{p}"], m, "false_area_pct"), ".3f"))
        rows.append(cells + [fmt(median_time(dev, "ours-detect" if m == "ours" else m), ".3f")])
    table("Detection (a flagged pixel is right within 1 px of the true mask; false area: % of the pixels of the clean originals flagged)",
          ["method"] + [f"{p} {k}" for p in ps for k in ("P", "R", "F1", "false area %")] + ["s/image"], rows)
    rows = []
    for m in [*heal, "ours-mask"] if have_ours else heal:
        cells = [m]
        for p in ps:
            cells += [fmt(column(scores[f"damage-{p}"], m, f"{k}_{g}"), f) for g in GROUPS
                      for k, f in (("psnr", ".2f"), ("ssim", ".3f"))]
        rows.append(cells + [fmt(median_time(dev, m), ".3f")])
    table("Healing with the true mask (PSNR dB and SSIM inside the mask; thin = scratches, dust and hairs)",
          ["method"] + [f"{p} {g} {k}" for p in ps for g in GROUPS for k in ("PSNR", "SSIM")] + ["s/image"], rows)
    rows = []
    for m in END_TO_END:
        if m == "ours" and not have_ours:
            continue
        cells = [m] + [fmt(column(scores[f"{k}-{p}"], m, "psnr_whole"), ".2f") for p in ps for k in ("damage", "clean")]
        rows.append(cells + ["" if m == "input" else fmt(median_time(dev, m), ".3f")])
    table("End to end (detect + heal; PSNR dB of the whole image; clean: the undamaged original in, 99 = unchanged)",
          ["method"] + [f"{p} {k} PSNR" for p in ps for k in ("damaged", "clean")] + ["s/image"], rows)


def print_holes(sets, runs, heal):
    """PSNR / SSIM inside the hole, per image and the mean, for each healing method."""
    if "hole" not in sets:
        return
    s, methods = sets["hole"], [m for m in [*heal, "ours-mask"] if m in runs.get("hole", {})]
    names = [stem(f) for f in s["inputs"]]
    rows = []
    for m in methods:
        cells, ps, ss = [m], [], []
        for f in s["inputs"]:
            path = runs["hole"][m][0].get(f)
            ref, img, where = cv2.imread(s["refs"][f]), cv2.imread(path) if path else None, read_mask(s["masks"][f])
            if img is None or img.shape != ref.shape:
                cells.append("")
                continue
            _, smap = structural_similarity(img, ref, channel_axis=2, data_range=255, full=True)
            p, q = in_mask(img, ref, smap, where)
            ps.append(p)
            ss.append(q)
            cells.append(f"{p:.2f} / {q:.3f}")
        rows.append(cells + [f"{np.mean(ps):.2f} / {np.mean(ss):.3f}" if ps else ""])
    table("Holes (40 x 40 in texture, healed with their mask; PSNR dB / SSIM inside the hole: a smooth fill can score well, see contact-hole.png)",
          ["method", *names, "mean"], rows)


def overlay(img, mask):
    """The mask in red over the image."""
    out = img.copy()
    out[mask] = (0.35 * out[mask] + 0.65 * np.array([0, 0, 255])).astype(np.uint8)
    return out


def write_sheets(args, sets, runs, heal):
    def out(name, m, f):
        return runs[name][m][0].get(f) if m in runs[name] else None

    if "real" in sets:
        rows = []
        for f in sets["real"]["inputs"]:
            img = contact_sheet.load(f)
            m = read_mask(out("real", "tophat", f))
            over = overlay(img, m) if m is not None else None
            mine = read_mask(out("real", "ours-detect", f))
            blank = contact_sheet.load(None, like=img)
            rows.append((stem(f), [img, over if over is not None else blank]
                         + [contact_sheet.load(out("real", k, f), like=img) for k in ("dust-scratches", "tophat-telea")]
                         + [overlay(img, mine) if mine is not None else blank, contact_sheet.load(out("real", "ours", f), like=img),
                            contact_sheet.load(out("real", "ours-keen", f), like=img)]))
        contact_sheet.sheet(rows, ["input", "tophat mask", "dust-scratches", "tophat-telea", "ours mask", "ours", "ours (sensitivity 1)"],
                            os.path.join(args.out, "contact-real.png"), h=336)
    if "hole" in sets:
        rows, methods = [], [*heal, "ours-mask"]
        for f in sets["hole"]["inputs"]:
            x, y = HOLES[stem(f)]
            x0, y0 = max(0, x + P.HOLE // 2 - CROP // 2), max(0, y + P.HOLE // 2 - CROP // 2)

            def crop(img):
                return img[y0:y0 + CROP, x0:x0 + CROP]
            ref = contact_sheet.load(sets["hole"]["refs"][f])
            rows.append((stem(f), [crop(ref), crop(contact_sheet.load(f))]
                         + [crop(contact_sheet.load(out("hole", m, f), like=ref)) for m in methods]))
        contact_sheet.sheet(rows, ["original", "hole", *heal, "ours"], os.path.join(args.out, "contact-hole.png"), h=240)


# ---------------------------------------------------------------- main

def add_ours(runs, ours):
    for name in runs:
        runs[name].update(ours.get(name, {}))


def main():
    args = harness.parse(harness.parser(__doc__, "repair", "options for detect + heal, e.g. '--detect 0.7'",
                                        "only the first N images of each set (plus the holes' 3)"))
    harness.header(args, "repair")
    heal = peers_available()
    sets, ours, runs, scores, stages = harness.run(
        args, "damage", make_sets, run_ours, lambda a, sets, pool: run_peers(a, sets, pool, heal), add_ours, score)
    print_tables(scores, runs, heal, bool(ours))
    print_holes(sets, runs, heal)
    for name in scores:
        write_csv(os.path.join(args.out, f"{name}.csv"), sets[name], scores[name], runs[name])
    write_sheets(args, sets, runs, heal)
    print("\nmeans over images; s/image: median on damage dev, one thread (ours: the CLI's own figure; "
          "peers: the Python call, gmic's with its start-up)")
    print(f"written to {os.path.abspath(args.out)}: {', '.join(n + '.csv' for n in scores)}, contact-real.png, contact-hole.png")
    print(stages.line())


if __name__ == "__main__":
    main()
