#!/usr/bin/python3
"""tools/studio eval lowlight [DIR]: the enhancer against its peers, on even and uneven low light
(issue 15, "local exposure for backlit photos") and on real photos with a reference (issue 23).

Image sets (DIR = the clean photos, default $ES_SHARED/datasets/kodak, the development set;
cbsd68 is the held-out one):
  uneven   backlit light on every photo of DIR (tools/eval/lowlight_protocols.py), k_hi 0.5..1;
  mild     the same with k_hi 0.15..0.5;
  uniform  one exposure 0.04..0.15 per photo (the original protocol, same images as before);
  well     the clean photos as they are: a good enhancer gives them back (scored against the input);
  real     DICM and LIME ($ES_SHARED/datasets/lowlight), no reference: L* < 10 %, clipped %,
           lightness-order error, mean L*, and the night check (mean L* of the top quarter of
           DICM 26, a night photo, whose sky should stay dark).
  paired   real photos with a reference, low/ the inputs and high/ the references, paired by stem:
           lol      $ES_SHARED/datasets/lowlight/lol_dev: 5 LOL pairs, a dark capture and a
                    normal-light capture of the same scene (600 x 400);
           retouch  $ES_SHARED/datasets/retouch_dev: 4 MIT-Adobe FiveK photos, the camera's
                    rendering and an expert's retouch. The input is a fair photo already: the
                    target is to end closer to the expert than the input is (PSNR, CIEDE2000).
           Scores (lowlight_metrics.paired_scores): PSNR and SSIM of the output as it is, then,
           on the output scaled so its mean grey equals the reference's (GT-mean, as KinD and
           LLFlow report LOL: out * gray_ref / gray_out in float, clipped, rounded to 8 bits),
           the GT-mean PSNR, the chroma ratio (mean C*ab of that image over the reference's, the
           mean over images of each image's ratio: < 1 = greyer than the reference) and the
           mean CIEDE2000. LOL's references are another exposure of the scene, not a target
           brightness that any enhancer could know, so colour is compared at equal brightness:
           otherwise a brighter or darker output would score as a colour error.
Methods, on the same inputs: the input itself; the peers of tools/eval/lowlight_peers.py
(seed-style OpenCV pipeline, Mertens exposure fusion, LIME); `before` = --before-cli (default:
the same CLI as ours) with --before-args only (default "--shadows 0": today's global result) and
`ours` = the CLI with its defaults plus --ours ARGS; both one batch call per set on one thread
(tools/eval/cli_batch.py). For issue 23, `before` is the product before the change: build
the previous commit's CLI at build/baseline/studio-cli and run with
--before-cli build/baseline/studio-cli --before-args ''.
Peers run in a pool of --jobs processes, one OpenCV thread each, and are cached under
OUT/peer-cache (tools/eval/peer_cache.py) keyed by the input's bytes and the peers' source, so a re-run after a change
to ours only runs ours. Scores: tools/eval/lowlight_metrics.py.

Printed: one table per protocol (mean PSNR, SSIM, median seconds per image), ours - before,
the no-reference tables, the night check, one table per paired set (PSNR, SSIM, GT-mean PSNR,
chroma x, CIEDE2000), stage timings. Written to --out (default build/eval/lowlight): per-image
CSVs (uneven.csv, mild.csv, uniform.csv, well.csv, dicm.csv, lime.csv, lol.csv, retouch.csv),
contact-uneven/mild/uniform.png (input | before | ours | clean, first 8), contact-backlit.png
(DICM 05, 26, 33, LIME 4, 8: input | seed-style | before | ours | best peer, the peer with the
best uneven PSNR in this run, fusion without one) and contact-real.png (the LOL and FiveK pairs,
then the five backlit photos: input | before | ours | the reference, or the best peer for DICM
and LIME). With --limit N each set keeps its first N images, plus the five photos of
contact-backlit.png in the real sets. DIR is needed only by uneven, mild, uniform and well.
"""
import os

import one_thread  # noqa: F401  (before numpy: one BLAS thread per process)

import argparse
import multiprocessing
import shlex
import sys

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("ES_BUILD", os.path.join(ROOT, "build"))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
try:
    import lowlight_metrics as M  # noqa: E402  (CIELAB and CIEDE2000 from skimage)
    import lowlight_peers  # noqa: E402  (LIME needs scipy)
