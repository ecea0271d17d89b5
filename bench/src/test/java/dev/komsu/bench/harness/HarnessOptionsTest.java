package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.kernels.Backends;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HarnessOptionsTest {
    private static final Path HOME = Path.of("/repo");

    private static HarnessOptions parse(String... args) {
        return HarnessOptions.parse(args, HOME);
    }

    @Test
    void defaultsComeFromTheDataset() {
        HarnessOptions o = parse("--dataset", "fashion-mnist", "--compare-faiss");
        assertEquals(HarnessOptions.DEFAULT_FACTORIES.get("fashion-mnist"), o.factories());
        assertEquals(List.of(1, 4, 16), o.nprobes());
        assertEquals(List.of(4.0), o.kFactors());
        assertEquals(List.of(1), o.threads());
        assertEquals(List.of(Backends.Kind.CPU, Backends.Kind.OPENCL), o.backends());
        assertFalse(o.backendsExplicit());
        assertTrue(o.compareFaiss());
        assertEquals(3, o.runs());
        assertEquals(HOME.resolve(".komsu-cache/results/fashion-mnist"), o.out());
        assertEquals(Path.of("/shared/FAISS_REFERENCE.md"), o.faissReference());
        assertEquals(List.of(1, 4), parse("--dataset", "rvc768").nprobes());
    }

    @Test
    void plotsUnlessNoPlot() {
        assertTrue(parse("--dataset", "rvc256").plot());
        assertFalse(parse("--dataset", "rvc256", "--no-plot").plot());
    }

    @Test
    void flagsOverrideDefaults() {
        HarnessOptions o = parse("--dataset", "rvc768", "--factory", "IVF2048,Flat", "--factory", "Flat", "--nprobe", "1,4,16",
                "--k-factor", "2,8", "--threads", "1,2", "--backend", "cpu,scalar", "--out", "/tmp/x", "--runs", "5", "--quick");
        assertEquals(List.of("IVF2048,Flat", "Flat"), o.factories());
        assertEquals(List.of(1, 4, 16), o.nprobes());
        assertEquals(List.of(2.0, 8.0), o.kFactors());
        assertEquals(List.of(1, 2), o.threads());
        assertEquals(List.of(Backends.Kind.CPU, Backends.Kind.SCALAR), o.backends());
        assertTrue(o.backendsExplicit() && o.quick());
        assertEquals(Path.of("/tmp/x"), o.out());
        assertEquals(5, o.runs());
    }

    @Test
    void quickUsesASmallIvfByDefault() {
        HarnessOptions o = parse("--dataset", "rvc256", "--quick");
        assertEquals(HarnessOptions.QUICK_FACTORIES, o.factories());
        assertEquals(HOME.resolve(".komsu-cache/results/rvc256-quick"), o.out());
    }

    @Test
    void userPairNamesTheDatasetAfterTheBaseFile() {
        HarnessOptions o = parse("--base", "/d/feats.npy", "--queries", "/d/q.npy");
        assertEquals("feats", o.dataset());
        assertEquals(List.of("IVF2564,Flat"), o.factoriesFor(100_000)); // RVC: min(16 * sqrt(N) = 5059, N / 39 = 2564)
        assertEquals(List.of("Flat"), parse("--base", "/d/f.npy", "--queries", "/d/q.npy", "--factory", "Flat").factoriesFor(100_000));
    }

    @Test
    void badArgumentsAreUsageErrorsNamingTheFlag() {
        assertTrue(message("--nprobe", "1,x", "--dataset", "a").contains("--nprobe"));
        assertTrue(message("--threads", "0", "--dataset", "a").contains("--threads"));
        assertTrue(message("--backend", "gpu", "--dataset", "a").contains("--backend"));
        assertTrue(message("--dataset", "a", "--runs", "2").contains("--runs"));
        assertTrue(message("--dataset").contains("--dataset needs a value"));
        assertTrue(message("--frobnicate", "1", "--dataset", "a").contains("--frobnicate"));
        assertTrue(message("--nprobe", "1").contains("--dataset is required"));
        assertTrue(message("--dataset", "../etc").contains("--dataset"));
        assertTrue(message("--dataset", "a", "--k-factor", "0.5").contains("k-factor"));
        assertEquals("--ef-search expects comma-separated integers, got '16,wide'", message("--dataset", "a", "--ef-search", "16,wide"));
        assertEquals("--ef-search values must be > 0, got -4", message("--dataset", "a", "--ef-search", "-4"));
    }

    @Test
    void efSearchGridJVectorAndPlotFlags() {
        HarnessOptions d = parse("--dataset", "fashion-mnist");
        assertEquals(SearchGrid.DEFAULT_EF_SEARCH, d.efSearches());
        assertFalse(d.jvector());
        assertTrue(d.plotReference());
        assertNull(d.cpu());
        HarnessOptions o = parse("--dataset", "fashion-mnist", "--factory", "HNSW32", "--ef-search", "16, 64,256", "--jvector",
                "--no-reference-plot", "--cpu", "AMD EPYC, 2 vCPUs, AVX2");
        assertEquals(List.of(16, 64, 256), o.efSearches());
        assertEquals(List.of("efSearch=16", "efSearch=64", "efSearch=256"),
                o.grid().settingsFor("HNSW32").stream().map(SearchGrid.Setting::label).toList());
        assertTrue(o.jvector());
        assertFalse(o.plotReference());
        assertEquals("AMD EPYC, 2 vCPUs, AVX2", o.cpu());
    }

    private static String message(String... args) {
        return assertThrows(HarnessOptions.UsageException.class, () -> parse(args)).getMessage();
    }
}
