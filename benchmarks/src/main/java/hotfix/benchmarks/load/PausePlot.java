package hotfix.benchmarks.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Map;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * One kind of hotfix's pauses, every one a dot, by number of connections and server side by side,
 * with each server's median joined by a line: what the pause table says, at a glance.
 */
final class PausePlot {

    private static final Color[] COLOURS = {new Color(200, 90, 0), new Color(0, 110, 190), new Color(0, 150, 80),
        new Color(150, 0, 150)};

    private PausePlot() {
    }

    /**
     * @param pauses for each server in order, for each number of connections in order, its pauses in µs
     */
    static void write(Path file, String title, String subtitle, int[] connections, Map<String, List<long[]>> pauses)
            throws IOException {
        XYSeriesCollection dots = new XYSeriesCollection();
        XYSeriesCollection medians = new XYSeriesCollection();
        int servers = pauses.size();
        int index = 0;
        for (Map.Entry<String, List<long[]>> server : pauses.entrySet()) {
            // servers side by side around each level, apart enough to tell their clouds
            double offset = servers == 1 ? 0 : -0.2 + 0.4 * index / (servers - 1);
            XYSeries all = new XYSeries(server.getKey() + ": each pause", false, true);
            XYSeries median = new XYSeries(server.getKey() + ": median", false, true);
            for (int level = 0; level < connections.length; level++) {
                long[] sorted = server.getValue().get(level);
                for (int i = 0; i < sorted.length; i++) {
                    // a small spread within the column, so that equal pauses do not hide each other
                    all.add(level + offset + 0.04 * ((i % 5) - 2) / 2, Math.max(1, sorted[i]));
                }
                if (sorted.length > 0) {
                    median.add(level + offset, Math.max(1, Stats.percentile(sorted, 50)));
                }
            }
            dots.addSeries(all);
            medians.addSeries(median);
            index++;
        }
        String[] labels = new String[connections.length];
        for (int i = 0; i < connections.length; i++) {
            labels[i] = connections[i] + " connections";
        }
        SymbolAxis x = new SymbolAxis("", labels);
        x.setRange(-0.5, connections.length - 0.5);
        LogAxis y = new LogAxis("pause, as the report gives it (µs, log scale)");
        y.setNumberFormatOverride(new DecimalFormat("#,##0"));
        y.setSmallestValue(1);
        // one tick per power of ten: 10 µs, 100 µs, 1 ms, ...
        y.setTickUnit(new NumberTickUnit(1));
        y.setMinorTickMarksVisible(true);
        XYLineAndShapeRenderer dotRenderer = new XYLineAndShapeRenderer(false, true);
        XYLineAndShapeRenderer medianRenderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < servers; i++) {
            Color colour = COLOURS[i % COLOURS.length];
            dotRenderer.setSeriesPaint(i, new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 110));
            dotRenderer.setSeriesShape(i, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
            medianRenderer.setSeriesPaint(i, colour.darker());
            medianRenderer.setSeriesStroke(i, new BasicStroke(2f));
            medianRenderer.setSeriesShape(i, new Ellipse2D.Double(-5, -5, 10, 10));
        }
        XYPlot plot = new XYPlot(medians, x, y, medianRenderer);
        plot.setDataset(1, dots);
        plot.setRenderer(1, dotRenderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 11)));
        chart.setBackgroundPaint(Color.WHITE);
        Files.createDirectories(file.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 560);
    }
}
