#!/usr/bin/python3
"""faiss's side of dev.komsu.bench.HnswBuildSearch: the same build and searches with faiss.

Usage: /usr/bin/python3 hnsw_faiss.py DIR M EF_CONSTRUCTION BUILD_THREADS EF_SEARCH[,...] [N]
Build on BUILD_THREADS threads; each efSearch searched with all queries in one call on one
thread, median of 3 after a warm-up call; recall@10 against gt.npy (or exact, for a prefix N).
"""
import sys
import time

import faiss
import numpy as np

d_ir, m, efc, threads, efs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
base = np.load(d_ir + '/base.npy')
q = np.load(d_ir + '/queries.npy')
n = int(sys.argv[6]) if len(sys.argv) > 6 else len(base)
base = np.ascontiguousarray(base[:n])
if n == len(np.load(d_ir + '/base.npy', mmap_mode='r')):
    gt = np.load(d_ir + '/gt.npy')[:, :10]
else:
    flat = faiss.IndexFlatL2(base.shape[1]); flat.add(base); gt = flat.search(q, 10)[1]
faiss.omp_set_num_threads(threads)
idx = faiss.IndexHNSWFlat(base.shape[1], m)
idx.hnsw.efConstruction = efc
t0 = time.time(); idx.add(base); build = time.time() - t0
print('faiss %s HNSW%d efConstruction=%d n=%d build %.2f s (%d threads)' % (faiss.__version__, m, efc, n, build, threads))
faiss.omp_set_num_threads(1)
for ef in map(int, efs.split(',')):
    idx.hnsw.efSearch = ef
    idx.search(q, 10)
    times = []
    for _ in range(3):
        t0 = time.time(); D, I = idx.search(q, 10); times.append(time.time() - t0)
    rec = np.mean([len(set(I[i]) & set(gt[i])) / 10 for i in range(len(q))])
    print('faiss HNSW%d efSearch=%d QPS %.0f (1 thread) recall@10 %.4f' % (m, ef, len(q) / sorted(times)[1], rec))
