package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlotSeriesTest {
    private static ResultRow row(String system, String build, String factory, String params, int threads, double qps, double r10) {
        return new ResultRow("ds", system, build, system.equals("komsu") ? "cpu" : "-", factory, params, threads, 10,
                1, 1, qps, List.of(qps), new Recall(r10, r10, r10), -1, false, null);
    }

    private static final String AVX2 = "faiss 1.7.3 OPTIMIZE AVX2 (built from source)";
    private final List<ResultRow> rows = List.of(
            row("komsu", "komsu cpu-vector256", "IVF64,Flat", "nprobe=4", 1, 800, 0.9),
            row("komsu", "komsu cpu-vector256", "IVF64,Flat", "nprobe=1", 1, 2000, 0.6),
            row("komsu", "komsu cpu-vector256", "IVF64,PQ8x4fs,RFlat", "nprobe=4 k_factor=4", 1, 1500, 0.8),
            row("komsu", "komsu cpu-vector256", "IVF64,Flat", "nprobe=1", 2, 3500, 0.6),
            row("faiss", AVX2, "IVF64,Flat", "nprobe=1", 1, 1900, 0.61),
            row("jvector", "jvector 4.0.0-rc.5", "HNSW32", "efSearch=64", 1, 5000, 0.95),
            row("faiss-ref", "faiss 1.7.3 OPTIMIZE AVX2 (FAISS_REFERENCE.md)", "IVF64, Flat", "nprobe=1", 1, 2500, 0.62),
            ResultRow.failed("ds", "komsu", "b", "cpu", "IVF64,SQ8", "nprobe=1", 1, 10, "boom"));

    @Test
    void oneSeriesPerSystemIndexStringAndThreadCount() {
        List<PlotSeries> series = PlotSeries.of(rows, true);
        assertEquals(List.of("komsu cpu IVF64,Flat T=1", "komsu cpu IVF64,PQ8x4fs,RFlat T=1", "komsu cpu IVF64,Flat T=2",
                "faiss AVX2 IVF64,Flat T=1", "jvector HNSW32 T=1", "faiss-ref AVX2 IVF64,Flat T=1" + PlotSeries.REFERENCE_SUFFIX),
                series.stream().map(PlotSeries::name).toList());
        PlotSeries ivf = series.getFirst();
        assertEquals(List.of(0.6, 0.9), ivf.points().stream().map(PlotSeries.Point::recall).toList(), "by recall");
        assertEquals(List.of("np=1", "np=4"), ivf.points().stream().map(PlotSeries.Point::label).toList());
        assertEquals("np=4 kf=4", series.get(1).points().getFirst().label());
        assertEquals("ef=64", series.get(4).points().getFirst().label());
        assertTrue(series.getLast().reference());
        assertFalse(series.getFirst().reference());
    }

    @Test
    void referenceRowsCanBeLeftOut() {
        List<PlotSeries> series = PlotSeries.of(rows, false);
        assertEquals(5, series.size());
        assertTrue(series.stream().noneMatch(s -> s.reference() || s.system().equals("faiss-ref")));
    }

    @Test
    void settingsWithNothingToVaryHaveNoLabel() {
        assertEquals("", PlotSeries.shortLabel("-"));
        assertEquals("ef=16", PlotSeries.shortLabel("efSearch=16"));
    }
}
