package eu.prositronic.core.emit.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.tree.Node;
import eu.prositronic.core.problem.ProsiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jinjava.javax.el.ExpressionFactory;

/**
 * The report's and the site's Jinjava templates (text artifacts only): loaded from the jar, or from an override folder
 * of the infra repo where it holds a file of the same name ({@code src/main/prositronic/templates/report/}, beside the
 * inventory), parsed once, rendered with a page model. Templates may {@code include} each other by name (the page
 * style is one such part). HTML templates ({@code *.html.jinja}) escape what they print: they render with autoescape on. {@link Jinjava#render} parses the template and copies the global context (every filter, function and tag
 * library) on each call, which was most of a large fleet's build; here each page gets a fresh child of one copy of the
 * global context and the parsed tree, as {@code render} would, and the same trailing-newline rule.
 */
final class Templates {
    private static final String FOLDER = "prositronic/templates/report/";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final JinjavaConfig config = JinjavaConfig.newBuilder()
            .withFailOnUnknownTokens(true)
            .withTrimBlocks(false)
            .withLstripBlocks(false)
            .withElResolver(RecordResolver.WITH_JINJAVA_DEFAULTS)
            .build();
    private final Jinjava jinjava = new Jinjava(config) {
        private final ExpressionFactory paths = new PathExpressions(super.getExpressionFactory());

        @Override
        public ExpressionFactory getExpressionFactory() {
            return paths;
        }
    };
    /** The parent of every page's context, copied once; reset after each page (Jinjava records resolved values there). */
    private final Context base = jinjava.getGlobalContextCopy();

    private final Map<String, Node> parsed = new HashMap<>();
    private final Optional<Path> overrides;

    /** The templates in the jar only. */
    Templates() {
        this(Optional.empty());
    }

    /** @param overrides a folder whose files replace the jar's templates of the same name */
    Templates(Optional<Path> overrides) {
        this.overrides = overrides.filter(Files::isDirectory);
        jinjava.setResourceLocator((fullName, encoding, interpreter) -> {
            try {
                return load(fullName);
            } catch (ProsiException e) {
                throw new IOException(e.getMessage(), e);
            }
        });
    }

    /** The override folder of an infra repo: {@code templates/report/} beside its inventory. */
    static Optional<Path> overridesBeside(Path inventoryFile) {
        Path parent = inventoryFile.toAbsolutePath().getParent();
        return parent == null
                ? Optional.empty()
                : Optional.of(parent.resolve("templates").resolve("report"));
    }

    String render(String name, Object pageModel) throws ProsiException {
        return render(name, pageModel, Map.of());
    }

    /** With {@code extra} variables beside the page model's (a flag, a part rendered before). */
    String render(String name, Object pageModel, Map<String, Object> extra) throws ProsiException {
        try {
            Node tree = tree(name);
            Map<String, Object> variables =
                    pageModel instanceof Record r ? RecordResolver.variables(r) : asMap(pageModel);
            variables.put("style", style());
            variables.putAll(extra);
            Context context = new PageContext(base, variables, config.getDisabled());
            if (name.endsWith(".html.jinja")) {
                // HTML pages escape what they print; set here rather than by an {% autoescape %} block around the
                // page, which renders the whole page once more as one string (an override may still have one)
                context.setAutoEscape(true);
            }
            JinjavaInterpreter interpreter = config.getInterpreterFactory().newInstance(jinjava, context, config);
            JinjavaInterpreter.pushCurrent(interpreter);
            String output;
            try {
                output = interpreter.render(tree, true);
            } finally {
                JinjavaInterpreter.popCurrent();
                base.reset();
            }
            fail(name, interpreter.getErrors());
            return !config.isKeepTrailingNewline() && output.endsWith("\n")
                    ? output.substring(0, output.length() - 1)
                    : output;
        } catch (RuntimeException e) {
            throw new ProsiException("the report template " + name + " failed: " + e.getMessage(), e);
        }
    }

    private String style;

    /**
     * A page's context. Jinjava records every expression and value it resolves in the context and all its parents, for
     * its eager mode and for callers that ask what a render read; nothing here asks, so the page's context keeps none.
     */
    private static final class PageContext extends Context {
        PageContext(Context parent, Map<String, ?> variables, Map<Context.Library, java.util.Set<String>> disabled) {
            super(parent, variables, disabled);
        }

        @Override
        public void addResolvedExpression(String expression) {}

        @Override
        public void addResolvedValue(String value) {}

        @Override
        public void addResolvedFunction(String function) {}
    }

    /** The pages' style sheet ({@code style.css}, overridable like a template), read once and placed inline. */
    private String style() throws ProsiException {
        if (style == null) {
            style = load("style.css");
        }
        return style;
    }

    private Node tree(String name) throws ProsiException {
        Node tree = parsed.get(name);
        if (tree == null) {
            JinjavaInterpreter interpreter = jinjava.newInterpreter();
            JinjavaInterpreter.pushCurrent(interpreter);
            try {
                tree = interpreter.parse(load(name));
            } finally {
                JinjavaInterpreter.popCurrent();
            }
            fail(name, interpreter.getErrors());
            parsed.put(name, tree);
        }
        return tree;
    }

    private static void fail(String name, List<TemplateError> errors) throws ProsiException {
        for (TemplateError e : errors) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new ProsiException("the report template " + name + " failed: " + e.getMessage());
            }
        }
    }

    private String load(String name) throws ProsiException {
        if (overrides.isPresent() && name.matches("[A-Za-z0-9_.-]+")) {
            Path own = overrides.get().resolve(name);
            if (Files.isRegularFile(own)) {
                try {
                    return Files.readString(own, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new ProsiException("cannot read the report template " + own + ": " + e.getMessage(), e);
                }
            }
        }
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
