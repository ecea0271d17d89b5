package dev.komsu.bench.harness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of the recall-vs-QPS plot: one system (komsu's backend, faiss's build, JVector) with
 * one index string at one thread count, every search setting a labelled point. Index strings are
 * not merged into one Pareto line: a reader must see which index type reached which point.
 * FAISS_REFERENCE.md rows are {@code reference} (measured on another machine) and drawn apart.
 *
 * @param name   legend text: "komsu cpu IVF1024,Flat T=1", "faiss-ref AVX2 ... (reference, other machine)"
 * @param points by recall ascending
 */
public record PlotSeries(String name, String system, String factory, int threads, boolean reference, List<Point> points) {
    /** The legend's suffix for rows measured on another machine. */
    public static final String REFERENCE_SUFFIX = " (reference, other machine)";

    /** A measured point and its parameters in short form ("np=4 kf=4", "ef=64"). */
    public record Point(double recall, double qps, String label) {
    }

    /**
     * Series of the successful rows with a finite recall@10 and positive QPS, in the rows' order of
     * first appearance; reference rows ({@code faiss-ref}) only when {@code withReference}.
     */
    public static List<PlotSeries> of(List<ResultRow> rows, boolean withReference) {
        Map<String, List<ResultRow>> groups = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            if (!r.ok() || r.recall() == null || !(r.qps() > 0) || !Double.isFinite(r.recall().r10At10())) continue;
            if (isReference(r) && !withReference) continue;
            String name = r.curveName() + " " + r.factory().replace(" ", "") + " T=" + r.threads()
                    + (isReference(r) ? REFERENCE_SUFFIX : "");
            groups.computeIfAbsent(name, n -> new ArrayList<>()).add(r);
        }
        List<PlotSeries> out = new ArrayList<>();
        for (Map.Entry<String, List<ResultRow>> g : groups.entrySet()) {
            ResultRow first = g.getValue().getFirst();
            List<Point> points = new ArrayList<>();
            for (ResultRow r : g.getValue()) points.add(new Point(r.recall().r10At10(), r.qps(), shortLabel(r.params())));
            points.sort(Comparator.comparingDouble(Point::recall).thenComparingDouble(Point::qps));
            out.add(new PlotSeries(g.getKey(), first.system(), first.factory().replace(" ", ""), first.threads(),
                    isReference(first), List.copyOf(points)));
        }
        return out;
    }

    static boolean isReference(ResultRow r) {
        return r.system().equals("faiss-ref");
    }

    /**
     * "nprobe=16 k_factor=4" as "np=16 kf=4", "efSearch=64" as "ef=64"; "-" (nothing to vary) as
     * "": the plot's point labels must stay short enough not to cover each other.
     */
    static String shortLabel(String params) {
        if (params == null || params.isBlank() || params.strip().equals("-")) return "";
        return params.strip().replace("nprobe=", "np=").replace("k_factor=", "kf=").replace("efSearch=", "ef=");
    }

    /** The text under the plot that explains the short labels. */
    public static final String LABEL_LEGEND = "labels: np nprobe, kf k_factor, ef efSearch / JVector beam";
}
