package dev.komsu.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The faiss figures of FAISS_REFERENCE.md (faiss built with AVX2, measured on this machine
 * kind), read at run time so the table carries them beside what this run measured. Only the
 * main per-dataset tables are read — headings "#### NAME (N=..., ...) — BUILD" with the columns
 * index, params, train s, add s, QPS T=1, QPS T=2, R1@1, R1@10, R10@10, mem MB; variant tables
 * ("#### NAME — OpenBLAS openmp ...") and the other tables are skipped. Each table row becomes
 * one row per thread count, system "faiss-ref".
 */
public final class ReferenceTable {
    private static final Pattern HEADING = Pattern.compile("^####\\s+(\\S+)\\s+\\(N=[^)]*\\)\\s*(?:—|-+)\\s*(.+)$");
    private static final Pattern THREAD_COLUMN = Pattern.compile("QPS T=(\\d+)");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?");
    private static final Pattern EF = Pattern.compile("(?<![A-Za-z_])ef=");
    private static final double MIB = 1024.0 * 1024.0;

    private ReferenceTable() {
    }

    public static List<ResultRow> read(Path markdown) throws IOException {
        return parse(Files.readAllLines(markdown), markdown.getFileName().toString());
    }

    /** Rows of every main table; {@code source} names the file in the build label. */
    public static List<ResultRow> parse(List<String> lines, String source) {
        List<ResultRow> rows = new ArrayList<>();
        String dataset = null;
        String build = null;
        Map<String, Integer> columns = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("#")) {
                Matcher h = HEADING.matcher(line);
                dataset = h.matches() ? h.group(1) : null;
                build = h.matches() ? h.group(2).strip() + " (" + source + ")" : null;
                columns = null;
                continue;
            }
            if (dataset == null || !line.startsWith("|")) continue;
            List<String> cells = cells(line);
            if (columns == null) {
                columns = header(cells);
                if (columns == null) dataset = null; // not the table shape we know: skip the section
                continue;
            }
            if (cells.stream().allMatch(c -> c.matches(":?-+:?"))) continue; // separator row
            rows.addAll(rowsOf(cells, columns, dataset, build));
        }
        return rows;
    }

    private static Map<String, Integer> header(List<String> cells) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < cells.size(); i++) m.put(cells.get(i), i);
        for (String need : List.of("index", "params", "train s", "add s", "R1@1", "R1@10", "R10@10", "mem MB")) {
            if (!m.containsKey(need)) return null;
        }
        return m.keySet().stream().anyMatch(c -> THREAD_COLUMN.matcher(c).matches()) ? m : null;
    }

    private static List<ResultRow> rowsOf(List<String> cells, Map<String, Integer> col, String dataset, String build) {
        List<ResultRow> out = new ArrayList<>();
        String factory = cells.get(col.get("index"));
        // The reference writes HNSW's "ef=16"; the harness's grid (and faiss's ParameterSpace) say "efSearch=16".
        String params = EF.matcher(cells.get(col.get("params"))).replaceAll("efSearch=");
        Recall recall = new Recall(number(cells.get(col.get("R1@1"))), number(cells.get(col.get("R1@10"))),
                number(cells.get(col.get("R10@10"))));
        double mb = number(cells.get(col.get("mem MB")));
        long bytes = Double.isNaN(mb) ? -1 : Math.round(mb * MIB);
        for (Map.Entry<String, Integer> e : col.entrySet()) {
            Matcher t = THREAD_COLUMN.matcher(e.getKey());
            if (!t.matches()) continue;
            int threads = Integer.parseInt(t.group(1));
            String qpsCell = cells.get(e.getValue());
            double qps = number(qpsCell);
            if (Double.isNaN(qps)) continue;
            out.add(new ResultRow(dataset, "faiss-ref", build, "-", factory, params, threads, 10,
                    timing(cells.get(col.get("train s")), threads), timing(cells.get(col.get("add s")), threads),
                    qps, List.of(qps), recall, bytes, qpsCell.contains("*"), null));
        }
        out.sort(java.util.Comparator.comparingInt(ResultRow::threads));
        return out;
    }

    /**
     * A timing cell: "4.0 / 5.8" (T=1 / T=2), "26.0 (T=2)" (measured at 2 threads only: NaN for
     * other thread counts), or a plain number (any thread count).
     */
    static double timing(String cell, int threads) {
        Matcher only = Pattern.compile("^(\\S+)\\s*\\(T=(\\d+)\\)$").matcher(cell.strip());
        if (only.matches()) return Integer.parseInt(only.group(2)) == threads ? number(only.group(1)) : Double.NaN;
        String[] parts = cell.split("/");
        if (parts.length > 1) return threads >= 1 && threads <= parts.length ? number(parts[threads - 1]) : Double.NaN;
        return number(cell);
    }

    private static double number(String cell) {
        Matcher m = NUMBER.matcher(cell);
        return m.find() ? Double.parseDouble(m.group()) : Double.NaN;
    }

    private static List<String> cells(String line) {
        String inner = line.substring(1, line.endsWith("|") && line.length() > 1 ? line.length() - 1 : line.length());
        List<String> out = new ArrayList<>();
        for (String c : inner.split("\\|", -1)) out.add(c.strip());
        return out;
    }
}
