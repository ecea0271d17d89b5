package dev.komsu.bench.harness;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Whether komsu's backends return the same labels: for every index string, search setting and
 * thread count, the last timed search of each backend is kept, and every backend after the first
 * one run (cpu, when the run names it first) is compared with that first one. This is how a
 * run on a new device (the GPU check) shows its kernels agree with the CPU's, beside their speed.
 *
 * <p>Each backend trains its own index (training is timed per backend), so a difference can come
 * from training (a k-means assignment flipped at a near-tie moves a centroid) as well as from the
 * search kernels; identical labels say both agree end to end.
 */
public final class LabelAgreement {
    private record Key(String factory, String params, int threads) {
    }

    private final int k;
    private final Map<Key, Map<String, long[]>> labels = new LinkedHashMap<>();

    /** @param k the labels per query in every recorded result */
    public LabelAgreement(int k) {
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        this.k = k;
    }

    /** Keeps {@code found} (nq x k labels, row-major) as {@code backend}'s answer for this setting. */
    public synchronized void record(String factory, String params, int threads, String backend, long[] found) {
        if (found.length % k != 0) {
            throw new IllegalArgumentException("labels hold " + found.length + " values, not a multiple of k = " + k);
        }
        labels.computeIfAbsent(new Key(factory, params, threads), key -> new LinkedHashMap<>()).put(backend, found.clone());
    }

    /** One comparison per later backend and setting, in the order the settings ran. */
    public synchronized List<Result> results() {
        List<Result> out = new ArrayList<>();
        for (Map.Entry<Key, Map<String, long[]>> e : labels.entrySet()) {
            List<Map.Entry<String, long[]>> byBackend = new ArrayList<>(e.getValue().entrySet());
            if (byBackend.size() < 2) continue;
            Map.Entry<String, long[]> reference = byBackend.getFirst();
            for (Map.Entry<String, long[]> other : byBackend.subList(1, byBackend.size())) {
                out.add(compare(e.getKey(), reference.getKey(), reference.getValue(), other.getKey(), other.getValue()));
            }
        }
        return out;
    }

    private Result compare(Key key, String referenceName, long[] reference, String backend, long[] found) {
        if (reference.length != found.length) {
            throw new IllegalStateException(backend + " returned " + found.length + " labels and " + referenceName + " "
                    + reference.length + " for " + key.factory() + " " + key.params());
        }
        int nq = reference.length / k;
        int identical = 0;
        double overlapSum = 0;
        for (int q = 0; q < nq; q++) {
            Set<Long> expected = new HashSet<>();
            boolean same = true;
            for (int r = 0; r < k; r++) {
                long a = reference[q * k + r];
                if (a >= 0) expected.add(a);
                same &= a == found[q * k + r];
            }
            int shared = 0;
            int valid = 0;
            for (int r = 0; r < k; r++) {
                long b = found[q * k + r];
                if (b < 0) continue;
                valid++;
                if (expected.contains(b)) shared++;
            }
            int slots = Math.max(valid, expected.size());
            overlapSum += slots == 0 ? 1.0 : (double) shared / slots; // both empty: they agree
            if (same) identical++;
        }
        return new Result(key.factory(), key.params(), key.threads(), backend, referenceName, nq, identical,
                nq == 0 ? 1.0 : overlapSum / nq);
    }

    /**
     * @param identical queries whose k labels are equal in the same order
     * @param overlap   mean share of a query's labels (ignoring empty slots) that both backends return
     */
    public record Result(String factory, String params, int threads, String backend, String reference, int nq, int identical,
                         double overlap) {
        public String describe() {
            return String.format(Locale.ROOT, "labels %s vs %s, %s %s T=%d: %d of %d queries identical (%.2f %%), top-k overlap %.2f %%",
                    backend, reference, factory, params, threads, identical, nq, 100.0 * identical / Math.max(1, nq), 100 * overlap);
        }

        public Map<String, Object> toFields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("factory", factory);
            m.put("params", params);
            m.put("threads", threads);
            m.put("backend", backend);
            m.put("reference", reference);
            m.put("nq", nq);
            m.put("identical_queries", identical);
            m.put("top_k_overlap", overlap);
            return m;
        }
    }
}
