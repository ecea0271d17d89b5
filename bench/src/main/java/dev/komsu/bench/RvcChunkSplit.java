package dev.komsu.bench;

import dev.komsu.Index;
import dev.komsu.SearchParams;
import dev.komsu.index.IvfIndex;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.rvc.FeatureRetrieval;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where an RVC chunk's time goes ({@link RvcChunkLatency}'s data and calls): per 100-frame
 * chunk, the coarse step alone (the quantiser's search, nprobe 1), the whole search, and the
 * blend, in the calling thread's CPU time (the backend runs on it, one thread), so that other
 * load on a shared machine weighs less than in wall time. "lists" is the search less the coarse
 * step (list scans, top-k, copies); "blend" is the blend less one search. Every chunk is run
 * once per round; the first rounds warm the JIT.
 *
 * <p>Usage: RvcChunkSplit DIR [ROUNDS]  (DIR holds rvc.index and chunks.npy)
 */
public final class RvcChunkSplit {
    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();
    private static final int FRAMES = 100;

    private RvcChunkSplit() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) throw new IllegalArgumentException("usage: RvcChunkSplit DIR [ROUNDS]");
        Path dir = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        SearchParams params = SearchParams.builder().nprobe(1).build();
        try (ComputeBackend backend = Backends.cpu(1);
             Index index = FaissIndexes.read(dir.resolve("rvc.index"), backend);
             FloatMatrix feats = Npy.readMatrix(dir.resolve("chunks.npy"))) {
            IvfIndex ivf = IvfIndex.find(index);
            int chunks = Math.toIntExact(feats.rows() / FRAMES);
            long checksum = 0; // keeps the results live
            for (int r = 0; r < rounds; r++) {
                long coarse = 0, search = 0, blend = 0;
                for (int c = 0; c < chunks; c++) {
                    FloatMatrix chunk = feats.rowRange((long) c * FRAMES, FRAMES);
                    long t0 = THREAD.getCurrentThreadCpuTime();
                    checksum += ivf.quantizer().search(chunk, 1, params).label(0, 0);
                    long t1 = THREAD.getCurrentThreadCpuTime();
                    checksum += index.search(chunk, FeatureRetrieval.DEFAULT_K, params).label(0, 0);
                    long t2 = THREAD.getCurrentThreadCpuTime();
                    try (FloatMatrix b = FeatureRetrieval.blend(index, chunk, FeatureRetrieval.DEFAULT_K,
                            FeatureRetrieval.DEFAULT_INDEX_RATE, params)) {
                        checksum += Float.floatToIntBits(b.get(0, 0));
                    }
                    long t3 = THREAD.getCurrentThreadCpuTime();
                    coarse += t1 - t0;
                    search += t2 - t1;
                    blend += t3 - t2;
                }
                double per = 1e6 * chunks;
                System.out.printf(Locale.ROOT, "round %d: CPU ms per chunk: coarse %.3f, lists %.3f, search %.3f, search+blend %.3f"
                        + " (blend %.3f)%n", r, coarse / per, (search - coarse) / per, search / per, blend / per, (blend - search) / per);
            }
            System.out.println("(checksum " + checksum + ")");
        }
    }
}
