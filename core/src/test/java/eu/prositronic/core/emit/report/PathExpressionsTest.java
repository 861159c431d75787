package eu.prositronic.core.emit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.ExpressionFactory;
import org.junit.jupiter.api.Test;

/** The short way for plain paths gives what Jinjava's own expressions give, errors included. */
class PathExpressionsTest {
    record Part(String label, long bytes, boolean fits, double share) {}

    record Page(String title, Part part, List<Part> parts, List<String> tags, Map<String, String> labels) {}

    private static final Page PAGE = new Page(
            "Qwen <3.5> & co",
            new Part("weights", 1_234_567_890_123L, true, 0.25),
            List.of(new Part("kv", 1, false, 0.5), new Part("compute", 22, true, 1.0)),
            List.of("chat", "tools"),
            Map.of("zone", "a"));

    private static final String TEMPLATE = """
            {{ title }}|{{ page.title }}|{{ page.part.label }}|{{ page.part.bytes }}|{{ page.part.fits }}
            {{ page.part.share }}|{{ page.tags }}|{{ page.labels.zone }}|{{ page.part.label|upper }}
            {% for p in page.parts %}{{ loop.index }}:{{ p.label }}={{ p.bytes }}{% if p.fits %}+{% else %}-{% endif %}{% endfor %}
            {% if page.tags %}tags {{ page.tags|length }}{% endif %}{% for t in page.tags %}[{{ t }}]{% endfor %}
            {{ page.part.nothing }}|{{ missing.value }}""";

    @Test
    void plainPathsRenderAsJinjavasOwnExpressions() {
        for (boolean escape : new boolean[] {false, true}) {
            RenderResult own = render(jinjava(false), escape);
            RenderResult fast = render(jinjava(true), escape);
            assertEquals(own.getOutput(), fast.getOutput(), "autoescape " + escape);
            assertEquals(own.getErrors().size(), fast.getErrors().size(), "autoescape " + escape);
            assertTrue(fast.getOutput().contains("1:kv=1-2:compute=22+"), fast.getOutput());
            assertTrue(escape == fast.getOutput().contains("Qwen &lt;3.5&gt; &amp; co"), fast.getOutput());
        }
    }

    private static RenderResult render(Jinjava jinjava, boolean escape) {
        String template = escape ? "{% autoescape %}" + TEMPLATE + "{% endautoescape %}" : TEMPLATE;
        return jinjava.renderForResult(template, Map.of("title", PAGE.title(), "page", PAGE));
    }

    private static Jinjava jinjava(boolean paths) {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withElResolver(RecordResolver.WITH_JINJAVA_DEFAULTS)
                .build();
        return paths
                ? new Jinjava(config) {
                    private final ExpressionFactory fast = new PathExpressions(super.getExpressionFactory());

                    @Override
                    public ExpressionFactory getExpressionFactory() {
                        return fast;
                    }
                }
                : new Jinjava(config);
    }
}
