package dev.komsu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.komsu.io.Npy;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.rvc.RvcReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The small files the CLI's bad-input tests start from, in one folder: {@code x} (300 x 8 rows),
 * {@code q} (20 x 8 queries) and {@code index} (IVF4,Flat over x, built by {@code komsu build}).
 */
record CliFiles(Path dir, Path x, Path q, Path index) {
    static CliFiles make(Path dir) throws Exception {
        Path x = npy(dir, "x.npy", RvcReference.random(300, 8, 1));
        Path q = npy(dir, "q.npy", RvcReference.random(20, 8, 2));
        Path index = dir.resolve("x.index");
        CliRun r = CliRun.of("build", "--input", x, "--factory", "IVF4,Flat", "--output", index);
        assertEquals(0, r.exitCode(), r::toString);
        return new CliFiles(dir, x, q, index);
    }

    /** Writes {@code rows} as {@code name} in the folder. */
    Path npy(String name, float[][] rows) throws Exception {
        return npy(dir, name, rows);
    }

    /** The folder's files, sorted: compared before and after a refused command (nothing written). */
    List<Path> listing() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static Path npy(Path dir, String name, float[][] rows) throws Exception {
        Path p = dir.resolve(name);
        try (FloatMatrix m = FloatMatrix.of(rows)) {
            Npy.write(p, m);
        }
        return p;
    }
}
