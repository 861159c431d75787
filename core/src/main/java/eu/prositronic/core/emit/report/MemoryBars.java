package eu.prositronic.core.emit.report;

import eu.prositronic.core.emit.PlanJson;
import eu.prositronic.core.units.Bytes;
import eu.prositronic.core.units.Decimals;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The page model of a memory picture: one stacked bar per device of a deployment, drawn from plan.json's mapping of the
 * typed plan. The parts are not a fixed set: every {@code <part>Bytes} figure plan.json gives a device (other than
 * {@code capacityBytes} and the sums {@code usedBytes} and {@code atLoadBytes}) is a segment, in plan.json's order, so a part the fit engine
 * adds (context checkpoints, prompt cache, a runtime reserve) appears without a change here. After the parts come the
 * margin the fit keeps free on that device ({@code memory.reserveBytes} per GPU, {@code memory.hostReserveBytes} on
 * the host) and what is left free. Nothing is recomputed: every figure is one plan.json has.
 *
 * @param hostBounded false on catalog pages, whose host RAM is not a limit: the host bar is scaled to what it needs
 */
record MemoryBars(String title, int width, int height, List<Bar> bars, List<LegendItem> legend, boolean hostBounded) {

    static final int WIDTH = 640;
    private static final int BAR_HEIGHT = 22;
    private static final int ROW_HEIGHT = 52;
    private static final int LEGEND_COLUMNS = 3;
    private static final int LEGEND_ROW = 18;