except ImportError as e:
    sys.exit(f"eval: {e} (apt-get install -y python3-scipy python3-skimage python3-opencv python3-numpy)")
import cli_batch  # noqa: E402
from datasets import SHARED, limited, list_images, stem  # noqa: E402
import peer_cache  # noqa: E402
import lowlight_protocols  # noqa: E402
import contact_sheet  # noqa: E402
import machine  # noqa: E402
from results import Stages, column, median_time, write_csv  # noqa: E402

PROTOCOLS = ("uneven", "mild", "uniform", "well", "real", "paired")
SYNTHETIC = ("uneven", "mild", "uniform")
FROM_DIR = (*SYNTHETIC, "well")  # the protocols made from the clean photos of DIR
PEERS = tuple(lowlight_peers.PEERS)
METHODS = ("input", *PEERS, "before", "ours")
REAL_SETS = ("dicm", "lime")
# the real pairs: {set: folder under $ES_SHARED/datasets holding low/ (inputs) and high/ (references)}
PAIRED_SETS = {"lol": os.path.join("lowlight", "lol_dev"), "retouch": "retouch_dev"}
BACKLIT = {"dicm": ("05", "26", "33"), "lime": ("4", "8")}
NIGHT = ("dicm", "26")
TITLES = {
    "uneven": "Uneven light (backlit): k_lo 0.02..0.06, k_hi 0.5..1",
    "mild": "Mild uneven light: k_lo 0.02..0.06, k_hi 0.15..0.5",
    "uniform": "Uniform low light: k 0.04..0.15",
    "well": "Well-exposed originals as input (scored against the input; ideal = the input)",
    "lol": "LOL dev, real pairs: dark capture -> normal-light capture of the same scene",
    "retouch": "MIT-Adobe FiveK dev: camera rendering -> expert's retouch",
}
# a table's columns, per kind of set: (metric, header, width, format, name in the ours - before line)
PSNR_SSIM = (("psnr", "PSNR dB", 8, ".2f", "dB PSNR"), ("ssim", "SSIM", 7, ".4f", "SSIM"))
COLUMNS = {
    "synthetic": PSNR_SSIM,
    "well": PSNR_SSIM + (("delta_l", "|dL*|", 6, ".2f", "|dL*|"),),
    "paired": PSNR_SSIM + (("gt_mean_psnr", "GT-mean dB", 10, ".2f", "dB GT-mean PSNR"),
                           ("chroma_x", "chroma x", 8, ".3f", "chroma x"),
                           ("ciede2000", "CIEDE2000", 9, ".2f", "CIEDE2000")),
    "real": (("dark_pct", "L*<10 %", 8, ".1f", None), ("clipped_pct", "clipped %", 9, ".2f", None),
             ("loe", "LOE", 7, ".1f", None), ("mean_l", "mean L*", 8, ".1f", None)),
}


# ---------------------------------------------------------------- the image sets

def degrade_task(task):
    """Worker: one synthetic input written as PNG; returns (protocol, path, facts)."""
    protocol, clean_path, i, seed, path = task
    rgb = cv2.imread(clean_path, cv2.IMREAD_COLOR)[:, :, ::-1]
    low, facts = lowlight_protocols.degrade(protocol, rgb, seed, i)
    cv2.imwrite(path, np.ascontiguousarray(low[:, :, ::-1]))
    return protocol, path, facts


