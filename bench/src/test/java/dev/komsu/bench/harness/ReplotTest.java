package dev.komsu.bench.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplotTest {
    @TempDir
    Path dir;

    private static ResultRow row(String system, String params, double qps, double r10) {
        return new ResultRow("ds", system, system + " build", system.equals("komsu") ? "cpu" : "-", "IVF64,Flat", params, 1, 10,
                1, 1, qps, List.of(qps), new Recall(r10, r10, r10), -1, false, null);
    }

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Test
    void redrawsFromJsonLinesWithoutRunningAnything() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (ResultRow r : List.of(row("komsu", "nprobe=1", 2000, 0.6), row("faiss", "nprobe=1", 1500, 0.61))) {
            sb.append(Json.object(r.toFields(Map.of()))).append('\n');
        }
        Files.writeString(dir.resolve("komsu.jsonl"), sb.toString());
        Files.writeString(dir.resolve("run.json"), Json.object(Map.of("cpu", "AMD EPYC, 2 vCPUs, AVX2")) + "\n");
        assertEquals(2, Replot.rows(dir).size());
        Path png = Replot.run(new String[] {"--replot", dir.toString(), "--no-reference-plot"});
        assertEquals(dir.resolve("recall-qps.png"), png);
        assertArrayEquals(PNG, Arrays.copyOf(Files.readAllBytes(png), 8));
    }

    @Test
    void redrawsFromTheMarkdownTableWhenNoJsonWasKept() throws Exception {
        List<ResultRow> rows = List.of(row("komsu", "nprobe=1", 20000, 0.6), row("komsu", "nprobe=4", 900, 0.9)); // > 10x: log axis
        Files.writeString(dir.resolve("results.md"), MarkdownReport.render("ds (N=1)", List.of(), rows, new Comparison(rows, List.of())));
        assertEquals(2, Replot.rows(dir).size());
        Path png = Replot.run(new String[] {"--replot", dir.toString(), "--cpu", "Test CPU"});
        assertArrayEquals(PNG, Arrays.copyOf(Files.readAllBytes(png), 8));
    }

    @Test
    void anEmptyFolderOrAStrayFlagIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Replot.run(new String[] {"--replot", dir.toString()}));
        assertTrue(e.getMessage().contains("holds no results.jsonl"), e.getMessage());
        RuntimeException u = assertThrows(HarnessOptions.UsageException.class, () -> Replot.run(new String[] {"--replot", dir.toString(), "--nprobe", "4"}));
        assertTrue(u.getMessage().contains("'--nprobe'"), u.getMessage());
        u = assertThrows(HarnessOptions.UsageException.class, () -> Replot.run(new String[] {"--replot", dir.resolve("absent").toString()}));
        assertTrue(u.getMessage().contains("is not a folder"), u.getMessage());
    }
}
