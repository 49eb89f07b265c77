"""Imported first by the evaluation programs, before numpy: one BLAS thread per process (their
peers and scores run in --jobs processes on a small, shared machine) and no __pycache__ in
the source tree."""
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.dont_write_bytecode = True
