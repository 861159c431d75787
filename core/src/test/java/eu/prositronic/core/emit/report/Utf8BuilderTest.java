package eu.prositronic.core.emit.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link Utf8Builder} against the JDK's encoder: whatever is appended, in whatever pieces, its bytes are those of
 * {@code String.getBytes(UTF_8)} of the whole, lone and split surrogates included.
 */
class Utf8BuilderTest {
    @Property(tries = 1500)
    void piecesEncodeAsTheWholeString(@ForAll("pieces") List<String> pieces) {
        Utf8Builder b = new Utf8Builder(1);
        StringBuilder whole = new StringBuilder();
        for (int i = 0; i < pieces.size(); i++) {
            String p = pieces.get(i);
            if (i % 4 == 3) {
                // escaped as Jinjava's autoescape does
                whole.append(p.replace("&", "&amp;")
                        .replace(">", "&gt;")
                        .replace("<", "&lt;")
                        .replace("'", "&#39;")
                        .replace("\"", "&quot;"));
                b.appendEscaped(p);
                continue;
            }
            whole.append(p);
            if (i % 3 == 2 && p.length() > 1) {
                // a piece appended in two parts, split anywhere (inside a surrogate pair too)
                int cut = p.length() / 2;
                b.append(p, 0, cut).append(p, cut, p.length());
            } else {
                b.append(p);
            }
        }
        assertThat(b.toByteArray()).isEqualTo(whole.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<List<String>> pieces() {
        Arbitrary<Character> chars = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.chars().range(' ', '~')),
                net.jqwik.api.Tuple.of(2, Arbitraries.of('&', '<', '>', '"', '\'')),
                net.jqwik.api.Tuple.of(2, Arbitraries.chars().range('\u0080', '\u07ff')),
                net.jqwik.api.Tuple.of(2, Arbitraries.chars().range('\u0800', '\ud7ff')),
                net.jqwik.api.Tuple.of(3, Arbitraries.chars().range('\ud800', '\udfff')),
                net.jqwik.api.Tuple.of(1, Arbitraries.chars().range('\ue000', '\uffff')));
        // short pieces (below and above Utf8Builder.WHOLE, the length the JDK's encoder takes over), and long ones
        return Arbitraries.oneOf(
                        chars.list().ofMaxSize(40), chars.list().ofMinSize(250).ofMaxSize(300))
                .map(l -> {
                    StringBuilder s = new StringBuilder();
                    l.forEach(s::append);
                    return s.toString();
                })
                .list()
                .ofMaxSize(8);
    }

    @Test
    void aPairSplitAcrossAppendsIsOneCodePointAndALoneHalfIsAQuestionMark() {
        String pair = "\ud83d\ude00"; // U+1F600
        Utf8Builder split = new Utf8Builder(4).append("a\ud83d").append("\ude00b");
        assertThat(split.toByteArray()).isEqualTo(("a" + pair + "b").getBytes(StandardCharsets.UTF_8));
        assertThat(new Utf8Builder(4)
                        .append("\ud83d")
                        .append("x".getBytes(StandardCharsets.UTF_8))
                        .toByteArray())
                .isEqualTo("?x".getBytes(StandardCharsets.US_ASCII));
        assertThat(new Utf8Builder(4).append("\ude00\ud83d").toByteArray())
                .isEqualTo("??".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void onlyANewlineThatEndsThePageIsDropped() {
        Utf8Builder b = new Utf8Builder(4).append("a\n\n");
        b.dropTrailingNewline();
        assertThat(b.toByteArray()).isEqualTo("a\n".getBytes(StandardCharsets.US_ASCII));
        Utf8Builder high = new Utf8Builder(4).append("a\n\ud83d");
        high.dropTrailingNewline();
        assertThat(high.toByteArray()).isEqualTo("a\n?".getBytes(StandardCharsets.US_ASCII));
    }
}
