package eu.prositronic.core.props;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Mutations of a YAML tree (maps, lists, scalars as Java objects) and of its text, each chosen by a few integers so
 * that jqwik can shrink a failing case to a small one.
 */
public final class Mutations {
    private Mutations() {}

    /** One mutation: what to do, where (an index into the tree's slots or the text), with which value. */
    public record Mutation(int kind, int where, int value) {
        @Override
        public String toString() {
            return KINDS[Math.floorMod(kind, KINDS.length)] + "@" + where + "=" + value;
        }
    }

    static final String[] KINDS = {
        "drop",
        "rename",
        "set",
        "toList",
        "toMap",
        "nest",
        "duplicateItem",
        "emptyList",
        "insertChar",
        "duplicateLine",
        "deleteLine",
        "truncate",
        "alias",
        "badByte",
        "setOtherValue"
    };

    /** Values that broke readers somewhere: numbers out of range, odd Unicode, names that look right, paths. */
    static final List<Object> VALUES = List.of(
            "",
            " ",
            "-1",
            "0",
            "1",
            "9223372036854775807",
            "9223372036854775808",
            "99999999999999999999999",
            "-9223372036854775808",
            "1e308",
            ".nan",
            ".inf",
            "-.inf",
            "NaN",
            "Infinity",
            "\u0661\u0666",
            "\uFF11\uFF16",
            "0x10",
            "1_000",
            "64GiB",
            "1EiB",
            "9999999TiB",
            "-64GiB",
            "0.5GiB",
            "true",
            "null",
            "gpu-01",
            "g\u0440u-01",
            "\u0261pu-01",
            "a\u200Bb",
            "a\nb",
            "a\u0007b",
            "\u202Egnp",
            "\uD83D\uDCA5",
            "e\u0301",
            "x".repeat(300),
            "../../etc",
            "a/b",
            "$(reboot)",
            "-oProxyCommand=x",
            "Q4_K_M",
            "q4_k_m",
            "max",
            "8.x",
            "99999999999.1",
            "580.82.07",
            "chat",
            "cpu-01",
            "node",
            "deployment",
            "\t",
            "\u0000",
            "\uFEFFx",
            "\u00A0",
            "A".repeat(70),
            8080,
            80,
            65536,
            -5,
            0,
            Long.MAX_VALUE,
            3.5,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            true,
            false);

    static final List<String> KEY_NAMES = List.of(
            "",
            "name ",
            "Name",
            "nme",
            "n\u0430me",
            "gpus",
            "model",
            "count",
            "port",
            "context",
            "quant",
            "node",
            "aliases",
            "sizeBytes",
            "computeCapability",
            "blockExpertBytes",
            "x".repeat(80),
            "1",
            "id");

    /** A slot: a place in the tree that holds a value. */
    private record Slot(Object container, Object key) {}

