"""lowlight_ours.py - our enhancer through the native CLI, one batch call per image set.

One thread (--threads 1), so the per-image times, read from the CLI's progress lines, compare
with the peers' single-threaded times. Outputs are forced to PNG (--format png): JPEG inputs
(DICM) would otherwise come back as quality-92 JPEGs and ours alone would carry compression
artefacts into the scores.
"""
import os
import subprocess
import sys


def output_path(outdir, src):
    return os.path.join(outdir, os.path.splitext(os.path.basename(src))[0] + "-enhanced.png")


def _times(stderr):
    """{input path: seconds} from lines like '[1/2] IN -> OUT (84 ms)'; errors are echoed."""
    times = {}
    for line in stderr.splitlines():
        if line.startswith("[") and " -> " in line and line.endswith(" ms)"):
            src = line.split("] ", 1)[1].split(" -> ")[0]
            times[src] = float(line.rsplit("(", 1)[1].split()[0]) / 1000.0
        elif "error" in line or "studio:" in line:
            print(f"  cli: {line}", file=sys.stderr)
    return times


def run(cli, inputs, outdir, extra):
    """Enhance inputs into outdir with `extra` options. Returns ({input: output}, {input: s});
    an input whose output is missing is left out of the first dict."""
    os.makedirs(outdir, exist_ok=True)
    outs = {f: output_path(outdir, f) for f in inputs}
    for path in outs.values():
        if os.path.exists(path):
            os.remove(path)
    p = subprocess.run([cli, "enhance", *inputs, "-o", outdir, "--threads", "1", "--format", "png", *extra],
                       capture_output=True, text=True)
    times = _times(p.stderr)
    if p.returncode:
        print(f"  cli exit status {p.returncode} for {' '.join(extra) or 'defaults'}: {p.stderr.strip().splitlines()[-1:]}",
              file=sys.stderr)
    return {f: o for f, o in outs.items() if os.path.exists(o)}, times
