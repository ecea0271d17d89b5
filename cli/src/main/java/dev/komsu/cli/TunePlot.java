package dev.komsu.cli;

import dev.komsu.io.AtomicFileOutput;
import dev.komsu.tune.OperatingPoint;
import dev.komsu.tune.OperatingPoints;
import java.awt.Color;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code komsu tune --plot}: recall@k against QPS (log scale when it spans a decade), as the bench harness draws it:
 * every setting measured as a point, the Pareto front as a line, the chosen setting marked.
 */
final class TunePlot {
    private TunePlot() {
    }

    static void write(Path png, String title, int k, OperatingPoints points, OperatingPoint chosen) throws IOException {
        // drawing needs no display; a headless AWT also works where none exists
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        // XChart labels a log axis at powers of ten only: within one decade it would show none
        double lo = points.all().stream().mapToDouble(OperatingPoint::qps).min().orElse(1);
        double hi = points.all().stream().mapToDouble(OperatingPoint::qps).max().orElse(1);
        boolean log = hi >= 10 * lo;
        XYChart chart = new XYChartBuilder().width(900).height(600).title(title)
                .xAxisTitle("recall@" + k).yAxisTitle("queries per second" + (log ? " (log)" : "")).build();
        chart.getStyler().setYAxisLogarithmic(log);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        add(chart, "settings measured", points.all(), XYSeries.XYSeriesRenderStyle.Scatter);
        if (!points.front().isEmpty()) add(chart, "Pareto front", points.front(), XYSeries.XYSeriesRenderStyle.Line);
        if (chosen != null) {
            add(chart, "chosen: " + chosen.params(), List.of(chosen), XYSeries.XYSeriesRenderStyle.Scatter)
                    .setMarker(SeriesMarkers.DIAMOND);
        }
        byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        try (AtomicFileOutput out = AtomicFileOutput.create(png)) {
            out.write(ByteBuffer.wrap(bytes));
            out.commit();
        }
    }

    private static XYSeries add(XYChart chart, String name, List<OperatingPoint> pts, XYSeries.XYSeriesRenderStyle style) {
        double[] x = pts.stream().mapToDouble(OperatingPoint::recall).toArray();
        double[] y = pts.stream().mapToDouble(OperatingPoint::qps).toArray();
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(style);
        s.setMarker(SeriesMarkers.CIRCLE);
        return s;
    }
}
