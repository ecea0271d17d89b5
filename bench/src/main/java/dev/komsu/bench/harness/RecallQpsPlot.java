package dev.komsu.bench.harness;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * recall@10 against QPS (log scale), one line per {@link PlotSeries} (system x index string x
 * threads), each point labelled with its search parameters. Colour says the system, the marker
 * the index string, the line the thread count (solid T=1; dotted and lighter for more); reference rows measured on
 * another machine are hollow and dashed, and say so in the legend. The title names the CPU.
 */
public final class RecallQpsPlot {
    private static final List<Color> SYSTEM_COLOURS = List.of(new Color(0x1f77b4), new Color(0xd62728),
            new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b));
    private static final Color REFERENCE_COLOUR = new Color(0x7f7f7f);
    private static final List<Marker> FACTORY_MARKERS = List.of(SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE,
            SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS);
    /** Point labels sit this share of the y range above their point. */
    private static final double LABEL_LIFT = 0.035;
    /** Below this max/min QPS ratio XChart's log axis would label at most one power of ten: linear then. */
    private static final double LOG_AXIS_MIN_SPAN = 10;

    private RecallQpsPlot() {
    }

    /**
     * @param title         e.g. "rvc256 (N=100000, D=256, nq=3000, k=10)"; the axes say what is plotted
     * @param cpu           the CPU the rows were measured on, named in the title; null when unknown
     * @param withReference draw FAISS_REFERENCE.md rows (another machine) as well
     */
    public static void write(Path png, String title, String cpu, List<ResultRow> rows, boolean withReference) throws IOException {
        List<PlotSeries> all = PlotSeries.of(rows, withReference);
        if (all.isEmpty()) throw new IllegalStateException("no successful row to plot for " + title);
        String fullTitle = title + " — " + (cpu == null || cpu.isBlank() ? "CPU not recorded" : cpu);
        double minQps = all.stream().flatMap(s -> s.points().stream()).mapToDouble(PlotSeries.Point::qps).min().orElseThrow();
        double maxQps = all.stream().flatMap(s -> s.points().stream()).mapToDouble(PlotSeries.Point::qps).max().orElseThrow();
        boolean log = maxQps / minQps >= LOG_AXIS_MIN_SPAN;
        XYChart chart = new XYChartBuilder().width(1300).height(760).title(fullTitle)
                .xAxisTitle("recall@10    (" + PlotSeries.LABEL_LEGEND + ")")
                .yAxisTitle("queries per second" + (log ? " (log)" : "")).build();
        XYStyler styler = chart.getStyler();
        styler.setYAxisLogarithmic(log);
        // Head room above the highest point, so its label stays inside the plot and off the title.
        Scale scale = new Scale(log, log ? minQps / 1.15 : 0, log ? maxQps * 1.4 : maxQps * 1.12);
        styler.setYAxisMin(scale.min());
        styler.setYAxisMax(scale.max());
        styler.setYAxisDecimalPattern("#,###");
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        styler.setAnnotationTextFontColor(Color.DARK_GRAY);
        styler.setMarkerSize(8);
        Map<String, Color> colours = new LinkedHashMap<>();
        Map<String, Integer> shapes = new LinkedHashMap<>();
        for (PlotSeries s : all) {
            double[] x = s.points().stream().mapToDouble(PlotSeries.Point::recall).toArray();
            double[] y = s.points().stream().mapToDouble(PlotSeries.Point::qps).toArray();
            XYSeries series = chart.addSeries(s.name(), x, y);
            int shape = shapes.computeIfAbsent(s.factory(), f -> shapes.size() % FACTORY_MARKERS.size());
            if (s.reference()) {
                series.setMarker(new Hollow(shape));
                series.setLineStyle(SeriesLines.DASH_DASH);
                series.setMarkerColor(REFERENCE_COLOUR);
                series.setLineColor(REFERENCE_COLOUR);
            } else {
                Color c = colours.computeIfAbsent(systemKey(s), k -> SYSTEM_COLOURS.get(colours.size() % SYSTEM_COLOURS.size()));
                if (s.threads() > 1) c = lighter(c); // a dotted line alone is hard to tell from a solid one at this size
                series.setMarker(FACTORY_MARKERS.get(shape));
                series.setMarkerColor(c);
                series.setLineColor(c);
                series.setLineStyle(s.threads() > 1 ? SeriesLines.DOT_DOT : SeriesLines.SOLID);
            }
            for (PlotSeries.Point p : s.points()) {
                if (!p.label().isEmpty()) chart.addAnnotation(new AnnotationText(p.label(), p.recall(), scale.lift(p.qps()), false));
            }
        }
        AtomicFiles.write(png, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }

    /** The y axis's range, and where a label goes above a point on it. */
    private record Scale(boolean log, double min, double max) {
        double lift(double qps) {
            return log ? qps * Math.pow(max / min, LABEL_LIFT) : qps + (max - min) * LABEL_LIFT;
        }
    }

    private static Color lighter(Color c) {
        return new Color((c.getRed() + 255) / 2, (c.getGreen() + 255) / 2, (c.getBlue() + 255) / 2);
    }

    /** The colour key: the legend name up to the index string ("komsu cpu", "faiss AVX2", "jvector"). */
    private static String systemKey(PlotSeries s) {
        int at = s.name().indexOf(" " + s.factory() + " ");
        return at > 0 ? s.name().substring(0, at) : s.system();
    }

    /** The marker of the same shape drawn as an outline: XChart's markers are all filled. */
    private static final class Hollow extends Marker {
        private final int shape;

        Hollow(int shape) {
            this.shape = shape;
        }

        @Override
        public void paint(Graphics2D g, double x, double y, int size) {
            g.setStroke(new BasicStroke(1.6f));
            double h = size / 2.0;
            Shape outline = switch (shape) {
                case 0 -> new Ellipse2D.Double(x - h, y - h, size, size);
                case 1 -> new Rectangle2D.Double(x - h, y - h, size, size);
                case 2 -> polygon(new double[] {x, x + h, x, x - h}, new double[] {y - h, y, y + h, y});
                case 3 -> polygon(new double[] {x - h, x + h, x}, new double[] {y + h, y + h, y - h});
                case 4 -> polygon(new double[] {x - h, x + h, x}, new double[] {y - h, y - h, y + h});
                default -> polygon(new double[] {x - h, x + h, x, x - h, x + h}, new double[] {y - h, y + h, y, y + h, y - h});
            };
            g.draw(outline);
        }

        private static Shape polygon(double[] xs, double[] ys) {
            Path2D.Double p = new Path2D.Double();
            p.moveTo(xs[0], ys[0]);
            for (int i = 1; i < xs.length; i++) p.lineTo(xs[i], ys[i]);
            if (xs.length < 5) p.closePath();
            return p;
        }
    }
}
