package dev.komsu.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.komsu.io.Npy;
import dev.komsu.kernels.FloatMatrix;
import dev.komsu.kernels.opencl.OpenClDevices;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 6's acceptance, per index type: {@code komsu search --backend opencl} returns the labels
 * {@code --backend cpu} returns, on the same index file. Runs on PoCL in CI; reported skipped,
 * with the reason, only where no OpenCL device exists.
 */
class SearchBackendParityTest {
    private static final int DIM = 16;

    @TempDir
    static Path dir;
    private static Path base;
    private static Path queries;

    @BeforeAll
    static void data() throws Exception {
        base = npy("x.npy", clustered(2000, 11));
        queries = npy("q.npy", clustered(70, 12));
    }

    /** Points around 12 centres, so IVF lists differ in size and neighbours are not ties. */
    private static float[][] clustered(int rows, long seed) {
        Random centres = new Random(3);
        float[][] c = new float[12][DIM];
        for (float[] row : c) for (int i = 0; i < DIM; i++) row[i] = (float) centres.nextGaussian() * 4f;
        Random r = new Random(seed);
        float[][] out = new float[rows][DIM];
        for (float[] row : out) {
            float[] centre = c[r.nextInt(c.length)];
            for (int i = 0; i < DIM; i++) row[i] = centre[i] + (float) r.nextGaussian();
        }
        return out;
    }

    private static Path npy(String name, float[][] rows) throws Exception {
        Path p = dir.resolve(name);
        try (FloatMatrix m = FloatMatrix.of(rows)) {
            Npy.write(p, m);
        }
        return p;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "Flat, l2", "Flat, ip",
            "'IVF8,Flat', l2", "'IVF8,Flat', ip",
            "'IVF8,PQ4', l2", "'IVF8,PQ4', ip",
            "'IVF8,PQ8x4', l2",
            "'IVF8,PQ4,RFlat', l2",
            "'IVF8,PQ8x4fs', l2",
            "'IVF8,PQ8x4fs,RFlat', l2",
            "PQ8, l2", "PQ8, ip",
            "PQ8x4fs, l2",
            "SQ8, l2", "SQ8, ip",
            "'IVF8,SQ8', l2", "'IVF8,SQ8', ip",
            "'L2norm,IVF8,Flat', ip",
    })
    void openClSearchReturnsTheCpuLabels(String factory, String metric) throws Exception {
        OpenClDevices.Discovery found = OpenClDevices.discover();
        assumeTrue(found.best().isPresent(), "SKIPPED: no OpenCL device, the OpenCL path was not tested: " + found.problem());
        String tag = factory.replace(',', '_') + "-" + metric;
        Path index = dir.resolve(tag + ".index");
        CliRun build = CliRun.of("build", "--input", base, "--factory", factory, "--metric", metric, "--output", index);
        assertEquals(0, build.exitCode(), build::toString);
        for (String backend : new String[] {"cpu", "opencl"}) {
            CliRun search = CliRun.of("search", "--index", index, "--queries", queries, "--k", 7, "--nprobe", 3,
                    "--k-factor", 3, "--backend", backend,
                    "--out-distances", dir.resolve(tag + "-d-" + backend + ".npy"),
                    "--out-labels", dir.resolve(tag + "-i-" + backend + ".npy"));
            assertEquals(0, search.exitCode(), search::toString);
        }
        long[] cpu = Npy.readLongs(dir.resolve(tag + "-i-cpu.npy"));
        assertArrayEquals(cpu, Npy.readLongs(dir.resolve(tag + "-i-opencl.npy")), factory + " " + metric);
        assertArrayEquals(Npy.readFloats(dir.resolve(tag + "-d-cpu.npy")),
                Npy.readFloats(dir.resolve(tag + "-d-opencl.npy")), 1e-3f, factory + " " + metric);
        long found7 = java.util.Arrays.stream(cpu).filter(l -> l >= 0).count();
        assertEquals(70L * 7, found7, "every query has 7 neighbours (the test would be vacuous otherwise)");
    }
}
