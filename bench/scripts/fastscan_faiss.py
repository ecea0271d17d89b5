#!/usr/bin/python3
"""Builds (once) and times faiss's IVF FastScan + RFlat on a dataset folder, 1 thread.

Usage: /usr/bin/python3 fastscan_faiss.py DATA_DIR INDEX_FILE [factory] [nprobe,...]
  DATA_DIR holds base.npy, queries.npy, gt.npy (../shared/interop/make_datasets.py).
  An empty nprobe list only builds. If INDEX_FILE does not exist, the index is built with faiss.index_factory and written there,
  so komsu's FastScanEndToEnd can search the very same index. k = 10, k_factor 4, all queries in
  one search call, QPS = best of 3 after a warm-up, by wall time and per
  CPU-second of the process (less disturbed by a busy shared machine). Prints faiss's build options (Debian's
  python3-faiss is OPTIMIZE GENERIC: no AVX2).
"""
import os
import sys
import time

import faiss
import numpy as np

data, path = sys.argv[1], sys.argv[2]
factory = sys.argv[3] if len(sys.argv) > 3 else "IVF1024,PQ128x4fs,RFlat"
nprobes = [int(x) for x in (sys.argv[4] if len(sys.argv) > 4 else "16,64").split(",") if x]
faiss.omp_set_num_threads(1)
base = np.load(os.path.join(data, "base.npy"))
queries = np.load(os.path.join(data, "queries.npy"))
gt = np.load(os.path.join(data, "gt.npy"))
if os.environ.get("KOMSU_BENCH_NQ"):  # first NQ queries only, to keep a run short
    nq = int(os.environ["KOMSU_BENCH_NQ"])
    queries, gt = queries[:nq], gt[:nq]
print("faiss", faiss.__version__, faiss.get_compile_options())
if not os.path.exists(path):
    index = faiss.index_factory(base.shape[1], factory)
    # KOMSU_BENCH_KMEANS="niter,max_points_per_centroid" shortens the coarse k-means on a busy
    # machine (faiss's defaults: 25,256); both sides then search the same, cheaper-built index
    if os.environ.get("KOMSU_BENCH_KMEANS"):
        niter, maxp = (int(v) for v in os.environ["KOMSU_BENCH_KMEANS"].split(","))
        inner = faiss.downcast_index(index)
        if hasattr(inner, "base_index"):  # IndexRefineFlat: the IVF is its base
            inner = faiss.downcast_index(inner.base_index)
        ivf = faiss.extract_index_ivf(inner)
        ivf.cp.niter = niter
        ivf.cp.max_points_per_centroid = maxp
        print("coarse k-means: niter=%d max_points_per_centroid=%d" % (niter, maxp))
    t0 = time.time()
    index.train(base)
    t1 = time.time()
    index.add(base)
    print("built %s: train %.1f s add %.1f s" % (factory, t1 - t0, time.time() - t1))
    faiss.write_index(index, path)
index = faiss.read_index(path)
ps = faiss.ParameterSpace()
k = 10
for nprobe in nprobes:
    ps.set_index_parameter(index, "nprobe", nprobe)
    ps.set_index_parameter(index, "k_factor_rf", 4)
    index.search(queries[:200], k)
    best = best_cpu = 1e9
    for _ in range(3):
        t, c = time.time(), time.process_time()
        D, I = index.search(queries, k)
        best = min(best, time.time() - t)
        best_cpu = min(best_cpu, time.process_time() - c)
    r1 = (I[:, 0] == gt[:, 0]).mean()
    r10 = np.mean([len(set(I[i]) & set(gt[i, :k])) / k for i in range(len(queries))])
    print("faiss nprobe=%d k_factor=4 T=1: QPS %.0f (wall)  %.0f (per CPU-second)  R@1 %.3f  R10@10 %.3f"
          % (nprobe, len(queries) / best, len(queries) / best_cpu, r1, r10))
