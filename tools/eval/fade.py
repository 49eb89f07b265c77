#!/usr/bin/python3
"""tools/studio eval fade [DIR] [--held-out]: the faded-colour restorer against its peers (issue 25).

Image sets:
  fade dev        every photo of DIR (default $ES_SHARED/datasets/kodak, the development set)
                  faded by the synthetic dye fade of tools/eval/fade_protocol.py (the model and
                  its ranges are in its docstring and in tools/README.md), scored against the
                  original;
  fade held-out   with --held-out, the same on $ES_SHARED/datasets/cbsd68 (68 originals, a flat
                  folder of PNGs; --held-out-dir to change it);
  control         the unfaded originals of each of those sets as the input, scored against the
                  input itself (ideal: unchanged, CIEDE2000 0);
  real            $ES_SHARED/datasets/old_photos/faded/{a,f}.png, two scanned faded prints with
                  no reference: the contact sheet only.
Methods, on the same inputs: `input` (no correction); the peers of tools/eval/fade_peers.py
(per-channel stretch at 0.05 % and 0.5 %, gray-world, shades-of-grey p = 6, G'MIC's Color
Balance when `gmic` is installed), in a pool of --jobs processes and cached under
OUT/peer-cache (tools/eval/peer_cache.py); `ours` = `CLI restore IN... -o DIR --threads 1
--format png` plus --ours-args, one batch call per set (tools/eval/cli_batch.py). A CLI without
a `restore` command (or no CLI) skips `ours` with a line saying so; any program that takes
those arguments and writes DIR/NAME-restored.png can stand in with --ours-cli.
Scores: mean CIEDE2000 (skimage, CIELAB D65 from float sRGB) and PSNR against the reference
(tools/eval/image_metrics.py), the median seconds per image on fade dev (ours: the CLI's own
per-image figure, one thread; peers: the Python call, gmic's including its start-up).

Printed: the machine line, one markdown table (rows: methods; columns: fade dev and held-out
CIEDE2000 and PSNR, the control's CIEDE2000, s/image), then, on each fade column, ours / no
correction and ours / best peer (the peer with the best mean in that column) for CIEDE2000, and
the differences in dB for PSNR. Written to --out
(default build/eval/fade): fade-dev.csv, fade-held-out.csv (each image's true retentions, stain
and black lift, then the scores), control-dev.csv, control-held-out.csv, contact-real.png (a and
f: input | each peer | ours with the options given | ours at strength 1, the page's slider at 100 %) and contact-synthetic.png (4 Kodak photos: original | faded | best
peer on fade dev | ours).
"""
import os
import sys

import one_thread  # noqa: F401  (before numpy: one BLAS thread per process)

import shutil  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

try:
    import image_metrics as M  # noqa: E402  (CIELAB and CIEDE2000 from skimage)
except ImportError as e:
    sys.exit(f"eval: {e} (apt-get install -y python3-skimage python3-opencv python3-numpy)")
import cli_batch  # noqa: E402
import contact_sheet  # noqa: E402
import fade_peers  # noqa: E402
import fade_protocol  # noqa: E402
import harness  # noqa: E402
import peer_cache  # noqa: E402
from datasets import attach_facts, limited, list_images, real_set, stem  # noqa: E402
from results import column, median_time, write_csv  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = ("a", "f")                            # old_photos/faded/{a,f}.png
SHEET = ("kodim04", "kodim12", "kodim14", "kodim23")  # contact-synthetic.png: a face, sky, skin in sun, colour


# ---------------------------------------------------------------- the image sets

def fade_task(task):
    """Worker: one faded input written as PNG. Returns (path, facts)."""
    clean, path, seed = task
    rgb, facts = fade_protocol.degrade(clean, seed)
    cv2.imwrite(path, np.ascontiguousarray(rgb[:, :, ::-1]))
    return path, facts


def make_sets(args, pool):
    """{set: {"kind": fade|control|real, "inputs": [paths], "refs": {input: reference or None},
    "facts": {input: {...}}}}, for fade-dev, control-dev, (fade-held-out, control-held-out), real."""
    sources = {"dev": args.clean}
    if args.held_out:
        sources["held-out"] = args.held_out_dir
    sets, tasks = {}, []
    for name, folder in sources.items():
        clean = limited(list_images(folder), args.limit, SHEET if name == "dev" else ())
        out = os.path.join(args.out, f"fade-{name}", "input")
        os.makedirs(out, exist_ok=True)
        inputs = [os.path.join(out, stem(c) + ".png") for c in clean]
        sets[f"fade-{name}"] = {"kind": "fade", "inputs": inputs, "refs": dict(zip(inputs, clean)), "facts": {}}
        sets[f"control-{name}"] = {"kind": "control", "inputs": clean, "refs": {c: c for c in clean}, "facts": {}}
        tasks += [(c, path, args.seed) for c, path in zip(clean, inputs)]
    attach_facts(sets, dict(pool.imap_unordered(fade_task, tasks)))
    real = real_set("faded", REAL)
    if real:
        sets["real"] = real
    return sets


