package dev.komsu.bench;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.rvc.FeatureRetrieval;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * RVC's real-time path, komsu's side (issue 13 item 7): per 100-frame chunk of 768-d features,
 * the search alone (nprobe 1, k 8) and the search + blend ({@link FeatureRetrieval#blend}),
 * one thread, through the Java API as the README shows it. Reads the faiss-written index and
 * the chunks that bench/scripts/rvc_chunk_faiss.py made, so both sides time the same work.
 * Each chunk is timed separately (a real-time caller sees every one); the first WARMUP chunks
 * are not counted; with PASSES > 1 every chunk is first searched PASSES - 1 times more, as a
 * voice-conversion session that has run a while has compiled its hot paths (faiss has no JIT to
 * warm). Run pinned ({@code taskset -c N}), see bench/RESULTS.md.
 *
 * <p>Usage: RvcChunkLatency DIR [WARMUP [PASSES]]  (DIR holds rvc.index and chunks.npy)
 */
public final class RvcChunkLatency {
    private static final int FRAMES = 100;
    private static final int K = FeatureRetrieval.DEFAULT_K;
    private static final float INDEX_RATE = FeatureRetrieval.DEFAULT_INDEX_RATE;

    private RvcChunkLatency() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) throw new IllegalArgumentException("usage: RvcChunkLatency DIR [WARMUP [PASSES]]");
        Path dir = Path.of(args[0]);
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        SearchParams params = SearchParams.builder().nprobe(1).build(); // RVC leaves faiss's nprobe 1
        try (ComputeBackend backend = Backends.cpu(1);
             Index index = FaissIndexes.read(dir.resolve("rvc.index"), backend);
             FloatMatrix feats = Npy.readMatrix(dir.resolve("chunks.npy"))) {
            int chunks = Math.toIntExact(feats.rows() / FRAMES);
            if (chunks <= warmup) {
                throw new IllegalArgumentException("chunks.npy holds " + chunks + " chunks, need more than WARMUP=" + warmup);
            }
            System.out.printf(Locale.ROOT, "komsu %s, backend %s (%s), %d chunks of %d x %d, nprobe 1, k %d, 1 thread, %d pass(es)%n",
                    index.describe(), backend.name(), backend.fastScan().name(), chunks - warmup, FRAMES, index.dim(), K, passes);
            double[] searchMs = new double[chunks - warmup];
            double[] blendMs = new double[chunks - warmup];
            long checksum = 0; // keeps the results live
            for (int pass = 1; pass < passes; pass++) {
                for (int c = 0; c < chunks; c++) {
                    FloatMatrix chunk = feats.rowRange((long) c * FRAMES, FRAMES);
                    checksum += index.search(chunk, K, params).label(0, 0);
                    try (FloatMatrix blended = FeatureRetrieval.blend(index, chunk, K, INDEX_RATE, params)) {
                        checksum += Float.floatToIntBits(blended.get(0, 0));
                    }
                }
            }
            for (int c = 0; c < chunks; c++) {
                FloatMatrix chunk = feats.rowRange((long) c * FRAMES, FRAMES);
                long t0 = System.nanoTime();
                checksum += index.search(chunk, K, params).label(0, 0);
                long t1 = System.nanoTime();
                try (FloatMatrix blended = FeatureRetrieval.blend(index, chunk, K, INDEX_RATE, params)) {
                    checksum += Float.floatToIntBits(blended.get(0, 0));
                }
                long t2 = System.nanoTime();
                if (c >= warmup) {
                    searchMs[c - warmup] = (t1 - t0) / 1e6;
                    blendMs[c - warmup] = (t2 - t1) / 1e6;
                }
            }
            print("search", searchMs);
            print("search+blend", blendMs);
            System.out.println("(checksum " + checksum + ")");
        }
    }

    private static void print(String name, double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(ms).average().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "komsu %-14s chunks=%d mean %.3f p50 %.3f p95 %.3f p99 %.3f ms%n", name, ms.length,
                mean, percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99));
    }

    /** Linear interpolation between closest ranks, numpy's default, so both sides compute the same statistic. */
    static double percentile(double[] sorted, double p) {
        double rank = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }
}
