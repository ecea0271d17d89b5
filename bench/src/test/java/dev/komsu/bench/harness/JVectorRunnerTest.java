package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.komsu.bench.data.Dataset;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JVectorRunnerTest {
    @TempDir
    Path dir;

    @Test
    void graphDegreeIsReadFromHnswStringsOnly() {
        assertEquals(32, JVectorRunner.graphDegree("HNSW32"));
        assertEquals(16, JVectorRunner.graphDegree("HNSW16,Flat"));
        assertEquals(-1, JVectorRunner.graphDegree("IVF1024_HNSW32,Flat"));
        assertEquals(-1, JVectorRunner.graphDegree("IVF1024,Flat"));
    }

    @Test
    void aWideBeamFindsNearlyEveryTrueNeighbourAndANarrowOneFewer() throws Exception {
        try (Dataset data = HarnessFixtures.tinyDataset(dir)) {
            JVectorRunner runner = new JVectorRunner(data, new SearchGrid(List.of(1), List.of(1.0), List.of(10, 400)), 3, 10);
            List<ResultRow> rows = runner.run("HNSW8", 2);
            assertEquals(List.of("efSearch=10", "efSearch=400"), rows.stream().map(ResultRow::params).toList());
            for (ResultRow r : rows) {
                assertTrue(r.ok(), r.error());
                assertEquals("jvector", r.system());
                assertEquals("jvector", r.curveName());
                assertEquals(2, r.threads());
                assertEquals(3, r.qpsRuns().size());
                assertTrue(r.qps() > 0 && r.addSeconds() > 0, r.toString());
                assertTrue(r.build().startsWith("jvector 4.") && r.build().contains("max degree 16"), r.build());
            }
            double narrow = rows.get(0).recall().r10At10();
            double wide = rows.get(1).recall().r10At10();
            assertTrue(wide >= 0.98, "recall@10 at beam 400 on 2000 vectors: " + wide);
            assertTrue(wide >= narrow, "beam 400 " + wide + " vs beam 10 " + narrow);
        }
    }

    @Test
    void indexStringsThatAreNotAGraphGiveNoRows() throws Exception {
        try (Dataset data = HarnessFixtures.tinyDataset(dir)) {
            assertTrue(new JVectorRunner(data, new SearchGrid(List.of(1), List.of(1.0)), 3, 10).run("IVF16,Flat", 1).isEmpty());
        }
    }
}