    /** Names people read, for the parts plan.json has today; a new part is named from its key. */
    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("weights", "weights"),
            Map.entry("kvCache", "KV cache"),
            Map.entry("recurrentState", "recurrent state"),
            Map.entry("compute", "compute buffers"),
            Map.entry("projectorWeights", "projector weights"),
            Map.entry("projectorCompute", "projector compute"),
            Map.entry("draft", "draft model"),
            Map.entry("overhead", "runtime"),
            Map.entry("checkpoints", "context checkpoints"),
            Map.entry("promptCache", "prompt cache"),
            Map.entry("reserve", "reserve (kept free)"),
            Map.entry("free", "free"));

    /**
     * A colour of its own for every part plan.json has today (Tableau 20: the ten strong colours but the grey, which is
     * the reserve's, and the light purple), mid-tone so that they read on the light and the dark background and apart
     * when printed in colour; the table beside the picture gives every figure for a print in grey.
     */
    private static final Map<String, String> COLORS = Map.ofEntries(
            Map.entry("weights", "#4e79a7"),
            Map.entry("kvCache", "#f28e2b"),
            Map.entry("recurrentState", "#59a14f"),
            Map.entry("compute", "#e15759"),
            Map.entry("projectorWeights", "#b07aa1"),
            Map.entry("projectorCompute", "#d4a6c8"),
            Map.entry("draft", "#76b7b2"),
            Map.entry("overhead", "#9c755f"),
            Map.entry("checkpoints", "#edc948"),
            Map.entry("promptCache", "#ff9da7"));

    /** For parts the engine adds later, in the order they first appear: the rest of Tableau 20, none of the above. */
    private static final String[] SPARE = {"#a0cbe8", "#ffbe7d", "#8cd17d", "#86bcb6", "#f1ce63", "#d37295", "#fabfd2"};

    private static final String RESERVE_COLOR = "#bab0ac";
    private static final String FREE_COLOR = "none";

    /** One device: its id and kind, the caption ("11.63 GiB of 24.00 GiB"), its segments left to right. */
    record Bar(String id, String kind, int y, String caption, List<Segment> segments, List<Part> parts) {}

    /** A drawn segment; {@code x} and {@code w} in viewBox units. */
    record Segment(String part, String label, String x, String w, String color, String title) {}

    /** A part's figure, for the table beside the picture. */
    record Part(String part, String label, long bytes, String human) {}

    record LegendItem(String part, String label, String color, int x, int y) {}

    /** One deployment's share of the devices it uses: its name and plan.json's memory. */
    record Tenant(String name, PlanJson.Memory memory) {}

    /** One deployment's picture. */
    static MemoryBars of(String title, PlanJson.Memory memory, boolean hostBounded) {
        return of(title, List.of(new Tenant("", memory)), hostBounded);
    }

    /**
     * A node's picture: per device, the parts of every deployment on it one after the other (each segment names its
     * deployment), then the reserve and what is left free. Devices in the order the deployments list them.
     */
    static MemoryBars of(String title, List<Tenant> tenants, boolean hostBounded) {
        List<String> order = new ArrayList<>();
        Map<String, List<Map.Entry<String, PlanJson.Device>>> byDevice = new LinkedHashMap<>();
        Map<String, Long> reserves = new LinkedHashMap<>();
        java.util.Set<String> drawn = new java.util.HashSet<>();
        for (Tenant t : tenants) {
            for (PlanJson.Device device : t.memory().devices()) {
                byDevice.computeIfAbsent(device.id(), k -> new ArrayList<>()).add(Map.entry(t.name(), device));
                reserves.putIfAbsent(
                        device.id(),
                        device.kind().equals("cpu")
                                ? t.memory().hostReserveBytes()
                                : t.memory().reserveBytes());
                figures(device).forEach((k, bytes) -> {
                    if (!order.contains(k)) {
                        order.add(k);
                    }
                    if (bytes > 0) {
                        drawn.add(k);
                    }
                });
            }
        }
        List<Bar> bars = new ArrayList<>();
        int y = 4;
        for (Map.Entry<String, List<Map.Entry<String, PlanJson.Device>>> e : byDevice.entrySet()) {
            bars.add(bar(e.getKey(), e.getValue(), reserves.get(e.getKey()), hostBounded, y, order));
            y += ROW_HEIGHT;
        }
        // the legend names the parts drawn (a part that is zero on every device, a draft model without one, is not)
        List<String> legendParts =
                new ArrayList<>(order.stream().filter(drawn::contains).toList());
        legendParts.add("reserve");
        legendParts.add("free");
        List<LegendItem> legend = new ArrayList<>();
        for (int i = 0; i < legendParts.size(); i++) {
            String part = legendParts.get(i);
            legend.add(new LegendItem(
                    part,
                    label(part),
                    color(part, order),
                    (i % LEGEND_COLUMNS) * (WIDTH / LEGEND_COLUMNS),
                    y + 6 + (i / LEGEND_COLUMNS) * LEGEND_ROW));
        }
        int legendRows = (legendParts.size() + LEGEND_COLUMNS - 1) / LEGEND_COLUMNS;
        return new MemoryBars(title, WIDTH, y + 10 + legendRows * LEGEND_ROW, bars, legend, hostBounded);
    }

    /** The device's parts as plan.json has them, in its order: every {@code ...Bytes} but the {@link #SUMS}. */
    static Map<String, Long> figures(PlanJson.Device device) {
        Map<String, Long> parts = new LinkedHashMap<>();
        for (Figure f : FIGURES) {
            parts.put(f.part(), f.of(device));
        }
        return parts;
    }

    /** A {@code <part>Bytes} component of plan.json's device, read without mapping the whole record each time. */
    private record Figure(String part, java.lang.reflect.Method accessor) {
        long of(PlanJson.Device device) {
            try {
                return ((Number) accessor.invoke(device)).longValue();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** plan.json's device figures that are not parts but sums of them (or the device's size). */
    static final java.util.Set<String> SUMS = java.util.Set.of("capacityBytes", "usedBytes", "atLoadBytes");

    /** The parts of {@link PlanJson.Device}: its components in order (plan.json's order), found once. */
    private static final List<Figure> FIGURES = java.util.Arrays.stream(PlanJson.Device.class.getRecordComponents())
            .filter(c -> c.getName().endsWith("Bytes")
                    && !SUMS.contains(c.getName())
                    && (c.getType() == long.class || Number.class.isAssignableFrom(c.getType())))
            .map(c -> new Figure(c.getName().substring(0, c.getName().length() - "Bytes".length()), c.getAccessor()))
            .toList();

    private static Bar bar(
            String id,
            List<Map.Entry<String, PlanJson.Device>> tenants,
            long reserve,
            boolean hostBounded,
            int y,
            List<String> order) {
        PlanJson.Device first = tenants.get(0).getValue();
        boolean host = first.kind().equals("cpu");
        boolean bounded = !host || hostBounded;
        long capacity = first.capacityBytes();
        long used = tenants.stream().mapToLong(t -> t.getValue().usedBytes()).sum();
        long free = bounded ? Math.max(0, capacity - used - reserve) : 0;
        long scaleTo = bounded ? Math.max(capacity, used + reserve) : used + reserve;
        double scale = WIDTH / (double) Math.max(1, scaleTo);
        List<Segment> segments = new ArrayList<>();
        List<Part> parts = new ArrayList<>();
        double[] x = {0};
        boolean named = tenants.size() > 1 || !tenants.get(0).getKey().isEmpty();
        for (Map.Entry<String, PlanJson.Device> t : tenants) {
            String who = named ? t.getKey() + ": " : "";
            for (Map.Entry<String, Long> f : figures(t.getValue()).entrySet()) {
                add(segments, parts, x, scale, who, f.getKey(), f.getValue(), order);
            }
        }
        add(segments, parts, x, scale, "", "reserve", reserve, order);
        if (bounded) {
            add(segments, parts, x, scale, "", "free", free, order);
        }
        String caption = id + ": " + Bytes.of(used).human()
                + (bounded ? " of " + Bytes.of(capacity).human() : " needed (RAM not a limit here)");
        return new Bar(id, first.kind(), y, caption, segments, parts);
    }

    private static void add(
            List<Segment> segments,
            List<Part> parts,
            double[] x,
            double scale,
            String who,
            String part,
            long bytes,
            List<String> order) {
        parts.add(new Part(part, who + label(part), bytes, Bytes.of(bytes).human()));
        double w = Math.min(bytes * scale, WIDTH - x[0]);
        if (w >= 0.05) {
            segments.add(new Segment(
                    part,
                    label(part),
                    fmt(x[0]),
                    fmt(w),
                    color(part, order),
                    who + label(part) + ": " + Bytes.of(bytes).human()));
        }
        x[0] += Math.max(0, w);
    }

    /** A deployment's two pictures: its page's inline one and the file beside its Markdown page. */
    record Pictures(String inline, String file) {}

    /** Both pictures, from one drawing: they differ only in their header and ink. */
    Pictures pictures() {
        List<String> body = body();
        return new Pictures(svg(true, body), svg(false, body));
    }

    /**
     * The picture as SVG: standalone (a file, white background, fixed size) or inline (an HTML page's, scaled to its
     * width, text in the page's colour so that dark mode applies). Written here rather than by a template: it is
     * geometry, drawn for every page of the site, and a template took longer than the rest of a page.
     */
    String svg(boolean inline) {
        return svg(inline, body());
    }

    private String svg(boolean inline, List<String> body) {
        String ink = inline ? "currentColor" : "#222222";
        int length = 512 + (body.size() - 1) * ink.length();
        for (String piece : body) {
            length += piece.length();
        }
        StringBuilder b = new StringBuilder(length);
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" ");
        if (inline) {
            b.append("class=\"memory\" width=\"100%\" ");
        } else {
            b.append("width=\"")
                    .append(width)
                    .append("\" height=\"")
                    .append(height)
                    .append("\" ");
        }
        b.append("viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\" font-family=\"system-ui, sans-serif\" font-size=\"15\" role=\"img\" aria-label=\"")
                .append(xml(title))
                .append("\">\n  <title>")
                .append(xml(title))
                .append("</title>\n");
        if (!inline) {
            b.append("  <rect width=\"")
                    .append(width)
                    .append("\" height=\"")
                    .append(height)
                    .append("\" fill=\"#ffffff\"/>\n");
        }
        for (int i = 0; i < body.size(); i++) {
            if (i > 0) {
                b.append(ink);
            }
            b.append(body.get(i));
        }
        return b.append("</svg>").toString();
    }

    /** The bars and the legend, cut where the ink's colour goes. */
    private List<String> body() {
        List<String> pieces = new ArrayList<>();
        StringBuilder b = new StringBuilder(4096);
        for (Bar bar : bars) {
            b.append("  <text x=\"0\" y=\"").append(bar.y() + 13).append("\" fill=\"");
            ink(b, pieces);
            b.append("\">").append(xml(bar.caption())).append("</text>\n");
            for (Segment s : bar.segments()) {
                b.append("  <rect class=\"part-")
                        .append(xml(s.part()))
                        .append("\" x=\"")
                        .append(s.x())
                        .append("\" y=\"")
                        .append(bar.y() + 20)
                        .append("\" width=\"")
                        .append(s.w())
                        .append("\" height=\"22\" fill=\"")
                        .append(s.color())
                        .append("\"><title>")
                        .append(xml(s.title()))
                        .append("</title></rect>\n");
            }
            b.append("  <rect x=\"0.5\" y=\"")
                    .append(bar.y() + 20)
                    .append(".5\" width=\"")
                    .append(width - 1)
                    .append("\" height=\"21\" fill=\"none\" stroke=\"");
            ink(b, pieces);
            b.append("\" stroke-opacity=\"0.6\"/>\n");
        }
        for (LegendItem item : legend) {
            b.append("  <rect x=\"")
                    .append(item.x())
                    .append("\" y=\"")
                    .append(item.y())
                    .append("\" width=\"12\" height=\"12\" fill=\"")
                    .append(item.color())
                    .append("\" stroke=\"");
            ink(b, pieces);
            b.append("\" stroke-opacity=\"0.4\"/>\n  <text x=\"")
                    .append(item.x() + 17)
                    .append("\" y=\"")
                    .append(item.y() + 11)
                    .append("\" fill=\"");
            ink(b, pieces);
            b.append("\">").append(xml(item.label())).append("</text>\n");
        }
        pieces.add(b.toString());
        return pieces;
    }

    /** Where the ink goes: the piece so far ends. */
    private static void ink(StringBuilder b, List<String> pieces) {
        pieces.add(b.toString());
        b.setLength(0);
    }

    static String xml(String s) {
        int first = 0;
        while (first < s.length() && !needsEscape(s.charAt(first))) {
            first++;
        }
        if (first == s.length()) {
            // most labels and captions: nothing to replace, no copy
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 8).append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean needsEscape(char c) {
        return c == '&' || c == '<' || c == '>' || c == '"' || c == '\'';
    }

    static String label(String part) {
        String known = LABELS.get(part);
        if (known != null) {
            return known;
        }
        // a part the engine added later: "contextCheckpoints" -> "context checkpoints" (the names are few: kept)
        return DERIVED_LABELS.computeIfAbsent(
                part, p -> p.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT));
    }

    private static final Map<String, String> DERIVED_LABELS = new java.util.concurrent.ConcurrentHashMap<>();

    static String color(String part, List<String> order) {
        if (part.equals("reserve")) {
            return RESERVE_COLOR;
        }
        if (part.equals("free")) {
            return FREE_COLOR;
        }
        String known = COLORS.get(part);
        if (known != null) {
            return known;
        }
        int spare = (int) order.stream()
                .filter(p -> !COLORS.containsKey(p))
                .takeWhile(p -> !p.equals(part))
                .count();
        return SPARE[spare % SPARE.length];
    }

    static String fmt(double v) {
        return Decimals.fixed(v, 1);
    }
}
