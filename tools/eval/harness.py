"""harness.py - what the evaluations against peers share around their own parts (fade, repair):
the command line (a dev set, --held-out, ours' CLI and options, --seed, --limit, --jobs), the
run's first lines, and the stages in one process pool (the inputs made, ours, the peers through
peer_cache, the scores), each timed for the last line (results.Stages)."""
import argparse
import multiprocessing
import os
import shlex
import sys

import machine
import peer_cache
from datasets import BUILD, SHARED
from results import Stages


def parser(doc, name, ours_help, limit_help):
    """The shared options; `name` is the output folder under build/eval."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("clean", nargs="?", default=os.path.join(SHARED, "datasets", "kodak"))
    ap.add_argument("--held-out", action="store_true", help="also the held-out set (--held-out-dir)")
    ap.add_argument("--held-out-dir", default=os.path.join(SHARED, "datasets", "cbsd68"))
    ap.add_argument("--out", default=os.path.join(BUILD, "eval", name))
    ap.add_argument("--ours-cli", dest="cli", default=os.path.join(BUILD, "native", "studio-cli"))
    ap.add_argument("--ours-args", default="", help=ours_help)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--limit", type=int, default=0, help=limit_help)
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="processes for the peers (2)")
    return ap


def parse(ap):
    """The arguments, --ours-args split as a shell would; exits when a set's folder is missing."""
    args = ap.parse_args()
    args.ours_args = shlex.split(args.ours_args)
    for folder in [args.clean] + ([args.held_out_dir] if args.held_out else []):
        if not os.path.isdir(folder):
            sys.exit(f"eval: {folder} not found (ES_SHARED={SHARED})")
    os.makedirs(args.out, exist_ok=True)
    return args


def header(args, command):
    print(f"machine: {machine.cpu()}")
    print(f"dev set {os.path.abspath(args.clean)}" + (f", held-out {os.path.abspath(args.held_out_dir)}" if args.held_out else "")
          + f", seed {args.seed}; ours: {args.cli} {command} {' '.join(args.ours_args) or '(defaults)'}; "
          f"peers in {args.jobs} process(es), 1 thread each")


def run(args, inputs_label, make_sets, run_ours, run_peers, add_ours, score):
    """The stages in one pool: sets = make_sets(args, pool); ours = run_ours(args, sets);
    runs, n, cached = run_peers(args, sets, pool); add_ours(runs, ours); scores = score(sets,
    runs, pool). Returns (sets, ours, runs, scores, stages)."""
    stages = Stages()
    with multiprocessing.Pool(args.jobs, initializer=peer_cache.worker_init) as pool:
        with stages(inputs_label):
            sets = make_sets(args, pool)
        with stages("ours (CLI)"):
            ours = run_ours(args, sets)
        with stages("peers") as st:
            runs, n_tasks, n_cached = run_peers(args, sets, pool)
            st.label = f"peers ({n_tasks} runs, {n_cached} cached)"
        add_ours(runs, ours)
        with stages("scores"):
            scores = score(sets, runs, pool)
    print("\n" + ", ".join(f"{name}: {len(s['inputs'])} images" for name, s in sets.items()))
    return sets, ours, runs, scores, stages
