package dev.komsu.bench.harness;

import dev.komsu.bench.data.Dataset;
import dev.komsu.io.Npy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs faiss's side through {@code scripts/compare-faiss} (Debian's python3-faiss) on the
 * dataset's own {@code .npy} files, one index string at a time so komsu and faiss are measured
 * in the same time window, and turns its JSON lines into rows. Recall is computed here, from
 * the labels faiss saved, with the same code and ground truth as komsu's.
 */
public final class FaissRunner {
    private final Path script;
    private final Path labelsDir;
    private final int runs;
    private final int k;

    public FaissRunner(Path script, Path labelsDir, int runs, int k) {
        this.script = script;
        this.labelsDir = labelsDir;
        this.runs = runs;
        this.k = k;
    }

    /** faiss's version and compile options, e.g. "faiss 1.7.3 OPTIMIZE GENERIC (Debian python3-faiss)". */
    public String buildInfo() throws IOException, InterruptedException {
        List<Map<String, Object>> lines = call(List.of(script.toString(), "--info"));
        if (lines.isEmpty()) throw new IOException(script + " --info printed nothing");
        return build(lines.getFirst());
    }

    public List<ResultRow> run(Dataset data, String factory, List<SearchGrid.Setting> settings, List<Integer> threads)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(script.toString(),
                "--base", data.baseFile().toString(), "--queries", data.queriesFile().toString(),
                "--factory", factory, "--k", Integer.toString(k), "--runs", Integer.toString(runs),
                "--threads", String.join(",", threads.stream().map(String::valueOf).toList()),
                "--labels-dir", labelsDir.toString()));
        for (SearchGrid.Setting s : settings) {
            cmd.add("--params");
            cmd.add(s.label());
        }
        List<ResultRow> rows = new ArrayList<>();
        for (Map<String, Object> line : call(cmd)) rows.add(toRow(data, line));
        return rows;
    }

    private ResultRow toRow(Dataset data, Map<String, Object> m) throws IOException {
        String factory = (String) m.get("factory");
        String params = (String) m.get("params");
        int threads = (int) Json.number(m, "threads");
        if (m.get("error") != null) {
            return ResultRow.failed(data.name(), "faiss", build(m), "-", factory, params, threads, k, (String) m.get("error"));
        }
        long[] labels = Npy.readLongs(Path.of((String) m.get("labels")));
        Recall recall = Recall.of(labels, k, data.groundTruth());
        List<Double> qpsRuns = new ArrayList<>();
        for (Object v : (List<?>) m.get("qps_runs")) qpsRuns.add(((Number) v).doubleValue());
        return new ResultRow(data.name(), "faiss", build(m), "-", factory, params, threads, k,
                Json.number(m, "train_s"), Json.number(m, "add_s"), Json.number(m, "qps"), qpsRuns, recall,
                (long) Json.number(m, "index_bytes"), false, null);
    }

    private static String build(Map<String, Object> m) {
        Object origin = m.get("origin");
        String from = origin == null || origin.toString().startsWith("/usr/lib/python3/")
                ? "Debian python3-faiss" : "built from source, " + origin;
        return "faiss " + m.get("faiss_version") + " " + m.get("compile_options") + " (" + from + ")";
    }

    /** Runs {@code cmd}, passing its stderr through, and parses every stdout line as JSON. */
    private static List<Map<String, Object>> call(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Map<String, Object>> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) out.add(Json.parseObject(line));
            }
        }
        int code = p.waitFor();
        if (code != 0) throw new IOException(String.join(" ", cmd.subList(0, 1)) + " failed with exit code " + code + " (its messages are above)");
        return out;
    }
}
