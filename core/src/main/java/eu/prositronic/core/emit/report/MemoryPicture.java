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

    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#9c755f", "#76b7b2"
    };
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
            List<DeviceMemory.Part> parts = dev.parts();
            double scale = BAR_WIDTH
                    / (double) Math.max(dev.capacity().value(), dev.used().value());
            List<Segment> segments = new ArrayList<>();
            double x = LEFT;
            for (int i = 0; i < parts.size(); i++) {
                Bytes part = parts.get(i).bytes();
                double w = part.value() * scale;
                if (w >= 0.05) {
                    segments.add(
                            new Segment(fmt(x), fmt(w), COLORS[i], parts.get(i).label() + ": " + part.human()));
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
        List<DeviceMemory.Part> names = d.memory().host().parts();
        for (int i = 0; i < names.size(); i++) {
            legend.add(new LegendItem(8 + i * 105, COLORS[i], names.get(i).label()));
        }
        return new MemoryPicture(d.name(), 760, y + 30, rows, LEFT, BAR_WIDTH, legend, y + 4);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