# ---------------------------------------------------------------- running the methods

def run_ours(args, sets):
    """`ours` on every set: {set: ({input: output}, {input: s})}, or {} with a line saying why."""
    if not os.access(args.cli, os.X_OK):
        print(f"SKIP ours: {args.cli} not built (tools/studio build)")
        return {}
    runs = {}
    for name, s in sets.items():
        try:
            runs[name] = cli_batch.run(args.cli, "restore", "restored", s["inputs"], os.path.join(args.out, name, "ours"),
                                       args.ours_args)
        except cli_batch.UnknownCommand as e:
            print(f"SKIP ours: {e} (the restorer is not in this build yet)")
            return {}
    if "real" in sets:  # the real scans also at full strength: what choosing the mode on the page gives
        runs["real-full"] = cli_batch.run(args.cli, "restore", "restored", sets["real"]["inputs"],
                                          os.path.join(args.out, "real", "ours-full"), [*args.ours_args, "--strength", "1"])
    return runs


def peers_available():
    """The peers this machine can run: G'MIC's only with `gmic` on the PATH."""
    peers = dict(fade_peers.PEERS)
    if not shutil.which("gmic"):
        print("SKIP gmic-balance: no gmic on the PATH (apt-get install gmic; tools/studio eval fade installs it)")
        del peers["gmic-balance"]
    return peers


def run_peers(args, sets, pool, peers):
    """Every peer on every input; each file once. Returns ({set: {peer: (outputs, times)}}, runs, cached)."""
    key = peer_cache.source_key([os.path.join(HERE, m) for m in ("fade_peers.py", "srgb.py")], fade_peers.gmic_version())
    order = dict(sorted(peers.items(), key=lambda kv: kv[0] != "gmic-balance"))  # the slowest first
    done, n_tasks, cached = peer_cache.run(pool, order, [f for s in sets.values() for f in s["inputs"]],
                                           os.path.join(args.out, "peer-cache"), key)
    return {name: peer_cache.per_set(done, peers, s["inputs"]) for name, s in sets.items()}, n_tasks, cached


# ---------------------------------------------------------------- scoring

def score_task(task):
    """Worker: CIEDE2000 and PSNR of every method's output against the reference of one input."""
    name, src, ref_path, outputs = task
    ref = cv2.imread(ref_path, cv2.IMREAD_COLOR)
    ref_lab = M.cielab(ref)
    scores = {}
    for method, path in outputs.items():
        img = cv2.imread(path, cv2.IMREAD_COLOR)
        if img is None or img.shape != ref.shape:
            print(f"  {method}: no usable output for {src}", file=sys.stderr)
            continue
        scores[method] = {"ciede2000": M.mean_ciede2000(M.cielab(img), ref_lab), "psnr": M.psnr(img, ref)}
    return name, src, scores


def score(sets, runs, pool):
    """{set: {input: {method: {metric: value}}}} for the sets with a reference."""
    tasks = [(name, f, s["refs"][f], {"input": f, **{m: r[0][f] for m, r in runs[name].items() if f in r[0]}})
             for name, s in sets.items() if s["kind"] != "real" for f in s["inputs"]]
    result = {name: {} for name, s in sets.items() if s["kind"] != "real"}
    for name, src, scores in pool.imap_unordered(score_task, tasks):
        result[name][src] = scores
    return result


# ---------------------------------------------------------------- reporting

def table_columns(scores):
    """[(header, set, metric, format)] for the sets this run has."""
    cols = []
    for part in ("dev", "held-out"):
        if f"fade-{part}" in scores:
            cols += [(f"fade {part} CIEDE2000", f"fade-{part}", "ciede2000", ".2f"),
                     (f"fade {part} PSNR dB", f"fade-{part}", "psnr", ".2f")]
    for part in ("dev", "held-out"):
        if f"control-{part}" in scores:
            cols.append((f"control {part} CIEDE2000", f"control-{part}", "ciede2000", ".2f"))
    return cols