def make_sets(args, pool):
    """{set name: {"kind", "inputs": [paths], "refs": {input: clean or None}, "facts": {...}}}."""
    # DIR is read only for the sets made from it (parse_args has checked it is there then)
    all_clean = list_images(args.clean) if set(args.protocols) & set(FROM_DIR) else []
    clean = limited(all_clean, args.limit)
    sets, tasks = {}, []
    for p in (p for p in SYNTHETIC if p in args.protocols):
        folder = os.path.join(args.out, p, "input")
        os.makedirs(folder, exist_ok=True)
        inputs = [os.path.join(folder, stem(c) + ".png") for c in clean]
        sets[p] = {"kind": "synthetic", "inputs": inputs, "refs": dict(zip(inputs, clean)), "facts": {}}
        # i is the photo's index in DIR, so --limit keeps each photo's degradation
        tasks += [(p, c, all_clean.index(c), args.seed, path) for c, path in zip(clean, inputs)]
    for protocol, path, facts in pool.imap_unordered(degrade_task, tasks):
        sets[protocol]["facts"][path] = facts
    if "well" in args.protocols:
        sets["well"] = {"kind": "well", "inputs": clean, "refs": {c: c for c in clean}, "facts": {}}
    if "real" in args.protocols:
        for name in REAL_SETS:
            folder = os.path.join(SHARED, "datasets", "lowlight", name)
            if not os.path.isdir(folder):
                print(f"SKIP {name}: {folder} not found")
                continue
            files = limited(list_images(folder), args.limit, BACKLIT.get(name, ()))
            sets[name] = {"kind": "real", "inputs": files, "refs": dict.fromkeys(files), "facts": {}}
    if "paired" in args.protocols:
        for name, folder in PAIRED_SETS.items():
            pairs = paired_set(name, os.path.join(SHARED, "datasets", folder), args.limit)
            if pairs:
                sets[name] = {"kind": "paired", "inputs": list(pairs), "refs": pairs, "facts": {}}
    return sets


def paired_set(name, folder, limit):
    """{input: reference} from folder/low and folder/high, paired by stem (the extensions may
    differ); an input without its reference is left out, with a line saying so."""
    low, high = os.path.join(folder, "low"), os.path.join(folder, "high")
    if not (os.path.isdir(low) and os.path.isdir(high)):
        print(f"SKIP {name}: {low} or {high} not found")
        return {}
    refs = {stem(f): f for f in list_images(high)}
    inputs = list_images(low)
    for f in (f for f in inputs if stem(f) not in refs):
        print(f"SKIP {name} {os.path.basename(f)}: no reference in {high}")
    return {f: refs[stem(f)] for f in limited([f for f in inputs if stem(f) in refs], limit)}


# ---------------------------------------------------------------- running the methods

def run_ours(args, sets):
    """ours and before on every set: {set: {method: ({input: output}, {input: seconds})}}."""
    runs = {}
    for name, s in sets.items():
        runs[name] = {}
        for method, cli, extra in (("before", args.before_cli, args.before), ("ours", args.cli, args.ours)):
            runs[name][method] = cli_batch.run(cli, "enhance", "enhanced", s["inputs"], os.path.join(args.out, name, method), extra)
    return runs


def run_peers(args, sets, pool):
    """Every peer on every input of every set; the same input file is computed once."""
    key = peer_cache.source_key([os.path.join(HERE, m) for m in ("lowlight_peers.py", "lime.py", "srgb.py")])
    order = {p: lowlight_peers.PEERS[p] for p in ("LIME", "fusion", "seed-style")}  # the slowest first
    done, n_tasks, cached = peer_cache.run(pool, order, [f for s in sets.values() for f in s["inputs"]],
                                           os.path.join(args.out, "peer-cache"), key)
    return {name: peer_cache.per_set(done, PEERS, s["inputs"]) for name, s in sets.items()}, n_tasks, cached


# ---------------------------------------------------------------- scoring

def score_task(task):
    """Worker: the scores of every method on one image. Returns (set, input, {method: {...}})."""
    name, kind, src, ref_path, outputs = task
    inp = cv2.imread(src, cv2.IMREAD_COLOR)
    ref = cv2.imread(ref_path, cv2.IMREAD_COLOR) if ref_path else None
    scores = {}
    for method, path in outputs.items():
        img = inp if method == "input" else cv2.imread(path, cv2.IMREAD_COLOR)
        if img is None:
            continue
        if kind == "real":
            s = {"dark_pct": M.dark_percent(img), "clipped_pct": M.clipped_percent(img),
                 "loe": M.loe(inp, img), "mean_l": M.mean_lightness(img)}
            if (name, stem(src)) == NIGHT:
                s["top_l"] = M.top_quarter_lightness(img)
        elif kind == "paired":
            s = M.paired_scores(img, ref)
        else:
            s = {"psnr": M.psnr(img, ref), "ssim": M.ssim(img, ref)}
            if kind == "well":
                s["delta_l"] = M.mean_abs_delta_l(inp, img)
        scores[method] = s
    return name, src, scores


