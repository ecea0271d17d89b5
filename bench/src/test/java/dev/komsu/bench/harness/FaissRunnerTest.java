package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.bench.DebianPython;
import dev.komsu.bench.data.Dataset;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real scripts/compare_faiss.py (Debian's faiss) on a tiny dataset. */
class FaissRunnerTest {
    @TempDir
    Path dir;

    private FaissRunner runner() {
        // The Python helper directly: scripts/compare-faiss only adds the package check around it.
        Path helper = DebianPython.repositoryRoot().resolve("scripts/compare_faiss.py");
        return new FaissRunner(helper, dir.resolve("labels"), 3, 10);
    }

    @Test
    void faissRowsCarryBuildTimingsAndRecallFromTheirLabels() throws Exception {
        DebianPython.assumeModules("faiss", "numpy");
        try (Dataset data = HarnessFixtures.tinyDataset(dir)) {
            SearchGrid grid = new SearchGrid(List.of(1, 16), List.of(2.0));
            List<ResultRow> rows = runner().run(data, "IVF16,Flat", grid.settingsFor("IVF16,Flat"), List.of(1));
            assertEquals(List.of("nprobe=1", "nprobe=16"), rows.stream().map(ResultRow::params).toList());
            for (ResultRow r : rows) {
                assertTrue(r.ok(), r.error());
                assertEquals("faiss", r.system());
                assertTrue(r.build().contains("OPTIMIZE"), r.build());
                assertEquals(3, r.qpsRuns().size());
                assertTrue(r.indexBytes() > 2000L * 16 * 4, "index bytes " + r.indexBytes());
            }
            assertEquals(1.0, rows.get(1).recall().r10At10(), 1e-12); // nprobe = nlist: exact
            assertTrue(runner().buildInfo().startsWith("faiss 1."), runner().buildInfo());
        }
    }

    @Test
    void efSearchReachesFaisssGraph() throws Exception {
        DebianPython.assumeModules("faiss", "numpy");
        try (Dataset data = HarnessFixtures.tinyDataset(dir)) {
            SearchGrid grid = new SearchGrid(List.of(1), List.of(1.0), List.of(1, 400));
            List<ResultRow> rows = runner().run(data, "HNSW8", grid.settingsFor("HNSW8"), List.of(1));
            assertEquals(List.of("efSearch=1", "efSearch=400"), rows.stream().map(ResultRow::params).toList());
            assertTrue(rows.stream().allMatch(ResultRow::ok), rows.toString());
            // a wide beam is near exact; efSearch 1 (faiss searches max(efSearch, k) = 10) visibly is not: the value was applied
            double narrow = rows.get(0).recall().r10At10();
            double wide = rows.get(1).recall().r10At10();
            assertTrue(wide >= 0.99 && narrow < wide - 0.02, "efSearch=1: " + narrow + ", efSearch=400: " + wide);
        }
    }

    @Test
    void factoryStringsFaissRejectsBecomeErrorRows() throws Exception {
        DebianPython.assumeModules("faiss", "numpy");
        try (Dataset data = HarnessFixtures.tinyDataset(dir)) {
            List<ResultRow> rows = runner().run(data, "NotAnIndex", List.of(new SearchGrid.Setting(0, 0)), List.of(1, 2));
            assertEquals(2, rows.size());
            assertTrue(rows.stream().allMatch(r -> !r.ok() && r.error().contains("NotAnIndex")), rows.toString());
        }
    }
}
