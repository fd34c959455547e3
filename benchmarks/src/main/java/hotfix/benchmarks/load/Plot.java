package hotfix.benchmarks.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.Arrays;
import java.util.List;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYDotRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.data.xy.DefaultXYDataset;

/** Request latency over time, one dot per request, with the hotfix windows shaded. */
final class Plot {

    /** Windows to shade, with their color and what they are. */
    record Shade(List<Stats.Window> windows, Color color, String label) {
    }

    private static final double NANOS_PER_MS = 1e6;
    private static final double NANOS_PER_S = 1e9;

    private Plot() {
    }

    /**
     * Writes a PNG of the requests that started in [from, to) (nanoseconds), latency in ms on a
     * log axis against seconds since from; each moment (nanoseconds) is drawn as a vertical line.
     */
    static void write(Path file, String title, String subtitle, Requests requests, List<Shade> shades,
            List<Long> moments, long from, long to) throws IOException {
        int inRange = 0;
        for (int i = 0; i < requests.size(); i++) {
            if (requests.start[i] >= from && requests.start[i] < to) {
                inRange++;
            }
        }
        // every slow or failed request is drawn; of the rest, enough to show the band
        int stride = Math.max(1, inRange / 150_000);
        double[][] ok = new double[2][inRange];
        double[][] failed = new double[2][inRange];
        int okCount = 0;
        int failedCount = 0;
        int seen = 0;
        for (int i = 0; i < requests.size(); i++) {
            if (requests.start[i] < from || requests.start[i] >= to) {
                continue;
            }
            double x = (requests.start[i] - from) / NANOS_PER_S;
            double y = Math.max(0.01, requests.latency[i] / NANOS_PER_MS);
            if (!requests.ok(i)) {
                failed[0][failedCount] = x;
                failed[1][failedCount++] = y;
            } else if (seen++ % stride == 0 || y > 5) {
                ok[0][okCount] = x;
                ok[1][okCount++] = y;
            }
        }
        DefaultXYDataset dataset = new DefaultXYDataset();
        dataset.addSeries("request (2xx)", trim(ok, okCount));
        dataset.addSeries("failed request", trim(failed, failedCount));

        XYDotRenderer renderer = new XYDotRenderer();
        renderer.setDotWidth(2);
        renderer.setDotHeight(2);
        renderer.setSeriesPaint(0, new Color(30, 60, 140, 110));
        renderer.setSeriesPaint(1, new Color(220, 0, 0));
        renderer.setDefaultSeriesVisibleInLegend(true);

        NumberAxis time = new NumberAxis("time (s)");
        time.setRange(0, (to - from) / NANOS_PER_S);
        LogAxis latency = new LogAxis("latency (ms, log scale)");
        latency.setBase(10);
        latency.setSmallestValue(0.01);
        latency.setTickUnit(new NumberTickUnit(1));
        latency.setMinorTickCount(9);
        latency.setMinorTickMarksVisible(true);
        latency.setNumberFormatOverride(new DecimalFormat("0.##"));
        XYPlot plot = new XYPlot(dataset, time, latency, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(220, 220, 220));
        plot.setRangeGridlinePaint(new Color(220, 220, 220));
        for (Shade shade : shades) {
            for (Stats.Window window : shade.windows()) {
                if (window.to() < from || window.from() > to) {
                    continue;
                }
                IntervalMarker marker = new IntervalMarker((window.from() - from) / NANOS_PER_S,
                        (window.to() - from) / NANOS_PER_S, shade.color());
                marker.setOutlinePaint(shade.color().darker());
                marker.setOutlineStroke(new BasicStroke(0.5f));
                plot.addDomainMarker(marker, Layer.BACKGROUND);
            }
        }

        for (long moment : moments) {
            if (moment >= from && moment < to) {
                ValueMarker marker = new ValueMarker((moment - from) / NANOS_PER_S, new Color(150, 0, 0),
                        new BasicStroke(1f));
                plot.addDomainMarker(marker, Layer.FOREGROUND);
            }
        }

        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 18), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 13)));
        Files.createDirectories(file.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1400, 650);
    }

    private static double[][] trim(double[][] series, int count) {
        return new double[][] {Arrays.copyOf(series[0], count), Arrays.copyOf(series[1], count)};
    }
}