def score(sets, runs, pool):
    """{set: {input: {method: {metric: value}}}}."""
    tasks = []
    for name, s in sets.items():
        for f in s["inputs"]:
            outputs = {"input": f, **{m: runs[name][m][0].get(f) for m in METHODS[1:]}}
            tasks.append((name, s["kind"], f, s["refs"][f], {m: p for m, p in outputs.items() if p}))
    result = {name: {} for name in sets}
    for name, src, scores in pool.imap_unordered(score_task, tasks):
        result[name][src] = scores
    return result


# ---------------------------------------------------------------- reporting

def print_table(title, kind, scores, runs, delta=True):
    """One row per method: the mean of each of the kind's COLUMNS, the median s/image; then,
    with delta, ours - before on every column."""
    cols = COLUMNS[kind]
    print(f"\n{title}")
    print(f"  {'':12s}" + "".join(f" {h:>{w}s}" for _, h, w, _, _ in cols) + f" {'s/image':>8s}")
    for m in METHODS:
        if kind == "well" and m == "input":
            print(f"  {'input':12s} {'(the reference)':>16s}")
            continue
        t = "" if m == "input" else f"{median_time(runs, m):8.3f}"
        print(f"  {m:12s}" + "".join(f" {column(scores, m, k):{w}{fmt}}" for k, _, w, fmt, _ in cols) + f" {t}")
    if delta:
        d = [f"{column(scores, 'ours', k) - column(scores, 'before', k):+{fmt}} {label}" for k, _, _, fmt, label in cols]
        print(f"  ours - before: {', '.join(d)}")


def print_well_worst(scores):
    worst_dl = max(per["ours"]["delta_l"] for per in scores.values() if "ours" in per)
    worst_p = min(per["ours"]["psnr"] for per in scores.values() if "ours" in per)
    print(f"  ours, worst image: |dL*| {worst_dl:.2f}, PSNR {worst_p:.2f} dB")


def print_night(scores):
    per = next((v for f, v in scores.items() if stem(f) == NIGHT[1]), None)
    if per is None:
        print(f"\nNight check: {NIGHT[0].upper()} {NIGHT[1]} not in this run")
        return
    vals = ", ".join(f"{m} {per[m]['top_l']:.1f}" for m in METHODS if m in per)
    print(f"\nNight check, {NIGHT[0].upper()} {NIGHT[1]}: mean L* of the top quarter: {vals}")


def best_peer(scores):
    """The peer with the highest mean uneven PSNR in this run; fusion without an uneven run."""
    if "uneven" not in scores:
        return "fusion"
    return max(PEERS, key=lambda p: column(scores["uneven"], p, "psnr"))


def tiles(sets, runs, name, f, methods):
    """One row of a sheet: for each of methods, the input, the set's reference or that output."""
    def one(m):
        if m == "input":
            return contact_sheet.load(f)
        return contact_sheet.load(sets[name]["refs"][f] if m == "reference" else runs[name][m][0].get(f))
    return [one(m) for m in methods]


def label(name, f):
    """The row's name: the set and the stem's first part (FiveK's stems go on past a '-')."""
    return f"{name.upper()} {stem(f).split('-')[0]}"


def backlit(sets):
    """(set, input) of the backlit DICM and LIME photos that this run has."""
    return [(name, f) for name, stems in BACKLIT.items() for f in sets.get(name, {}).get("inputs", []) if stem(f) in stems]


def write_sheets(args, sets, runs, peer):
    for p in (p for p in SYNTHETIC if p in sets):
        rows = [(stem(f), tiles(sets, runs, p, f, ("input", "before", "ours", "reference"))) for f in sets[p]["inputs"][:8]]
        contact_sheet.sheet(rows, ["input", "before", "ours", "clean"], os.path.join(args.out, f"contact-{p}.png"))
    rows = [(label(name, f), tiles(sets, runs, name, f, ("input", "seed-style", "before", "ours", peer)))
            for name, f in backlit(sets)]
    contact_sheet.sheet(rows, ["input", "seed-style", "before", "ours", f"best peer: {peer}"],
                          os.path.join(args.out, "contact-backlit.png"))
    # real photos: the pairs with their reference, then the backlit ones with the best peer
    picks = [(name, f) for name in PAIRED_SETS for f in sets.get(name, {}).get("inputs", [])] + backlit(sets)
    rows = [(label(name, f), tiles(sets, runs, name, f, ("input", "before", "ours",
                                                         "reference" if sets[name]["kind"] == "paired" else peer)))
            for name, f in picks]
    contact_sheet.sheet(rows, ["input", "before", "ours", f"reference; DICM, LIME: {peer}"],
                          os.path.join(args.out, "contact-real.png"))


