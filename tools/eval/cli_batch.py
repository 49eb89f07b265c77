"""cli_batch.py - one of our CLI's batch commands (enhance, restore, ...) on an image set, one
call per set, for the evaluations (lowlight, fade).

One thread (--threads 1), so the per-image times, read from the CLI's progress lines, compare
with the peers' single-threaded times. Outputs are forced to PNG (--format png): JPEG inputs
(DICM) would otherwise come back as quality-92 JPEGs and ours alone would carry compression
artefacts into the scores. The batch writes DIR/NAME-SUFFIX.png for IN/NAME.ext
(src/cli/output.c, es_batch_name).
"""
import os
import subprocess
import sys


class UnknownCommand(Exception):
    """The CLI does not have this command (an older build): the caller skips the method."""


def output_path(outdir, src, suffix):
    return os.path.join(outdir, os.path.splitext(os.path.basename(src))[0] + f"-{suffix}.png")


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


def run(cli, command, suffix, inputs, outdir, extra):
    """`cli command inputs -o outdir` with `extra` options. Returns ({input: output}, {input: s});
    an input whose output is missing is left out of the first dict. Raises UnknownCommand when
    the CLI says it has no such command."""
    os.makedirs(outdir, exist_ok=True)
    outs = {f: output_path(outdir, f, suffix) for f in inputs}
    for path in outs.values():
        if os.path.exists(path):
            os.remove(path)
    p = subprocess.run([cli, command, *inputs, "-o", outdir, "--threads", "1", "--format", "png", *extra],
                       capture_output=True, text=True)
    if p.returncode and f"unknown command '{command}'" in p.stderr:
        raise UnknownCommand(f"{cli} has no '{command}' command")
    times = _times(p.stderr)
    if p.returncode:
        print(f"  cli exit status {p.returncode} for {' '.join(extra) or 'defaults'}: {p.stderr.strip().splitlines()[-1:]}",
              file=sys.stderr)
    return {f: o for f, o in outs.items() if os.path.exists(o)}, times
