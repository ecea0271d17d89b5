package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The markdown table and the PNG plot made from a few rows. */
class ReportOutputTest {
    @TempDir
    Path dir;

    private static ResultRow row(String system, String params, double qps, double r10) {
        return new ResultRow("ds", system, system + " build", system.equals("komsu") ? "cpu" : "-", "IVF64,Flat", params, 1, 10,
                1.25, 0.5, qps, List.of(qps), new Recall(r10, r10, r10), 3 * 1024 * 1024, false, null);
    }

    private final List<ResultRow> rows = List.of(row("komsu", "nprobe=1", 2000, 0.6), row("faiss", "nprobe=1", 1000, 0.6),
            row("komsu", "nprobe=4", 800, 0.9), row("faiss", "nprobe=4", 400, 0.9),
            ResultRow.failed("ds", "komsu", "b", "cpu", "IVF64,PQ8x4fs", "nprobe=1", 1, 10, "unsupported | codec"));

    @Test
    void tableHasKomsuAndFaissSideBySideWithRatiosAndErrors() {
        String md = MarkdownReport.render("ds", List.of("a note"), rows, new Comparison(rows, List.of()));
        assertTrue(md.contains("| komsu cpu | IVF64,Flat | nprobe=1 | 1 | 1.3 | 0.5 | 2000 | 0.600 | 0.600 | 0.600 | 3.0 | 2.00x | 2.00x | n/a |"), md);
        assertTrue(md.contains("| faiss | IVF64,Flat | nprobe=4 | 1 |"), md); // build "faiss build" names no SIMD level
        assertTrue(md.contains("error: unsupported \\| codec"), md);
        assertTrue(md.contains("a note") && md.contains(MatchedRecall.METHOD), md);
        int komsuAt = md.indexOf("| komsu cpu | IVF64,Flat | nprobe=4");
        int faissAt = md.indexOf("| faiss | IVF64,Flat | nprobe=4");
        assertTrue(komsuAt > 0 && faissAt > komsuAt, "faiss row follows komsu's row for the same setting");
    }

    @Test
    void plotIsAPngFile() throws Exception {
        Path png = dir.resolve("out/plot.png");
        RecallQpsPlot.write(png, "ds", "Test CPU, 2 vCPUs, AVX2", rows, true);
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head);
        try (var files = Files.list(png.getParent())) {
            assertTrue(files.allMatch(p -> p.equals(png)), "no temporary file left behind");
        }
    }
}
