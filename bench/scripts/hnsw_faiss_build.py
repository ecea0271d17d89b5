#!/usr/bin/python3
"""faiss's HNSW32 (efConstruction 40) build of BASE_NPY alone: wall and process CPU seconds, and
the process's AnonHugePages (whether the memory went on transparent huge pages; run with and
without GLIBC_TUNABLES=glibc.malloc.hugetlb=1 to compare). See bench/RESULTS.md.

Usage: /usr/bin/python3 hnsw_faiss_build.py BASE_NPY THREADS
"""
import sys
import time

import faiss
import numpy as np

base = np.ascontiguousarray(np.load(sys.argv[1]))
faiss.omp_set_num_threads(int(sys.argv[2]))
idx = faiss.IndexHNSWFlat(base.shape[1], 32)
idx.hnsw.efConstruction = 40
c0 = time.process_time(); t0 = time.time(); idx.add(base); t = time.time() - t0; c = time.process_time() - c0
ahp = [l for l in open('/proc/self/smaps_rollup') if l.startswith('AnonHugePages')][0].split()[1]
print('faiss build %.2f s, %.2f CPU s, AnonHugePages %s kB' % (t, c, ahp), flush=True)
