"""results.py - an evaluation's per-image results (lowlight, fade): their means and median
times, the per-image CSV, and the run's stage timings.

scores: {input: {method: {metric: value}}}; runs: {method: ({input: output}, {input: seconds})};
an image set s: {"inputs": [paths], "facts": {input: {name: value}}} (what made the input)."""
import contextlib
import csv
import os
import time
import types

import numpy as np


def column(scores, method, metric):
    vals = [per[method][metric] for per in scores.values() if method in per and metric in per[method]]
    return float(np.mean(vals)) if vals else float("nan")


def median_time(runs, method):
    t = list(runs[method][1].values()) if method in runs else []
    return float(np.median(t)) if t else float("nan")


def write_csv(path, s, scores, runs):
    """One row per image: the protocol's facts, then metric_method columns and times."""
    rows = []
    for f in s["inputs"]:
        row = {"image": os.path.basename(f)}
        row.update({k: round(v, 5) for k, v in s["facts"].get(f, {}).items()})
        for m, vals in scores.get(f, {}).items():
            row.update({f"{k}_{m}": round(v, 4) for k, v in vals.items()})
            if m != "input":
                row[f"time_s_{m}"] = round(runs[m][1].get(f, float("nan")), 3)
        rows.append(row)
    fields = list(dict.fromkeys(k for r in rows for k in r))
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


class Stages:
    """The wall time of each stage of a run, for its last line:
        stages = Stages()
        with stages("scores") as st: ...      (st.label may be changed inside, e.g. to add counts)
        print(stages.line())                  -> "time: scores 3 s; total 5 s"
    """

    def __init__(self):
        self.start, self.done = time.perf_counter(), []

    @contextlib.contextmanager
    def __call__(self, label):
        st, t0 = types.SimpleNamespace(label=label), time.perf_counter()
        yield st
        self.done.append((st.label, time.perf_counter() - t0))

    def line(self):
        return ("time: " + ", ".join(f"{label} {t:.0f} s" for label, t in self.done)
                + f"; total {time.perf_counter() - self.start:.0f} s")
