#!/usr/bin/python3
"""faiss's side of komsu's benchmark harness: the same index strings and search parameters on
the same .npy files, with Debian's python3-faiss.

Usage (scripts/compare-faiss wraps this with Debian's /usr/bin/python3):
  compare_faiss.py --base B.npy --queries Q.npy --factory STR [--factory STR ...]
                   [--params "nprobe=4 k_factor=4" ...] [--threads 1,2] [--k 10] [--runs 3]
                   --labels-dir DIR
  compare_faiss.py --info

Prints one JSON object per line on stdout, per (factory, threads, params): faiss version and
compile options, train/add seconds, QPS (median of --runs timed searches of the whole query
batch in one call, after warm-up searches of about a second), every run's QPS, serialised index bytes, and the
path of an int64 .npy with the labels of the last run. Recall is not computed here: the
harness computes it for komsu and faiss alike from those labels and komsu's ground truth.
--params uses FAISS_REFERENCE.md's spelling; "-" means faiss's defaults. nprobe and efSearch
("efSearch=64", HNSW{M} / HNSW{M},Flat: index.hnsw.efSearch) are set with faiss.ParameterSpace
(it reaches the IVF inside a refine wrapper, and the graph of an IndexHNSWFlat); k_factor is the refine
wrapper's k_factor_rf on an IndexRefine (RFlat), else faiss's own k_factor. Threads:
faiss.omp_set_num_threads(T) before training, adding and searching, and the same cap on
OpenBLAS's own thread pool (Debian's default libopenblas is the pthread build, which ignores
OpenMP's setting: without the cap faiss's sgemm, used for the coarse quantiser of query batches
and for k-means, ran on every core in "T=1" rows). A configuration faiss rejects becomes a row
with "error" set; the others still run.
"""
import argparse
import ctypes
import json
import os
import re
import sys
import tempfile
import time

import faiss
import numpy as np


def build_info():
    return {"faiss_version": faiss.__version__,
            "compile_options": faiss.get_compile_options().strip(),
            "origin": os.path.dirname(os.path.abspath(faiss.__file__)),
            "numpy_version": np.__version__}


def parse_params(label):
    """'nprobe=4 k_factor=4' -> [('nprobe', 4.0), ('k_factor', 4.0)]; '-' -> []."""
    label = label.strip()
    if label in ("", "-"):
        return []
    out = []
    for part in label.split():
        m = re.fullmatch(r"([A-Za-z_]+)=([0-9.]+)", part)
        if not m:
            raise ValueError(f"bad --params entry '{part}' in '{label}': expected name=value, e.g. nprobe=4")
        out.append((m.group(1), float(m.group(2))))
    return out


def apply_params(index, params):
    ps = faiss.ParameterSpace()
    is_refine = isinstance(faiss.downcast_index(index), faiss.IndexRefine)
    for name, value in params:
        if name == "k_factor" and is_refine:
            name = "k_factor_rf"  # IndexRefineFlat.k_factor; plain "k_factor" is IndexIVFPQR's
        ps.set_index_parameter(index, name, value)


