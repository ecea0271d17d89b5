package dev.komsu.bench.harness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One measured (or reference) configuration: a system, an index string, search parameters and
 * a thread count, with its timings, recall and size. Unknown numbers are NaN (or -1 bytes);
 * a configuration that could not run has {@code error} set and no figures.
 *
 * @param system     "komsu", "faiss", "jvector" (measured in this run) or "faiss-ref" (FAISS_REFERENCE.md)
 * @param build      what exactly ran: komsu's backend name, faiss's version and compile options
 * @param backend    komsu backend asked for (cpu, opencl, scalar); "-" for faiss and jvector
 * @param params     FAISS_REFERENCE.md spelling of the search parameters, see {@link SearchGrid.Setting#label}
 * @param qpsRuns    every timed run's QPS; {@code qps} is their median
 * @param recall     null when not measured
 * @param noisy      FAISS_REFERENCE.md marked the QPS with '*'
 */
public record ResultRow(String dataset, String system, String build, String backend, String factory,
                        String params, int threads, int k, double trainSeconds, double addSeconds, double qps,
                        List<Double> qpsRuns, Recall recall, long indexBytes, boolean noisy, String error) {
    public ResultRow {
        qpsRuns = List.copyOf(qpsRuns);
    }

    /** A row for a configuration that failed, with the reason. */
    public static ResultRow failed(String dataset, String system, String build, String backend, String factory,
                                   String params, int threads, int k, String error) {
        return new ResultRow(dataset, system, build, backend, factory, params, threads, k, Double.NaN, Double.NaN,
                Double.NaN, List.of(), null, -1, false, error);
    }

    public boolean ok() {
        return error == null;
    }

    /**
     * The name of this row's curve in tables and plots: "komsu cpu", or faiss's system with its
     * SIMD level from the build ("faiss GENERIC", "faiss-ref AVX2"), so a reader sees which faiss.
     */
    public String curveName() {
        if (system.equals("komsu")) return "komsu " + backend;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("OPTIMIZE (\\S+)").matcher(build == null ? "" : build);
        return m.find() ? system + " " + m.group(1) : system;
    }

    /** The field names {@link #toFields} writes, in order; downstream scripts read them. */
    public static final List<String> FIELDS = List.of("dataset", "system", "build", "backend", "factory", "params",
            "threads", "k", "train_s", "add_s", "qps", "qps_runs", "r1_at_1", "r1_at_10", "r10_at_10", "index_bytes",
            "noisy", "error");

    /**
     * A row read back from its JSON line (komsu.jsonl, faiss.jsonl, results.jsonl): the inverse of
     * {@link #toFields}. Fields other than {@link #FIELDS} (ratios) are not part of the row.
     */
    public static ResultRow fromFields(Map<String, Object> m) {
        for (String need : List.of("dataset", "system", "factory", "params", "threads")) {
            if (m.get(need) == null) throw new IllegalArgumentException("result row has no '" + need + "' field: " + m);
        }
        List<Double> runs = new java.util.ArrayList<>();
        if (m.get("qps_runs") instanceof List<?> list) {
            for (Object v : list) runs.add(v instanceof Number n ? n.doubleValue() : Double.NaN);
        }
        boolean measuredRecall = m.get("r1_at_1") != null || m.get("r1_at_10") != null || m.get("r10_at_10") != null;
        Recall recall = measuredRecall
                ? new Recall(Json.number(m, "r1_at_1"), Json.number(m, "r1_at_10"), Json.number(m, "r10_at_10")) : null;
        double bytes = Json.number(m, "index_bytes");
        return new ResultRow((String) m.get("dataset"), (String) m.get("system"), (String) m.get("build"),
                (String) m.get("backend"), (String) m.get("factory"), (String) m.get("params"), (int) Json.number(m, "threads"),
                m.get("k") == null ? Recall.DEPTH : (int) Json.number(m, "k"), Json.number(m, "train_s"), Json.number(m, "add_s"),
                Json.number(m, "qps"), runs, recall, Double.isNaN(bytes) ? -1 : (long) bytes, Boolean.TRUE.equals(m.get("noisy")),
                (String) m.get("error"));
    }

    /** The fields in a stable order, for JSON lines; {@code extra} (e.g. ratios) is appended. */
    public Map<String, Object> toFields(Map<String, ?> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", dataset);
        m.put("system", system);
        m.put("build", build);
        m.put("backend", backend);
        m.put("factory", factory);
        m.put("params", params);
        m.put("threads", threads);
        m.put("k", k);
        m.put("train_s", trainSeconds);
        m.put("add_s", addSeconds);
        m.put("qps", qps);
        m.put("qps_runs", qpsRuns);
        m.put("r1_at_1", recall == null ? null : recall.r1At1());
        m.put("r1_at_10", recall == null ? null : recall.r1At10());
        m.put("r10_at_10", recall == null ? null : recall.r10At10());
        m.put("index_bytes", indexBytes < 0 ? null : indexBytes);
        m.put("noisy", noisy);
        m.put("error", error);
        m.putAll(extra);
        return m;
    }
}