def best_peer(scores, peers, name, metric):
    """The peer with the best mean in that column (lowest CIEDE2000, highest PSNR)."""
    sign = 1 if metric == "ciede2000" else -1
    return min(peers, key=lambda p: sign * column(scores[name], p, metric))


def print_table(scores, runs, methods, peers):
    cols = table_columns(scores)
    print("\n| method | " + " | ".join(h for h, *_ in cols) + " | s/image |")
    print("|---|" + "---:|" * (len(cols) + 1))
    for m in methods:
        label = "input (no correction)" if m == "input" else m
        cells = [format(column(scores[s], m, k), fmt) for _, s, k, fmt in cols]
        t = "" if m == "input" else f"{median_time(runs.get('fade-dev', {}), m):.3f}"
        print(f"| {label} | " + " | ".join(cells) + f" | {t} |")
    if "ours" not in methods:
        print("\n(ours skipped: no ratios)")
        return
    print()
    for h, s, k, _ in cols:
        if not s.startswith("fade"):
            continue
        ours, none = column(scores[s], "ours", k), column(scores[s], "input", k)
        p = best_peer(scores, peers, s, k)
        if k == "ciede2000":
            print(f"- {h}: ours / no correction {ours / none:.3f}, ours / best peer ({p}) {ours / column(scores[s], p, k):.3f}")
        else:  # a ratio of decibels means nothing: the differences
            print(f"- {h}: ours - no correction {ours - none:+.2f} dB, ours - best peer ({p}) {ours - column(scores[s], p, k):+.2f} dB")


def write_sheets(args, sets, runs, peers, best):
    def out(name, m, f):
        return runs[name][m][0].get(f) if m in runs[name] else None

    def row(label, first, paths):
        """The row's first image, then each path's image (black, its size, where none)."""
        img = contact_sheet.load(first)
        return label, [img] + [contact_sheet.load(p, like=img) for p in paths]

    if "real" in sets:
        full = runs["real"].get("ours-full")
        rows = [row(stem(f), f, [out("real", m, f) for m in (*peers, "ours")] + [full[0].get(f) if full else None])
                for f in sets["real"]["inputs"]]
        contact_sheet.sheet(rows, ["input", *peers, "ours (auto)", "ours (strength 1)"], os.path.join(args.out, "contact-real.png"), h=320)
    s = sets["fade-dev"]
    picks = [f for f in s["inputs"] if stem(f) in SHEET] or s["inputs"][:4]
    rows = [row(stem(f), s["refs"][f], [f, out("fade-dev", best, f), out("fade-dev", "ours", f)]) for f in picks]
    contact_sheet.sheet(rows, ["original", "faded", f"best peer: {best}", "ours"],
                        os.path.join(args.out, "contact-synthetic.png"), h=256)


# ---------------------------------------------------------------- main

def add_ours(runs, ours):
    for name in runs:
        if name in ours:
            runs[name]["ours"] = ours[name]
    if "real" in runs and "real-full" in ours:
        runs["real"]["ours-full"] = ours["real-full"]


def main():
    args = harness.parse(harness.parser(__doc__, "fade", "options passed to `restore` after ours' defaults, e.g. '--strength 1'",
                                        "only the first N images of each set (plus the sheet's 4)"))
    harness.header(args, "restore")
    peers = peers_available()
    sets, ours, runs, scores, stages = harness.run(
        args, "fade", make_sets, run_ours, lambda a, sets, pool: run_peers(a, sets, pool, peers), add_ours, score)
    methods = ["input", *peers] + (["ours"] if ours else [])
    print_table(scores, runs, methods, peers)
    for name in scores:
        write_csv(os.path.join(args.out, f"{name}.csv"), sets[name], scores[name], runs[name])
    best = best_peer(scores, peers, "fade-dev", "ciede2000")
    write_sheets(args, sets, runs, peers, best)
    print("\nCIEDE2000: mean over images (lower is better); control: output against the input itself.")
    print("s/image: median on fade dev, one thread (ours: the CLI's own figure; peers: the Python call, gmic's with its start-up)")
    print(f"best peer (fade dev CIEDE2000): {best}")
    print(f"written to {os.path.abspath(args.out)}: {', '.join(n + '.csv' for n in scores)}, contact-real.png, contact-synthetic.png")
    print(stages.line())


if __name__ == "__main__":
    main()
