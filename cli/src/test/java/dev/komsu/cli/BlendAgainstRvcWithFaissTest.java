package dev.komsu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.komsu.io.DebianPython;
import dev.komsu.io.Npy;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.rvc.RvcReference;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code komsu build} + {@code komsu blend} against RVC's own inference lines run with faiss on
 * the same index file (faiss reads komsu's file, searches with its stored nprobe, reconstructs
 * big_npy). Skipped where Debian's python lacks faiss or numpy.
 */
class BlendAgainstRvcWithFaissTest {
    private static final String RVC_WITH_FAISS = """
            import faiss, numpy as np
            index = faiss.read_index("added.index")
            big_npy = index.reconstruct_n(0, index.ntotal)
            feats = np.load("feats.npy")
            score, ix = index.search(feats, k=8)
            weight = np.square(1 / score)
            weight /= weight.sum(axis=1, keepdims=True)
            npy = np.sum(big_npy[ix] * np.expand_dims(weight, axis=2), axis=1)
            np.save("expected.npy", (0.75 * npy + (1 - 0.75) * feats).astype(np.float32))
            """;

    @Test
    void blendEqualsRvcsCodeOnFaiss(@TempDir Path dir) throws Exception {
        DebianPython.assumeModules("faiss", "numpy");
        try (FloatMatrix stored = FloatMatrix.of(RvcReference.random(3000, 16, 1));
             FloatMatrix feats = FloatMatrix.of(RvcReference.random(200, 16, 2))) {
            Npy.write(dir.resolve("total_fea.npy"), stored);
            Npy.write(dir.resolve("feats.npy"), feats);
        }
        CliRun built = CliRun.of("build", "--input", dir.resolve("total_fea.npy"), "--output", dir.resolve("added.index"));
        assertEquals(0, built.exitCode(), built::toString);
        CliRun blended = CliRun.of("blend", "--index", dir.resolve("added.index"), "--features", dir.resolve("feats.npy"),
                "--output", dir.resolve("blended.npy"));
        assertEquals(0, blended.exitCode(), blended::toString);
        DebianPython.runOk(RVC_WITH_FAISS, dir);
        try (FloatMatrix expected = Npy.readMatrix(dir.resolve("expected.npy"));
             FloatMatrix got = Npy.readMatrix(dir.resolve("blended.npy"))) {
            assertEquals(expected.rows(), got.rows());
            for (long r = 0; r < got.rows(); r++) {
                for (int c = 0; c < got.cols(); c++) {
                    float e = expected.get(r, c);
                    assertEquals(e, got.get(r, c), 1e-5f * Math.max(1, Math.abs(e)), "row " + r + " column " + c);
                }
            }
        }
    }
}