# ---------------------------------------------------------------- main

def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("clean", nargs="?", default=os.path.join(SHARED, "datasets", "kodak"))
    ap.add_argument("--out", default=os.path.join(BUILD, "eval", "lowlight"))
    ap.add_argument("--cli", default=os.path.join(BUILD, "native", "studio-cli"))
    ap.add_argument("--seed", type=int, default=2016)
    ap.add_argument("--limit", type=int, default=0, help="only the first N images of each set")
    ap.add_argument("--protocols", default=",".join(PROTOCOLS), help="comma list of " + ",".join(PROTOCOLS))
    ap.add_argument("--no-lowlight-sets", action="store_true", help="skip DICM and LIME (= no 'real')")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="processes for the peers (2)")
    ap.add_argument("--before-cli", help="the CLI of `before` (default: --cli), e.g. an older build")
    ap.add_argument("--before-args", default="--shadows 0",
                    help="options of `before`, the baseline run of the CLI (default '--shadows 0'; '' = defaults)")
    ap.add_argument("--ours", nargs=argparse.REMAINDER, default=[], help="options passed to `studio enhance` (last)")
    args = ap.parse_args()
    args.protocols = [p for p in args.protocols.split(",") if p]
    unknown = set(args.protocols) - set(PROTOCOLS)
    if unknown:
        ap.error(f"unknown protocol(s) {', '.join(sorted(unknown))}")
    if args.no_lowlight_sets:
        args.protocols = [p for p in args.protocols if p != "real"]
    args.before = shlex.split(args.before_args)
    args.before_cli = args.before_cli or args.cli
    if not os.path.isdir(args.clean) and set(args.protocols) & set(FROM_DIR):
        sys.exit(f"eval: {args.clean} not found")
    for cli in {args.cli, args.before_cli}:
        if not os.access(cli, os.X_OK):
            sys.exit(f"eval: {cli} not built (tools/studio build)")
    return args


def before_label(args):
    """`before`'s options, and its CLI when it is not ours."""
    opts = ' '.join(args.before) or 'defaults'
    return opts if args.before_cli == args.cli else f"{os.path.abspath(args.before_cli)}, {opts}"


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    stages = Stages()
    print(f"machine: {machine.cpu()}")
    print(f"clean set {os.path.abspath(args.clean)}, seed {args.seed}; ours: {' '.join(args.ours) or 'defaults'}; "
          f"before: {before_label(args)}; peers in {args.jobs} process(es), 1 OpenCV thread each")
    with multiprocessing.Pool(args.jobs, initializer=peer_cache.worker_init) as pool:
        with stages("degrade"):
            sets = make_sets(args, pool)
        with stages("ours + before (CLI)"):
            runs = run_ours(args, sets)
        with stages("peers") as st:
            peer_runs, n_tasks, n_cached = run_peers(args, sets, pool)
            st.label = f"peers ({n_tasks} runs, {n_cached} cached)"
        for name in runs:
            runs[name].update(peer_runs[name])
        with stages("scores"):
            scores = score(sets, runs, pool)
    for name, s in sets.items():
        write_csv(os.path.join(args.out, f"{name}.csv"), s, scores[name], runs[name])
        n = len(s["inputs"])
        if s["kind"] == "real":
            print_table(f"{name.upper()} ({n} photos, no reference)", "real", scores[name], runs[name], delta=False)
            if name == NIGHT[0]:
                print_night(scores[name])
        else:
            print_table(f"{TITLES[name]} ({n} images)", s["kind"], scores[name], runs[name])
            if s["kind"] == "well":
                print_well_worst(scores[name])
    peer = best_peer(scores)
    write_sheets(args, sets, runs, peer)
    print("\ns/image: median per image, one thread (ours: the CLI's own figure; peers: the Python call)")
    print(f"best peer (uneven PSNR): {peer}")
    print(f"written to {os.path.abspath(args.out)}: {', '.join(n + '.csv' for n in sets)}, contact-*.png")
    print(stages.line())


if __name__ == "__main__":
    main()
