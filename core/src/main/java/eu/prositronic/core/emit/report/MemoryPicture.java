package eu.prositronic.core.emit.report;

import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.DeviceMemory;
import eu.prositronic.core.units.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The page model of {@code report/<deployment>-memory.svg}: one stacked bar per device, scaled to its capacity. */
record MemoryPicture(
        String name,
        int width,
        int height,
        List<Row> rows,
        int left,
        int barWidth,
        List<LegendItem> legend,
        int legendY) {

    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1"};
    private static final String[] PARTS = {"weights", "KV cache", "recurrent state", "compute", "overhead"};
    private static final int LEFT = 150;
    private static final int BAR_WIDTH = 460;
    private static final int ROW_HEIGHT = 32;

    record Row(int y, String label, List<Segment> segments, String total) {}

    record Segment(String x, String w, String color, String title) {}

    record LegendItem(int x, String color, String label) {}

    static MemoryPicture of(DeploymentPlan d) {
        List<Row> rows = new ArrayList<>();
        int y = 10;
        for (DeviceMemory dev : d.memory().devices()) {
            Bytes[] parts = {dev.weights(), dev.kvCache(), dev.recurrentState(), dev.compute(), dev.overhead()};
            double scale = BAR_WIDTH
                    / (double) Math.max(dev.capacity().value(), dev.used().value());
            List<Segment> segments = new ArrayList<>();
            double x = LEFT;
            for (int i = 0; i < parts.length; i++) {
                double w = parts[i].value() * scale;
                if (w >= 0.05) {
                    segments.add(new Segment(fmt(x), fmt(w), COLORS[i], PARTS[i] + ": " + parts[i].human()));
                }
                x += w;
            }
            rows.add(new Row(
                    y,
                    dev.id(),
                    segments,
                    dev.used().human() + " of " + dev.capacity().human()));
            y += ROW_HEIGHT;
        }
        List<LegendItem> legend = new ArrayList<>();
        for (int i = 0; i < PARTS.length; i++) {
            legend.add(new LegendItem(8 + i * 130, COLORS[i], PARTS[i]));
        }
        return new MemoryPicture(d.name(), 760, y + 30, rows, LEFT, BAR_WIDTH, legend, y + 4);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
