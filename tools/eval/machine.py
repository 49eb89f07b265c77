"""machine.py - which machine a benchmark ran on, for the line every benchmark prints first
(figures from different sessions are only comparable with this said)."""
import os
import platform


def cpu():
    """The CPU's model name and the logical CPU count."""
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
    except OSError:
        names = []
    return f"{names[0] if names else platform.processor() or 'unknown CPU'}, {os.cpu_count()} logical CPUs"
