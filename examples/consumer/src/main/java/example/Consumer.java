package example;

import dev.komsu.Index;
import dev.komsu.IndexFactory;
import dev.komsu.SearchParams;
import dev.komsu.io.FaissIndexes;
import dev.komsu.io.Npy;
import dev.komsu.kernels.Backends;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.Metric;
import dev.komsu.kernels.Neighbors;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Builds an IVF index over clustered vectors, searches it, writes it in faiss's format, reads it
 * back and searches again, and prints recall@10 against exact search. Writes the labels to
 * {@code args[1]} so two runs (with and without the Vector API) can be compared.
 * Usage: {@code Consumer WORK_DIR LABELS.npy}
 */
public final class Consumer {
    private static final int DIM = 64;
    private static final int ROWS = 20_000;
    private static final int QUERIES = 500;
    private static final int K = 10;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Random random = new Random(7);
        float[][] centres = new float[50][DIM];
        for (float[] c : centres) for (int j = 0; j < DIM; j++) c[j] = (float) random.nextGaussian() * 4;
        try (FloatMatrix xs = FloatMatrix.of(clustered(random, centres, ROWS));
             FloatMatrix qs = FloatMatrix.of(clustered(random, centres, QUERIES));
             Index index = IndexFactory.create(DIM, "IVF64,Flat", Metric.L2);
             Index exact = IndexFactory.create(DIM, "Flat", Metric.L2)) {
            index.train(xs);
            index.add(xs);
            exact.add(xs);
            SearchParams params = SearchParams.builder().nprobe(2).build();
            Neighbors found = index.search(qs, K, params);

            Path file = dir.resolve("consumer.index");
            FaissIndexes.write(index, file);
            try (Index back = FaissIndexes.read(file)) {
                Neighbors again = back.search(qs, K, params);
                if (!Arrays.equals(found.labels(), again.labels())) {
                    throw new AssertionError("the index read back from " + file + " answers differently");
                }
            }
            Neighbors truth = exact.search(qs, K, SearchParams.builder().build());
            System.out.printf("backend %s: IVF64,Flat nprobe 2 over %d x %d, recall@%d = %.4f (faiss file round trip ok)%n",
                    Backends.defaultCpu().name(), ROWS, DIM, K, recall(found, truth));
            Npy.writeLongs(Path.of(args[1]), found.labels(), QUERIES, K);
        }
    }

    private static float[][] clustered(Random random, float[][] centres, int n) {
        float[][] rows = new float[n][DIM];
        for (float[] row : rows) {
            float[] c = centres[random.nextInt(centres.length)];
            for (int j = 0; j < DIM; j++) row[j] = c[j] + (float) random.nextGaussian();
        }
        return rows;
    }

    private static double recall(Neighbors found, Neighbors truth) {
        long hits = 0;
        for (int q = 0; q < QUERIES; q++) {
            for (int i = 0; i < K; i++) {
                long want = truth.label(q, i);
                for (int j = 0; j < K; j++) if (found.label(q, j) == want) hits++;
            }
        }
        return (double) hits / ((long) QUERIES * K);
    }
}
