package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceTableTest {
    private static final List<String> MARKDOWN = List.of(
            "# faiss reference figures",
            "",
            "#### rvc256 (N=100000, D=256, nq=3000, k=10) — faiss 1.7.3 OPTIMIZE AVX2",
            "",
            "| index | params | train s | add s | QPS T=1 | QPS T=2 | R1@1 | R1@10 | R10@10 | mem MB |",
            "|---|---|---|---|---|---|---|---|---|---|",
            "| Flat | - | 0.0 / 0.0 | 0.1 / 0.1 | 2578 | 2039 | 1.000 | 1.000 | 1.000 | 97.7 |",
            "| IVF1024,Flat | nprobe=4 | 4.0 / 5.8 | 0.4 / 0.6 | 7068 | 7815* | 0.895 | 0.895 | 0.811 | 99.4 |",
            "| HNSW32 | ef=64 | 0.0 (T=2) | 7.4 (T=2) | 2566 | 5325 | 0.998 | 0.998 | 0.999 | 195.0 |",
            "",
            "#### rvc768 (N=200000, D=768, nq=9000, k=10) — faiss 1.7.3 OPTIMIZE AVX2",
            "",
            "| index | params | train s | add s | QPS T=1 | QPS T=2 | R1@1 | R1@10 | R10@10 | mem MB |",
            "|---|---|---|---|---|---|---|---|---|---|",
            "| IVF2048,PQ384x4fs,RFlat | nprobe=16 k_factor=4 | 29.7 (T=2) | 4.1 (T=2) | 3762 | 6826 | 0.993 | 0.993 | 0.984 | 635.9 |",
            "",
            "#### rvc768 — OpenBLAS openmp (N=200000, D=768, nq=9000, k=10) — faiss 1.7.3 OPTIMIZE AVX2",
            "",
            "| index | params | train s | add s | QPS T=1 | QPS T=2 | R1@1 | R1@10 | R10@10 | mem MB |",
            "|---|---|---|---|---|---|---|---|---|---|",
            "| Flat | - | 0.0 (T=2) | 0.3 (T=2) | 549 | 1144 | 1.000 | 1.000 | 1.000 | 585.9 |",
            "",
            "#### k-means alone",
            "",
            "| dataset | N x D | k | T | seconds | other CPU |",
            "|---|---|---|---|---|---|",
            "| rvc256 | 100000x256 | 1024 | 1 | 8.0 | 0.0 |");

    @Test
    void readsOneRowPerThreadCountFromTheMainTablesOnly() {
        List<ResultRow> rows = ReferenceTable.parse(MARKDOWN, "FAISS_REFERENCE.md");
        assertEquals(8, rows.size()); // 4 table rows x 2 thread counts; the variant and k-means tables are skipped
        ResultRow ivf2 = rows.stream().filter(r -> r.factory().equals("IVF1024,Flat") && r.threads() == 2).findFirst().orElseThrow();
        assertEquals("rvc256", ivf2.dataset());
        assertEquals("faiss-ref", ivf2.system());
        assertEquals("nprobe=4", ivf2.params());
        assertEquals(7815, ivf2.qps());
        assertTrue(ivf2.noisy());
        assertEquals(5.8, ivf2.trainSeconds());
        assertEquals(0.6, ivf2.addSeconds());
        assertEquals(new Recall(0.895, 0.895, 0.811), ivf2.recall());
        assertEquals(Math.round(99.4 * 1024 * 1024), ivf2.indexBytes());
        assertEquals("faiss 1.7.3 OPTIMIZE AVX2 (FAISS_REFERENCE.md)", ivf2.build());
        assertEquals("faiss-ref AVX2", ivf2.curveName());
    }

    @Test
    void hnswEfIsReadInTheGridsSpelling() {
        List<ResultRow> rows = ReferenceTable.parse(MARKDOWN, "FAISS_REFERENCE.md");
        ResultRow hnsw = rows.stream().filter(r -> r.factory().equals("HNSW32")).findFirst().orElseThrow();
        assertEquals(new SearchGrid.Setting(0, 0, 64).label(), hnsw.params());
    }

    @Test
    void timingsMeasuredAtTwoThreadsOnlyAreUnknownForOneThread() {
        List<ResultRow> rows = ReferenceTable.parse(MARKDOWN, "ref");
        ResultRow t1 = rows.stream().filter(r -> r.dataset().equals("rvc768") && r.threads() == 1).findFirst().orElseThrow();
        ResultRow t2 = rows.stream().filter(r -> r.dataset().equals("rvc768") && r.threads() == 2).findFirst().orElseThrow();
        assertTrue(Double.isNaN(t1.trainSeconds()));
        assertEquals(29.7, t2.trainSeconds());
        assertEquals("nprobe=16 k_factor=4", t1.params());
        assertEquals(3762, t1.qps());
        assertFalse(t1.noisy());
    }

    @Test
    void parsesTheSharedReferenceFileWhenPresent() throws IOException {
        Path shared = dev.komsu.bench.DebianPython.repositoryRoot().resolve("../shared/FAISS_REFERENCE.md").normalize();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(shared), shared + " not found");
        List<ResultRow> rows = ReferenceTable.read(shared);
        assertTrue(rows.stream().anyMatch(r -> r.dataset().equals("fashion-mnist") && r.factory().equals("IVF1024,Flat")
                && r.params().equals("nprobe=16") && r.threads() == 1), "fashion-mnist IVF1024,Flat nprobe=16 T=1 missing");
        assertTrue(rows.stream().allMatch(r -> r.qps() > 0));
    }
}
