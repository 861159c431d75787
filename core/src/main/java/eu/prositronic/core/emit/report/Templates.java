package eu.prositronic.core.emit.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import eu.prositronic.core.problem.ProsiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The report's Jinjava templates (text artifacts only): loaded from the jar, rendered with a page model. */
final class Templates {
    private static final String FOLDER = "prositronic/templates/report/";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder()
            .withFailOnUnknownTokens(true)
            .withTrimBlocks(false)
            .withLstripBlocks(false)
            .build());

    String render(String name, Object pageModel) throws ProsiException {
        String template = load(name);
        try {
            return jinjava.render(template, asMap(pageModel));
        } catch (RuntimeException e) {
            throw new ProsiException("the report template " + name + " failed: " + e.getMessage(), e);
        }
    }

    private String load(String name) throws ProsiException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new ProsiException("the plugin jar lacks the report template " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProsiException("cannot read the report template " + name + ": " + e.getMessage(), e);
        }
    }

    /** Templates see plain maps: records have no bean getters for Jinjava to find. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object pageModel) {
        return MAPPER.convertValue(pageModel, Map.class);
    }
}