    private static void slots(Object node, List<Slot> out, int depth) {
        if (depth > 30) {
            return;
        }
        if (node instanceof Map<?, ?> m) {
            for (Object k : new ArrayList<>(m.keySet())) {
                out.add(new Slot(m, k));
                slots(m.get(k), out, depth + 1);
            }
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                out.add(new Slot(l, i));
                slots(l.get(i), out, depth + 1);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Object copy(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<Object, Object> c = new LinkedHashMap<>();
            m.forEach((k, v) -> c.put(k, copy(v)));
            return c;
        }
        if (o instanceof List<?> l) {
            List<Object> c = new ArrayList<>();
            l.forEach(v -> c.add(copy(v)));
            return c;
        }
        return o;
    }

    /** Applies the tree mutations, dumps the tree, applies the text and byte mutations. */
    @SuppressWarnings("unchecked")
    public static byte[] apply(Object tree, List<Mutation> mutations) {
        Object root = copy(tree);
        List<Mutation> textual = new ArrayList<>();
        for (Mutation m : mutations) {
            String kind = KINDS[Math.floorMod(m.kind(), KINDS.length)];
            List<Slot> slots = new ArrayList<>();
            slots(root, slots, 0);
            if (slots.isEmpty()) {
                textual.add(m);
                continue;
            }
            Slot s = slots.get(Math.floorMod(m.where(), slots.size()));
            Object value = VALUES.get(Math.floorMod(m.value(), VALUES.size()));
            switch (kind) {
                case "drop" -> remove(s);
                case "rename" -> {
                    if (s.container() instanceof Map<?, ?> map) {
                        Object v = map.get(s.key());
                        ((Map<Object, Object>) map).remove(s.key());
                        ((Map<Object, Object>) map).put(KEY_NAMES.get(Math.floorMod(m.value(), KEY_NAMES.size())), v);
                    }
                }
                case "set" -> put(s, value);
                case "setOtherValue" -> {
                    // a value taken from elsewhere in the tree: a name where a number is, a list where a name is
                    Slot other = slots.get(Math.floorMod(m.value(), slots.size()));
                    put(s, copy(get(other)));
                }
                case "toList" -> put(s, new ArrayList<>(List.of(get(s) == null ? "" : get(s))));
                case "toMap" -> {
                    Map<Object, Object> wrapped = new LinkedHashMap<>();
                    wrapped.put("value", get(s));
                    put(s, wrapped);
                }
                case "nest" -> {
                    Object v = value;
                    for (int i = 0; i < Math.floorMod(m.value(), 120) + 1; i++) {
                        v = new ArrayList<>(List.of(v));
                    }
                    put(s, v);
                }
                case "duplicateItem" -> {
                    if (s.container() instanceof List<?> l) {
                        ((List<Object>) l).add(copy(l.get((Integer) s.key())));
                    } else if (get(s) instanceof List<?> l && !l.isEmpty()) {
                        ((List<Object>) l).add(copy(l.get(0)));
                    }
                }
                case "emptyList" -> put(s, new ArrayList<>());
                default -> textual.add(m);
            }
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setAllowUnicode(true);
        options.setWidth(10_000);
        String text = new Yaml(options).dump(root);
        byte[] extra = null;
        for (Mutation m : textual) {
            String kind = KINDS[Math.floorMod(m.kind(), KINDS.length)];
            List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
            int line = Math.floorMod(m.where(), Math.max(1, lines.size()));
            int pos = Math.floorMod(m.where(), Math.max(1, text.length()));
            switch (kind) {
                case "insertChar" -> {
                    String[] chars = {
                        "\u0007", "\u0000", "\t", "\u200B", "\u202E", "\uFEFF", "\r", "\u2028", "&", "*", "!", "%", "@",
                        "`", "{", "[", "'", "\"", "#", ":", "-", "\\", "\uD800", "\uFFFE"
                    };
                    text = text.substring(0, pos) + chars[Math.floorMod(m.value(), chars.length)] + text.substring(pos);
                }
                case "duplicateLine" -> {
                    lines.add(line, lines.get(line));
                    text = String.join("\n", lines);
                }
                case "deleteLine" -> {
                    lines.remove(line);
                    text = String.join("\n", lines);
                }
                case "truncate" -> text = text.substring(0, pos);
                case "alias" -> {
                    // anchors and aliases, up to a billion-laughs expansion
                    int depth = Math.floorMod(m.value(), 12);
                    StringBuilder sb =
                            new StringBuilder("laughs0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
                    for (int i = 1; i <= depth; i++) {
                        sb.append("laughs").append(i).append(": &l").append(i).append(" [");
                        for (int j = 0; j < 9; j++) {
                            sb.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
                        }
                        sb.append("]\n");
                    }
                    text = sb + text;
                }
                case "badByte" -> extra = new byte[] {(byte) (0x80 + Math.floorMod(m.value(), 0x80))};
                default -> {} // a tree mutation with no tree left to mutate
            }
        }
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (extra != null && bytes.length > 0) {
            int at = Math.floorMod(mutations.size() * 7919, bytes.length);
            byte[] out = new byte[bytes.length + 1];
            System.arraycopy(bytes, 0, out, 0, at);
            out[at] = extra[0];
            System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
            bytes = out;
        }
        return bytes;
    }

    private static Object get(Slot s) {
        return s.container() instanceof Map<?, ?> m ? m.get(s.key()) : ((List<?>) s.container()).get((Integer) s.key());
    }

    @SuppressWarnings("unchecked")
    private static void put(Slot s, Object v) {
        if (s.container() instanceof Map<?, ?> m) {
            ((Map<Object, Object>) m).put(s.key(), v);
        } else {
            ((List<Object>) s.container()).set((Integer) s.key(), v);
        }
    }

    private static void remove(Slot s) {
        if (s.container() instanceof Map<?, ?> m) {
            m.remove(s.key());
        } else {
            ((List<?>) s.container()).remove((int) (Integer) s.key());
        }
    }
}
