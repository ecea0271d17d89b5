package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTest {
    private static ResultRow row(String system, String factory, String params, int threads, double qps, double r10) {
        return new ResultRow("ds", system, system + " build", system.equals("komsu") ? "cpu" : "-", factory, params, threads, 10,
                1, 1, qps, List.of(qps), new Recall(r10, r10, r10), 100, false, null);
    }

    @Test
    void ratiosUseTheSameIndexStringAndThreadsOnly() {
        ResultRow komsu = row("komsu", "IVF64,Flat", "nprobe=4", 1, 2000, 0.7);
        List<ResultRow> measured = List.of(komsu,
                row("faiss", "IVF64,Flat", "nprobe=1", 1, 1000, 0.5),
                row("faiss", "IVF64,Flat", "nprobe=4", 1, 500, 0.8),
                row("faiss", "IVF64,Flat", "nprobe=16", 1, 100, 0.9),
                row("faiss", "IVF64,Flat", "nprobe=4", 2, 5, 0.7),      // other thread count: ignored
                row("faiss", "IVF128,Flat", "nprobe=4", 1, 1, 0.7));    // other index: ignored
        List<ResultRow> reference = List.of(
                row("faiss-ref", "IVF64,Flat", "nprobe=1", 1, 4000, 0.6),
                row("faiss-ref", "IVF64,Flat", "nprobe=16", 1, 1000, 0.8),
                row("faiss-ref", "IVF64,Flat", "nprobe=1", 2, 1, 0.7));
        Comparison.Ratios r = new Comparison(measured, reference).ratiosFor(komsu);
        assertEquals(2000 / 500.0, r.vsFaissSameParams().getAsDouble(), 1e-9);
        // 0.7 lies between (0.5, 1000) and (0.8, 500): log-linear, two thirds of the way
        assertEquals(2000 / (1000 * Math.pow(0.5, 2.0 / 3.0)), r.vsFaissMatched().getAsDouble(), 1e-9);
        // 0.7 halfway between (0.6, 4000) and (0.8, 1000): geometric mean 2000
        assertEquals(1.0, r.vsReferenceMatched().getAsDouble(), 1e-9);
    }

    @Test
    void noRatiosForFailedRowsOrWithoutFaiss() {
        ResultRow failed = ResultRow.failed("ds", "komsu", "b", "cpu", "IVF64,Flat", "nprobe=1", 1, 10, "boom");
        Comparison.Ratios r = new Comparison(List.of(failed), List.of()).ratiosFor(failed);
        assertFalse(r.vsFaissSameParams().isPresent() || r.vsFaissMatched().isPresent() || r.vsReferenceMatched().isPresent());
        ResultRow alone = row("komsu", "Flat", "-", 1, 10, 1.0);
        assertFalse(new Comparison(List.of(alone), List.of()).ratiosFor(alone).vsFaissMatched().isPresent());
    }

    @Test
    void relevantReferenceRowsMatchTheRunsDatasetIndexAndThreads() {
        List<ResultRow> measured = List.of(row("komsu", "IVF64,Flat", "nprobe=4", 1, 2000, 0.7));
        List<ResultRow> reference = List.of(row("faiss-ref", "IVF64,Flat", "nprobe=64", 1, 10, 0.99),
                row("faiss-ref", "IVF64,Flat", "nprobe=4", 2, 10, 0.9), row("faiss-ref", "HNSW32", "ef=16", 1, 10, 0.9));
        List<ResultRow> relevant = new Comparison(measured, reference).relevantReference();
        assertEquals(1, relevant.size());
        assertTrue(relevant.getFirst().params().equals("nprobe=64"));
    }
}
