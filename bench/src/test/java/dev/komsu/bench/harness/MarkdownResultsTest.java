package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MarkdownResultsTest {
    private static ResultRow row(String system, String build, String params, double qps, double r10) {
        return new ResultRow("rvc256", system, build, system.equals("komsu") ? "cpu" : "-", "IVF64,Flat", params, 2, 10,
                1.25, 0.5, qps, List.of(qps), new Recall(r10, r10, r10), 3 * 1024 * 1024, false, null);
    }

    @Test
    void readsBackTheTableMarkdownReportWrites() {
        List<ResultRow> rows = List.of(row("komsu", "komsu cpu-vector256", "nprobe=4", 1234.4, 0.8114),
                row("faiss", "faiss 1.7.3 OPTIMIZE GENERIC (Debian python3-faiss)", "nprobe=4", 456.0, 0.8),
                ResultRow.failed("rvc256", "komsu", "komsu cpu-vector256", "cpu", "IVF64,PQ8x4fs", "nprobe=1", 1, 10, "bad | codec"));
        String md = MarkdownReport.render("rvc256 (N=100, D=8, nq=10, k=10)", List.of(), rows, new Comparison(rows, List.of()));
        List<String> lines = md.lines().toList();
        assertEquals("rvc256 (N=100, D=8, nq=10, k=10)", MarkdownResults.title(lines));
        List<ResultRow> back = MarkdownResults.parse(lines, "test");
        assertEquals(3, back.size());
        ResultRow k = back.getFirst();
        assertEquals(List.of("rvc256", "komsu", "komsu cpu-vector256", "cpu", "IVF64,Flat", "nprobe=4", 2),
                List.of(k.dataset(), k.system(), k.build(), k.backend(), k.factory(), k.params(), k.threads()));
        assertEquals(1234, k.qps());
        assertEquals(0.811, k.recall().r10At10());
        assertEquals(3L * 1024 * 1024, k.indexBytes());
        ResultRow f = back.get(1);
        assertEquals("faiss GENERIC", f.curveName());
        assertFalse(back.get(2).ok());
        assertEquals("bad | codec", back.get(2).error());
    }

    @Test
    void aFileWithoutTheTableIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MarkdownResults.parse(List.of("# notes", "nothing here"), "x.md"));
        assertEquals("x.md: no results table found", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MarkdownResults.parse(List.of("| system | index |"), "y.md"));
        assertTrue(e.getMessage().startsWith("y.md: table header lacks column 'params'"), e.getMessage());
    }

    /** Every results.md kept in bench/results reads back, so --replot can redraw each folder. */
    @Test
    void everyStoredResultsTableReads() throws IOException {
        Path root = Path.of("results");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root, 2)) {
            files = walk.filter(p -> p.getFileName().toString().equals("results.md")).toList();
        }
        assertFalse(files.isEmpty(), "bench/results holds results.md files");
        for (Path md : files) {
            List<ResultRow> rows = MarkdownResults.parse(Files.readAllLines(md), md.toString());
            assertTrue(rows.stream().anyMatch(r -> r.ok() && r.system().equals("komsu") && r.recall().r10At10() > 0), md.toString());
        }
    }
}
