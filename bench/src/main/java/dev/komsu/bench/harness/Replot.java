package dev.komsu.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code scripts/bench --replot DIR}: redraws {@code DIR/recall-qps.png} from what a run left in
 * DIR, running nothing. Rows come from results.jsonl (measured and reference rows), else from
 * komsu.jsonl / faiss.jsonl / jvector.jsonl, else from results.md (folders kept without their
 * JSON lines). The title's CPU is {@code --cpu}, else run.json's "cpu", else "CPU not recorded".
 */
public final class Replot {
    private Replot() {
    }

    /** Parses {@code --replot DIR [--cpu TEXT] [--no-reference-plot]} and redraws; returns the PNG written. */
    public static Path run(String[] args) throws IOException {
        Path dir = null;
        String cpu = null;
        boolean withReference = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--no-reference-plot" -> withReference = false;
                case "--replot", "--cpu" -> {
                    if (i + 1 >= args.length) throw new HarnessOptions.UsageException(args[i] + " needs a value");
                    if (args[i].equals("--cpu")) cpu = args[++i];
                    else dir = Path.of(args[++i]);
                }
                default -> throw new HarnessOptions.UsageException("--replot takes only --cpu and --no-reference-plot, got '" + args[i] + "'");
            }
        }
        if (dir == null || !Files.isDirectory(dir)) throw new HarnessOptions.UsageException("--replot: '" + dir + "' is not a folder");
        Path png = dir.resolve("recall-qps.png");
        RecallQpsPlot.write(png, title(dir), cpu != null ? cpu : runJsonCpu(dir), rows(dir), withReference);
        return png;
    }

    static List<ResultRow> rows(Path dir) throws IOException {
        Path results = dir.resolve("results.jsonl");
        if (Files.exists(results)) return readRows(results);
        List<ResultRow> rows = new ArrayList<>();
        for (String name : List.of("komsu.jsonl", "faiss.jsonl", "jvector.jsonl")) {
            if (Files.exists(dir.resolve(name))) rows.addAll(readRows(dir.resolve(name)));
        }
        if (!rows.isEmpty()) return rows;
        Path md = dir.resolve("results.md");
        if (Files.exists(md)) return MarkdownResults.parse(Files.readAllLines(md), md.toString());
        throw new IllegalArgumentException(dir + " holds no results.jsonl, komsu.jsonl, faiss.jsonl, jvector.jsonl or results.md");
    }

    /** Rows of one JSON-lines file, as {@link HarnessMain} wrote them. */
    public static List<ResultRow> readRows(Path jsonl) throws IOException {
        List<ResultRow> rows = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            if (!line.isBlank()) rows.add(ResultRow.fromFields(Json.parseObject(line)));
        }
        return rows;
    }

    /** results.md's heading ("rvc256 (N=100000, D=256, nq=3000, k=10)"), else the folder's name. */
    private static String title(Path dir) throws IOException {
        Path md = dir.resolve("results.md");
        String t = Files.exists(md) ? MarkdownResults.title(Files.readAllLines(md)) : null;
        return t != null ? t : dir.getFileName().toString();
    }

    private static String runJsonCpu(Path dir) throws IOException {
        Path run = dir.resolve("run.json");
        if (!Files.exists(run)) return null;
        Map<String, Object> m = Json.parseObject(Files.readString(run).strip());
        return m.get("cpu") instanceof String s ? s : null;
    }
}
