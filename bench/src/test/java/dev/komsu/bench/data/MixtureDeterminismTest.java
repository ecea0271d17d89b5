package dev.komsu.bench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.komsu.bench.DebianPython;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The synthetic sets come from make_datasets.py's make_mixture (the data FAISS_REFERENCE.md
 * measured); the harness relies on it giving the same bytes on every run, so cached ground
 * truth and faiss's figures stay valid. Each draw runs in a fresh Python process.
 */
class MixtureDeterminismTest {
    private static final Path SCRIPT = DebianPython.repositoryRoot().resolve("../shared/interop/make_datasets.py").normalize();

    /** sha256 of base and query bytes, their shapes, and how many query rows also occur in the base. */
    private static String draw(int seed) {
        return DebianPython.runOk("""
                import hashlib, sys
                sys.path.insert(0, %s)
                from make_datasets import make_mixture
                b, q, meta = make_mixture(16, 300, 40, n_clusters=10, seed=%d)
                inbase = len(set(map(bytes, q)) & set(map(bytes, b)))
                print(hashlib.sha256(b.tobytes() + q.tobytes()).hexdigest(), b.shape, b.dtype, q.shape, inbase)
                """.formatted(pythonString(SCRIPT.getParent().toString()), seed)).strip();
    }

    private static String pythonString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Test
    void sameSeedGivesTheSameBytesAndQueriesAreNotInTheBase() {
        assumeTrue(Files.exists(SCRIPT), SCRIPT + " not found (the shared folder beside the repository)");
        DebianPython.assumeModules("numpy");
        String first = draw(7);
        String second = draw(7);
        assertEquals(first, second);
        assertEquals(true, first.endsWith("(300, 16) float32 (40, 16) 0"), first);
    }

    @Test
    void anotherSeedGivesOtherData() {
        assumeTrue(Files.exists(SCRIPT), SCRIPT + " not found (the shared folder beside the repository)");
        DebianPython.assumeModules("numpy");
        assertNotEquals(draw(7).split(" ")[0], draw(8).split(" ")[0]);
    }
}
