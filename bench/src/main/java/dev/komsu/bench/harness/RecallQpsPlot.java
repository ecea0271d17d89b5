package dev.komsu.bench.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * recall@10 against QPS (log scale), one line per system and thread count: the Pareto frontier
 * of that system's points over every index string and parameter setting of the run, as
 * ann-benchmarks draws it (a point beaten on both axes by another of the same system is not on
 * the line).
 */
public final class RecallQpsPlot {
    private RecallQpsPlot() {
    }

    public static void write(Path png, String title, List<ResultRow> rows) throws IOException {
        Map<String, List<MatchedRecall.Point>> series = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            if (!r.ok() || r.recall() == null || !(r.qps() > 0) || !Double.isFinite(r.recall().r10At10())) continue;
            String name = r.curveName() + " T=" + r.threads();
            series.computeIfAbsent(name, n -> new ArrayList<>()).add(new MatchedRecall.Point(r.recall().r10At10(), r.qps()));
        }
        if (series.isEmpty()) throw new IllegalStateException("no successful row to plot for " + title);
        XYChart chart = new XYChartBuilder().width(900).height(600).title(title)
                .xAxisTitle("recall@10 (R10@10)").yAxisTitle("queries per second (log)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (Map.Entry<String, List<MatchedRecall.Point>> e : series.entrySet()) {
            List<MatchedRecall.Point> frontier = MatchedRecall.paretoFrontier(e.getValue());
            double[] x = frontier.stream().mapToDouble(MatchedRecall.Point::recall).toArray();
            double[] y = frontier.stream().mapToDouble(MatchedRecall.Point::qps).toArray();
            chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        AtomicFiles.write(png, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }
}