def median(values):
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def save_labels_atomically(path, labels):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix="." + os.path.basename(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.save(f, labels)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "default"


def cap_blas_threads(threads):
    """Caps OpenBLAS's thread pool; returns the library it reached, or None (another BLAS)."""
    for name in ("libopenblas.so.0", "libopenblas.so"):
        try:
            lib = ctypes.CDLL(name)  # the copy faiss already loaded: dlopen returns the same one
        except OSError:
            continue
        if hasattr(lib, "openblas_set_num_threads"):
            lib.openblas_set_num_threads(int(threads))
            return name
    return None


def emit(row):
    print(json.dumps(row), flush=True)


def log(msg):
    print(f"[faiss] {msg}", file=sys.stderr, flush=True)


def run_factory(args, info, xb, xq, factory, threads, settings):
    base_row = dict(info, factory=factory, threads=threads, k=args.k)
    faiss.omp_set_num_threads(threads)
    blas = cap_blas_threads(threads)
    base_row["blas_threads"] = f"{blas}: openblas_set_num_threads({threads})" if blas else "not capped (no OpenBLAS found)"
    try:
        index = faiss.index_factory(xb.shape[1], factory, faiss.METRIC_L2)
        log(f"T={threads} {factory}: train")
        t0 = time.perf_counter()
        index.train(xb)
        train_s = time.perf_counter() - t0
        log(f"T={threads} {factory}: train {train_s:.1f} s, add")
        t0 = time.perf_counter()
        index.add(xb)
        add_s = time.perf_counter() - t0
        index_bytes = int(faiss.serialize_index(index).size)
    except Exception as e:  # faiss raises RuntimeError with its own message; report and go on
        for label in settings:
            emit(dict(base_row, params=label, error=f"{type(e).__name__}: {e}".strip()))
        return
    for label in settings:
        row = dict(base_row, params=label, train_s=train_s, add_s=add_s, index_bytes=index_bytes)
        try:
            apply_params(index, parse_params(label))
            warm_start = time.perf_counter()  # warm-up: one search and about a second, as the Java side
            for w in range(10):
                if w > 0 and time.perf_counter() - warm_start >= 1.0:
                    break
                index.search(xq, args.k)
            qps_runs = []
            labels = None
            for _ in range(args.runs):
                t0 = time.perf_counter()
                _, labels = index.search(xq, args.k)
                qps_runs.append(xq.shape[0] / (time.perf_counter() - t0))
            path = os.path.join(args.labels_dir, f"faiss_{slug(factory)}_{slug(label)}_T{threads}.npy")
            save_labels_atomically(path, labels.astype(np.int64))
            row.update(qps=median(qps_runs), qps_runs=qps_runs, labels=os.path.abspath(path))
            log(f"T={threads} {factory} {label}: {row['qps']:.0f} QPS")
        except Exception as e:
            row["error"] = f"{type(e).__name__}: {e}".strip()
        emit(row)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--info", action="store_true", help="print faiss's version and build, then exit")
    p.add_argument("--base")
    p.add_argument("--queries")
    p.add_argument("--factory", action="append", default=[])
    p.add_argument("--params", action="append", default=[])
    p.add_argument("--threads", default="1")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--labels-dir")
    args = p.parse_args()
    info = build_info()
    if args.info:
        emit(info)
        return 0
    for need in ("base", "queries", "labels_dir"):
        if getattr(args, need) is None:
            p.error(f"--{need.replace('_', '-')} is required")
    if not args.factory:
        p.error("give at least one --factory")
    if args.runs < 1 or args.k < 1:
        p.error("--runs and --k must be >= 1")
    try:
        threads = [int(t) for t in args.threads.split(",")]
    except ValueError:
        p.error(f"--threads must be a comma-separated list of integers, got '{args.threads}'")
    if any(t < 1 for t in threads):
        p.error(f"--threads values must be >= 1, got '{args.threads}'")
    settings = args.params or ["-"]
    for label in settings:
        try:
            parse_params(label)
        except ValueError as e:
            p.error(str(e))
    os.makedirs(args.labels_dir, exist_ok=True)
    xb = np.ascontiguousarray(np.load(args.base), dtype=np.float32)
    xq = np.ascontiguousarray(np.load(args.queries), dtype=np.float32)
    if xb.ndim != 2 or xq.ndim != 2 or xb.shape[1] != xq.shape[1]:
        p.error(f"base {xb.shape} and queries {xq.shape} must be 2-D with the same number of columns")
    log(f"faiss {info['faiss_version']} ({info['compile_options']}), base {xb.shape}, queries {xq.shape}")
    for factory in args.factory:
        for t in threads:
            run_factory(args, info, xb, xq, factory, t, settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
