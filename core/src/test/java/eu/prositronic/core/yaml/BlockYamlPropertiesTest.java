package eu.prositronic.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Generated documents through both paths of {@link Serializers#yaml}: maps, lists and scalars nested a few levels,
 * strings from a nasty alphabet (YAML indicators, quotes, blanks at the ends, tabs, line breaks, control characters,
 * non-ASCII in and beyond the BMP, number-, boolean- and null-likes) and long strings with spaces at every column near
 * the fold width 80. Where {@link BlockYaml} writes a document its bytes must be YAMLGenerator's; where it refuses,
 * {@link Serializers#yaml} must still give YAMLGenerator's bytes. Prints how many cases took which path.
 */
class BlockYamlPropertiesTest {
    private static final AtomicInteger FAST = new AtomicInteger();
    private static final AtomicInteger FALLBACK = new AtomicInteger();

    private static final List<String> FRAGMENTS = List.of(
            " ",
            "  ",
            ":",
            ": ",
            ":\t",
            "#",
            " #",
            "-",
            "- ",
            "?",
            "? ",
            "&",
            "*",
            "!",
            "|",
            ">",
            "'",
            "\"",
            "%",
            "@",
            "`",
            ",",
            "[",
            "]",
            "{",
            "}",
            "\\",
            "~",
            "---",
            "...",
            "\t",
            "\n",
            "\n\n",
            "\r",
            "\r\n",
            "\u0000",
            "\u0007",
            "\u0008",
            "\u000b",
            "\u000c",
            "\u001b",
            "\u001f",
            "\u007f",
            "\u009f",
            "\u00a0",
            "é",
            "ü",
            "ß",
            "\ufeff",
            "\ufffe",
            "\uffff",
            "中文",
            "Ω",
            "😀",
            "𝔘",
            "1",
            "0x1F",
            "1e3",
            ".5",
            "+1",
            "-1",
            "1_000",
            "0123",
            "0_1",
            "0",
            "1.",
            "-.5",
            "+",
            ".",
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "n",
            "null",
            "Null",
            "~",
            "true",
            "False",
            "a",
            "abc",
            "key",
            "llama-server",
            "x.y/z:1",
            "https://example.org/a?b=c#d",
            "Q4_K_M",
            "a b",
            "word");

    /** What {@link BlockYaml} refuses (line breaks NEL, LS, PS; lone surrogates): rarer, for the fallback. */
    private static final List<String> REFUSED = List.of("\u0085", "\u2028", "\u2029", "\ud800", "\udc00");

    private static final AtomicInteger CASES = new AtomicInteger();

    @Property(tries = 3000)
    void nestedDocumentsOfNastyStringsAreTheSameBytesOnBothPaths(@ForAll("documents") Object doc) {
        same(doc);
    }

    @Property(tries = 3000)
    void longStringsFoldLikeSnakeYamlAtEveryColumn(@ForAll("longStrings") Object doc) {
        same(doc);
    }

    private static void same(Object doc) {
        CASES.incrementAndGet();
        String old = Serializers.jacksonYaml(doc);
        String fast;
        try {
            fast = Serializers.blockYaml(doc);
            FAST.incrementAndGet();
        } catch (BlockYaml.Unsupported e) {
            FALLBACK.incrementAndGet();
            fast = Serializers.yaml(doc);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThat(fast).as(() -> "document " + escape(String.valueOf(doc))).isEqualTo(old);
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<Object> documents() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, map(3, nasty())), Tuple.of(2, list(3, nasty())), Tuple.of(1, scalar(nasty())));
    }

    /** A long string at a random depth of nested mappings and sequences, so it starts at many columns. */
    @Provide
    Arbitrary<Object> longStrings() {
        Arbitrary<String> text = Combinators.combine(
                        Arbitraries.frequencyOf(
                                        Tuple.of(
                                                10,
                                                Arbitraries.strings()
                                                        .withCharRange('a', 'z')
                                                        .ofMinLength(1)
                                                        .ofMaxLength(12)),
                                        Tuple.of(4, Arbitraries.just(" ")),
                                        Tuple.of(1, Arbitraries.just("  ")),
                                        Tuple.of(1, Arbitraries.of(FRAGMENTS)))
                                .list()
                                .ofMinSize(10)
                                .ofMaxSize(60),
                        Arbitraries.of("", "'", "&", "\"", " ", "\t", "é", "-", ": "),
                        Arbitraries.of("", "\n", " ", "\t", "\n\n", "x"))
                .as((words, head, tail) -> head + String.join("", words) + tail);
        Arbitrary<String> keys =
                Arbitraries.of("k", "key", "a-much-longer-key-name", "llama", "x", "k".repeat(70), "long-".repeat(25));
        return Combinators.combine(
                        text,
                        keys,
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.integers().between(0, 3))
                .as((t, k, depth, shape) -> {
                    Object v = t;
                    for (int d = 0; d < depth; d++) {
                        if ((shape >> (d % 2) & 1) == 1) {
                            List<Object> l = new ArrayList<>();
                            l.add(v);
                            v = l;
                        } else {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put(k, v);
                            v = m;
                        }
                    }
                    Map<String, Object> root = new LinkedHashMap<>();
                    root.put(k, v);
                    root.put("after", t);
                    return root;
                });
    }

    private static Arbitrary<String> nasty() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(FRAGMENTS).list().ofMaxSize(6).map(l -> String.join("", l))),
                Tuple.of(
                        1,
                        Combinators.combine(
                                        Arbitraries.of(FRAGMENTS), Arbitraries.of(REFUSED), Arbitraries.of(FRAGMENTS))
                                .as((a, b, c) -> a + b + c)),
                Tuple.of(2, Arbitraries.of(FRAGMENTS)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(8)),
                Tuple.of(1, Arbitraries.strings().ascii().ofMaxLength(140)));
    }

    private static Arbitrary<Object> scalar(Arbitrary<String> strings) {
        return Arbitraries.frequencyOf(
                Tuple.of(12, strings.map(s -> (Object) s)),
                Tuple.of(1, Arbitraries.integers().map(i -> (Object) i)),
                Tuple.of(1, Arbitraries.longs().map(l -> (Object) l)),
                Tuple.of(
                        1,
                        Arbitraries.of(0.0, -0.0, 1.5, 1e20, 1e-7, Double.NaN, Double.POSITIVE_INFINITY, 51.2, 1.0 / 3)
                                .map(d -> (Object) d)),
                Tuple.of(1, Arbitraries.floats().map(f -> (Object) f)),
                Tuple.of(1, Arbitraries.of(true, false).map(b -> (Object) b)),
                Tuple.of(1, Arbitraries.just("").map(s -> (Object) null)));
    }

    private static Arbitrary<Object> value(int depth, Arbitrary<String> strings) {
        if (depth == 0) {
            return scalar(strings);
        }
        return Arbitraries.frequencyOf(
                Tuple.of(5, scalar(strings)),
                Tuple.of(2, map(depth - 1, strings)),
                Tuple.of(1, list(depth - 1, strings)));
    }

    private static Arbitrary<Object> map(int depth, Arbitrary<String> strings) {
        return Arbitraries.lazy(() -> Combinators.combine(
                        strings.list().ofMaxSize(5),
                        value(depth, strings).list().ofMinSize(5).ofMaxSize(5))
                .as((ks, vs) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    for (int i = 0; i < ks.size(); i++) {
                        m.put(ks.get(i), vs.get(i));
                    }
                    return (Object) m;
                }));
    }

    private static Arbitrary<Object> list(int depth, Arbitrary<String> strings) {
        return Arbitraries.lazy(() -> value(depth, strings).list().ofMaxSize(4).map(l -> (Object) l));
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u{%x}", c));
            } else {
                b.append((char) c);
            }
        });
        return b.toString();
    }

    @AfterContainer
    static void report() {
        System.out.printf(
                "BlockYaml properties: %d cases, %d on the fast path, %d fell back (each compared with YAMLGenerator's bytes)%n",
                CASES.get(), FAST.get(), FALLBACK.get());
    }
}
