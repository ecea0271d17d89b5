package dev.komsu.bench.harness;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads back the table {@link MarkdownReport} wrote, for results folders kept without their JSON
 * lines (the older bench/results/* runs): the heading gives the dataset, the legend lines
 * ("- `faiss GENERIC`: faiss 1.7.3 OPTIMIZE GENERIC (...)") each curve's build, and every table
 * row one {@link ResultRow} with the table's rounding (QPS to 1, recall to 0.001).
 */
public final class MarkdownResults {
    private static final Pattern HEADING = Pattern.compile("^###\\s+(\\S+)(.*)$");
    private static final Pattern LEGEND = Pattern.compile("^- `([^`]+)`: (.+)$");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?");
    private static final double MIB = 1024.0 * 1024.0;

    private MarkdownResults() {
    }

    /** The heading's text after "### " ("rvc256 (N=100000, D=256, nq=3000, k=10)"), or null. */
    public static String title(List<String> lines) {
        for (String line : lines) {
            Matcher h = HEADING.matcher(line.strip());
            if (h.matches()) return (h.group(1) + h.group(2)).strip();
        }
        return null;
    }

    /** Every row of the table; a file without the harness's table raises IllegalArgumentException naming {@code source}. */
    public static List<ResultRow> parse(List<String> lines, String source) {
        String dataset = null;
        Map<String, String> builds = new HashMap<>();
        Map<String, Integer> columns = null;
        List<ResultRow> rows = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            Matcher h = HEADING.matcher(line);
            if (dataset == null && h.matches()) dataset = h.group(1);
            Matcher legend = LEGEND.matcher(line);
            if (legend.matches()) builds.put(legend.group(1), legend.group(2));
            if (!line.startsWith("|")) continue;
            List<String> cells = cells(line);
            if (columns == null) {
                columns = new HashMap<>();
                for (int i = 0; i < cells.size(); i++) columns.put(cells.get(i), i);
                for (String need : List.of("system", "index", "params", "T", "train s", "add s", "QPS", "R1@1", "R1@10", "R10@10", "MB")) {
                    if (!columns.containsKey(need)) {
                        throw new IllegalArgumentException(source + ": table header lacks column '" + need + "': " + line);
                    }
                }
                continue;
            }
            if (cells.stream().allMatch(c -> c.matches(":?-+:?"))) continue;
            rows.add(row(cells, columns, dataset == null ? "?" : dataset, builds));
        }
        if (columns == null) throw new IllegalArgumentException(source + ": no results table found");
        return rows;
    }

    private static ResultRow row(List<String> cells, Map<String, Integer> col, String dataset, Map<String, String> builds) {
        String curve = cell(cells, col, "system");
        String[] words = curve.split(" ", 2);
        String system = words[0];
        String backend = system.equals("komsu") && words.length > 1 ? words[1] : "-";
        String build = builds.getOrDefault(curve, curve);
        String factory = cell(cells, col, "index");
        String params = cell(cells, col, "params");
        int threads = (int) number(cell(cells, col, "T"));
        String train = cell(cells, col, "train s");
        if (train.startsWith("error: ")) {
            return ResultRow.failed(dataset, system, build, backend, factory, params, threads, Recall.DEPTH,
                    train.substring("error: ".length()).replace("\\|", "|"));
        }
        String qpsCell = cell(cells, col, "QPS");
        double qps = number(qpsCell);
        double mb = number(cell(cells, col, "MB"));
        Recall recall = new Recall(number(cell(cells, col, "R1@1")), number(cell(cells, col, "R1@10")),
                number(cell(cells, col, "R10@10")));
        return new ResultRow(dataset, system, build, backend, factory, params, threads, Recall.DEPTH, number(train),
                number(cell(cells, col, "add s")), qps, Double.isNaN(qps) ? List.of() : List.of(qps), recall,
                Double.isNaN(mb) ? -1 : Math.round(mb * MIB), qpsCell.contains("*"), null);
    }

    private static String cell(List<String> cells, Map<String, Integer> col, String name) {
        int i = col.get(name);
        return i < cells.size() ? cells.get(i) : "";
    }

    private static double number(String cell) {
        Matcher m = NUMBER.matcher(cell);
        return m.find() ? Double.parseDouble(m.group()) : Double.NaN;
    }

    /** Cells of a table line; "\|" inside a cell (an escaped error message) does not split it. */
    private static List<String> cells(String line) {
        String inner = line.substring(1, line.endsWith("|") && line.length() > 1 ? line.length() - 1 : line.length());
        List<String> out = new ArrayList<>();
        for (String c : inner.split("(?<!\\\\)\\|", -1)) out.add(c.strip());
        return out;
    }
}
