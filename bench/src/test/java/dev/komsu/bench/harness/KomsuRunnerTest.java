package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.bench.data.Dataset;
import dev.komsu.kernels.Backends;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KomsuRunnerTest {
    @TempDir
    Path dir;

    @Test
    void flatIsExactAndIvfRecallGrowsWithNprobe() throws Exception {
        try (Dataset data = HarnessFixtures.tinyDataset(dir)) {
            KomsuRunner runner = new KomsuRunner(data, new SearchGrid(List.of(1, 16), List.of(4.0)), 3, 10, new SerializedSize(dir.resolve("scratch")));
            List<ResultRow> flat = runner.run("Flat", Backends.Kind.CPU, 1);
            assertEquals(1, flat.size());
            ResultRow f = flat.getFirst();
            assertNull(f.error());
            assertEquals(new Recall(1, 1, 1), f.recall());
            assertEquals(3, f.qpsRuns().size());
            assertEquals(Stats.median(f.qpsRuns()), f.qps());
            assertEquals("-", f.params());
            assertTrue(f.build().startsWith("komsu "), f.build());
            assertTrue(f.indexBytes() > 2000L * 16 * 4 && f.indexBytes() < 2000L * 16 * 4 + 4096, "Flat size " + f.indexBytes());

            List<ResultRow> ivf = runner.run("IVF16,Flat", Backends.Kind.CPU, 2);
            assertEquals(List.of("nprobe=1", "nprobe=16"), ivf.stream().map(ResultRow::params).toList());
            assertTrue(ivf.stream().allMatch(r -> r.ok() && r.threads() == 2 && r.trainSeconds() >= 0 && r.qps() > 0));
            assertEquals(1.0, ivf.get(1).recall().r10At10(), 1e-12); // nprobe = nlist scans everything
            assertTrue(ivf.get(0).recall().r10At10() < 1.0);
        }
    }

    @Test
    void hnswRowsFollowTheEfSearchGrid() throws Exception {
        try (Dataset data = HarnessFixtures.tinyDataset(dir)) {
            KomsuRunner runner = new KomsuRunner(data, new SearchGrid(List.of(1), List.of(4.0), List.of(16, 2000)), 3, 10,
                    new SerializedSize(dir.resolve("scratch")));
            List<ResultRow> rows = runner.run("HNSW8,Flat", Backends.Kind.CPU, 1);
            assertEquals(List.of("efSearch=16", "efSearch=2000"), rows.stream().map(ResultRow::params).toList());
            assertTrue(rows.stream().allMatch(r -> r.ok() && r.qps() > 0), rows.toString());
            assertEquals(1.0, rows.get(1).recall().r10At10(), 1e-12); // efSearch = ntotal visits the whole graph
        }
    }

    @Test
    void unsupportedIndexStringsBecomeErrorRowsNamingTheProblem() throws Exception {
        try (Dataset data = HarnessFixtures.tinyDataset(dir)) {
            KomsuRunner runner = new KomsuRunner(data, new SearchGrid(List.of(1, 4), List.of(2.0)), 3, 10, new SerializedSize(dir.resolve("scratch")));
            List<ResultRow> rows = runner.run("IVF16,Bogus99,RFlat", Backends.Kind.CPU, 1);
            assertEquals(2, rows.size()); // 2 nprobe x 1 k_factor: one error row per planned setting
            for (ResultRow r : rows) {
                assertTrue(!r.ok() && r.error().contains("Bogus99"), String.valueOf(r.error()));
                assertTrue(Double.isNaN(r.qps()));
            }
        }
    }
}
