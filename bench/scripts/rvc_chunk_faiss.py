#!/usr/bin/python3
"""faiss's side of the RVC chunk-latency benchmark (issue 13 item 7), one thread.

Usage: /usr/bin/python3 rvc_chunk_faiss.py DIR [ROWS] [CHUNKS] [WARMUP]
  On first use writes DIR/chunks.npy (WARMUP + CHUNKS chunks of 100 frames x 768, float32)
  and DIR/rvc.index: ROWS synthetic 768-d features (a seeded Gaussian mixture, RVC-shaped)
  in an IVF{n},Flat index with RVC's rule n = min(16 sqrt(ROWS), ROWS // 39), trained and
  written by faiss, so komsu's RvcChunkLatency reads the very same file.
  Then times each chunk as RVC's infer pipeline does at nprobe 1, k 8: the search alone, and
  search + RVC's numpy blend (big_npy = reconstruct_n once, weights 1/d^2 normalised, weighted
  mean of big_npy[ix], index_rate 0.75 mix). Prints mean / p50 / p95 / p99 in ms per chunk.
  Debian's python3-faiss is built OPTIMIZE GENERIC (no AVX2): say so with its figures.
"""
import os
import sys
import time

import faiss
import numpy as np

FRAMES, DIM, K, INDEX_RATE = 100, 768, 8, 0.75


def rvc_nlist(n):
    # RVC's train_index: n_ivf = min(int(16 * np.sqrt(big_npy.shape[0])), big_npy.shape[0] // 39)
    return min(int(16 * np.sqrt(n)), n // 39)


def make_files(d, rows, chunks):
    rng = np.random.default_rng(1234)
    centres = rng.normal(0, 1, (256, DIM)).astype(np.float32)
    base = (centres[rng.integers(0, 256, rows)] + 0.35 * rng.normal(0, 1, (rows, DIM))).astype(np.float32)
    frames = chunks * FRAMES
    queries = (centres[rng.integers(0, 256, frames)] + 0.35 * rng.normal(0, 1, (frames, DIM))).astype(np.float32)
    np.save(os.path.join(d, "chunks.npy"), queries)
    factory = "IVF%d,Flat" % rvc_nlist(rows)
    index = faiss.index_factory(DIM, factory)
    t = time.time()
    index.train(base)
    for i in range(0, rows, 8192):  # RVC adds in batches of 8192
        index.add(base[i:i + 8192])
    faiss.write_index(index, os.path.join(d, "rvc.index"))
    print("built %s on %d x %d in %.1f s (faiss-written)" % (factory, rows, DIM, time.time() - t))


def stats(name, ms):
    ms = np.asarray(ms)
    print("faiss %-14s chunks=%d mean %.3f p50 %.3f p95 %.3f p99 %.3f ms" % (
        name, len(ms), ms.mean(), np.percentile(ms, 50), np.percentile(ms, 95), np.percentile(ms, 99)))


def main():
    d = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
    chunks = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    warmup = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    faiss.omp_set_num_threads(1)
    os.makedirs(d, exist_ok=True)
    if not os.path.exists(os.path.join(d, "rvc.index")):
        make_files(d, rows, warmup + chunks)
    print("faiss", faiss.__version__, faiss.get_compile_options())
    index = faiss.read_index(os.path.join(d, "rvc.index"))
    index.nprobe = 1
    big_npy = index.reconstruct_n(0, index.ntotal)  # RVC does this once per model
    feats = np.load(os.path.join(d, "chunks.npy"))
    n = feats.shape[0] // FRAMES
    search_ms, blend_ms = [], []
    for c in range(n):
        npy = feats[c * FRAMES:(c + 1) * FRAMES]
        t0 = time.perf_counter()
        index.search(npy, K)
        t1 = time.perf_counter()
        # RVC's pipeline.py, verbatim in substance:
        score, ix = index.search(npy, k=K)
        weight = np.square(1 / score)
        weight /= weight.sum(axis=1, keepdims=True)
        mixed = np.sum(big_npy[ix] * np.expand_dims(weight, axis=2), axis=1)
        out = mixed * INDEX_RATE + (1 - INDEX_RATE) * npy
        t2 = time.perf_counter()
        if c >= warmup:
            search_ms.append((t1 - t0) * 1e3)
            blend_ms.append((t2 - t1) * 1e3)
    stats("search", search_ms)
    stats("search+blend", blend_ms)


if __name__ == "__main__":
    main()
