package dev.komsu.bench;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.ComputeBackend;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Wall time of an index's train and of its add, on one thread, for an A/B of two builds run
 * alternately on the same core (the harness times them too, but among many other runs).
 *
 * <p>Usage: IvfTrainAddTime BASE.npy FACTORY  (trains on and adds the whole base, L2)
 */
public final class IvfTrainAddTime {
    private IvfTrainAddTime() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) throw new IllegalArgumentException("usage: IvfTrainAddTime BASE.npy FACTORY");
        try (FloatMatrix xs = Npy.readMatrix(Path.of(args[0])); ComputeBackend cpu = Backends.cpu(1);
             Index index = IndexFactory.create(xs.cols(), args[1], Metric.L2, cpu)) {
            long t0 = System.nanoTime();
            index.train(xs);
            long t1 = System.nanoTime();
            index.add(xs);
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "%s over %d x %d, 1 thread: train %.2f s, add %.2f s%n", args[1], xs.rows(), xs.cols(),
                    (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        }
    }
}
