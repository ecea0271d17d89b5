package dev.komsu.bench;

import dev.komsu.ProgressListener;
import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.quant.KMeans;
import dev.komsu.quant.KMeansParams;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Wall time of one k-means training (faiss's defaults but {@code NITER} iterations) on one
 * thread, and a checksum of the centroids so runs can be compared for identical results.
 *
 * <p>Usage: KMeansTrainingTime BASE.npy NLIST NITER [dense|pruned [CENTROIDS.npy]]  ({@code dense}:
 * the CPU backend without the centroids' norms and projection, so every assignment takes the
 * dense path: the code before the pruned path, for an A/B in one build; CENTROIDS.npy: where to
 * write the trained centroids, e.g. for {@link PrunedDenseStep})
 */
public final class KMeansTrainingTime {
    private KMeansTrainingTime() {
    }

    public static void main(String[] args) throws Exception {
        int nlist = Integer.parseInt(args[1]);
        int niter = Integer.parseInt(args[2]);
        boolean dense = args.length > 3 && args[3].equals("dense");
        try (FloatMatrix xs = Npy.readMatrix(Path.of(args[0])); ComputeBackend inner = Backends.cpu(1)) {
            ComputeBackend cpu = dense ? new DenseOnlyBackend(inner) : inner;
            long t0 = System.nanoTime();
            KMeans.Result r = new KMeans(nlist, KMeansParams.FAISS_DEFAULTS.withNiter(niter), cpu).train(xs, Metric.L2, ProgressListener.NONE);
            double s = (System.nanoTime() - t0) / 1e9;
            try (FloatMatrix c = r.centroids()) {
                if (args.length > 4) Npy.write(Path.of(args[4]), c);
                System.out.printf(Locale.ROOT, "k-means%s %d x %d, nlist %d, %d iterations, 1 thread: %.2f s (objective %.6e, centroids hash %08x)%n",
                        dense ? " (dense)" : "", xs.rows(), xs.cols(), nlist, niter, s, r.objective()[niter - 1], Arrays.hashCode(c.toArray()));
            }
        }
    }
}
