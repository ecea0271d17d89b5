package dev.komsu.demo;

import dev.komsu.io.Npy;
import dev.komsu.kernels.FloatMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the demo's RVC-shaped mixture ({@link GaussianMixture#rvcShaped}, base seed 1, query
 * seed 2, as {@link RvcDemo} draws them) as {@code base.npy} and {@code queries.npy}, so the
 * benchmark harness can run on RVC-shaped data where Python, numpy and faiss (which
 * {@code make_datasets.py} needs) are missing: the GPU check's machine has no Debian packages.
 *
 * <p>{@code java -cp ... dev.komsu.demo.MixtureFiles DIR ROWS QUERIES DIM}
 */
public final class MixtureFiles {
    private MixtureFiles() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: MixtureFiles DIR ROWS QUERIES DIM  (writes DIR/base.npy and DIR/queries.npy)");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        long rows = positive("ROWS", args[1]);
        long queries = positive("QUERIES", args[2]);
        int dim = (int) positive("DIM", args[3]);
        write(dir, rows, queries, dim);
        System.out.printf("wrote %s/base.npy (%d x %d) and queries.npy (%d x %d): RVC-shaped mixture, %d clusters, seed 42%n",
                dir, rows, dim, queries, dim, GaussianMixture.rvcShaped(dim).clusters());
    }

    /** The base and query files of the mixture in {@code dir} (created if missing). */
    public static void write(Path dir, long rows, long queries, int dim) throws IOException {
        GaussianMixture mixture = GaussianMixture.rvcShaped(dim);
        Files.createDirectories(dir);
        try (FloatMatrix base = mixture.sample(rows, 1); FloatMatrix qs = mixture.sample(queries, 2)) {
            Npy.write(dir.resolve("base.npy"), base);
            Npy.write(dir.resolve("queries.npy"), qs);
        }
    }

    private static long positive(String name, String value) {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            v = -1;
        }
        if (v <= 0 || (name.equals("DIM") && v > Integer.MAX_VALUE)) {
            System.err.println("MixtureFiles: " + name + " must be a positive integer, got '" + value + "'");
            System.exit(2);
        }
        return v;
    }
}
