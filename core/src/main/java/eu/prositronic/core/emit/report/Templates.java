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
 *
 * <p>A template made only of the subset the default templates use (text, plain paths, {@code safe}, {@code join}, {@code
 * if}/{@code elif}/{@code else} on paths and comparisons, {@code for} with {@code loop.*}) is also compiled
 * ({@link CompiledTemplate}) and its pages render without Jinjava's interpreter, to the same bytes; a page that meets
 * what only Jinjava renders exactly (an undefined or null value, a map, a printed list, ...) and any other template (an
 * override with a macro, a filter, {@code set}, {@code include}) render through Jinjava as before.
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

    private final Map<String, Parsed> parsed = new HashMap<>();
    private final Optional<Path> overrides;
    /** {@link #mode} when this was made. */
    private final Mode renders = mode;

    /** A template parsed by Jinjava, and compiled where it is in the subset (else null). */
    private record Parsed(Node tree, CompiledTemplate compiled) {}

    /** How the pages of a {@code Templates} made from now on render: tests compare both ways. */
    enum Mode {
        /** Compiled where the template and the page allow it, else Jinjava (the default). */
        COMPILED,
        /** Jinjava only, as before the compiled renderer. */
        JINJAVA
    }

    /** For tests only: set around a whole emit, read when a {@code Templates} is made. */
    static volatile Mode mode = Mode.COMPILED;

    /** Pages rendered compiled and through Jinjava, since the JVM started (for tests and benchmarks). */
    static final java.util.concurrent.atomic.LongAdder COMPILED_PAGES = new java.util.concurrent.atomic.LongAdder();

    static final java.util.concurrent.atomic.LongAdder JINJAVA_PAGES = new java.util.concurrent.atomic.LongAdder();

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

    /**
     * Templates for pages rendered in parallel: a worker takes one for a page and gives it back, so that none is used
     * by two threads at once and the templates are parsed and compiled once per worker that ever ran. Not a {@code
     * ThreadLocal}: the common pool's workers drop their thread locals after each task (JDK 17), which parsed and
     * compiled every template again for every batch of a fleet's pages.
     */
    static final class Pool {
        private final Optional<Path> overrides;
        private final java.util.concurrent.ConcurrentLinkedQueue<Templates> idle =
                new java.util.concurrent.ConcurrentLinkedQueue<>();

        Pool(Optional<Path> overrides) {
            this.overrides = overrides;
        }

        interface Use<R> {
            R apply(Templates templates) throws ProsiException;
        }

        <R> R with(Use<R> use) throws ProsiException {
            Templates t = idle.poll();
            if (t == null) {
                t = new Templates(overrides);
            }
            try {
                return use.apply(t);
            } finally {
                idle.offer(t);
            }
        }
    }

    /** The override folder of an infra repo: {@code templates/report/} beside its inventory. */
    static Optional<Path> overridesBeside(Path inventoryFile) {
        Path parent = inventoryFile.toAbsolutePath().getParent();
        return parent == null
                ? Optional.empty()
                : Optional.of(parent.resolve("templates").resolve("report"));
    }

    /** The page, as UTF-8. */
    byte[] render(String name, Object pageModel) throws ProsiException {
        return render(name, pageModel, Map.of());
    }

    /** With {@code extra} variables beside the page model's (a flag, a part rendered before). */
    byte[] render(String name, Object pageModel, Map<String, Object> extra) throws ProsiException {
        try {
            Parsed template = parsed(name);
            Map<String, Object> variables =
                    pageModel instanceof Record r ? RecordResolver.variables(r) : asMap(pageModel);
            variables.put("style", style());
            variables.putAll(extra);
            if (template.compiled() != null) {
                byte[] output = template.compiled().render(variables, !config.isKeepTrailingNewline());
                if (output != null) {
                    COMPILED_PAGES.increment();
                    return output;
                }
            }
            JINJAVA_PAGES.increment();
            Node tree = template.tree();
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
            return withoutTrailingNewline(output).getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            throw new ProsiException("the report template " + name + " failed: " + e.getMessage(), e);
        }
    }

    /** {@link Jinjava#render}'s rule: one trailing newline goes, unless the config keeps it. */
    private String withoutTrailingNewline(String output) {
        return !config.isKeepTrailingNewline() && output.endsWith("\n")
                ? output.substring(0, output.length() - 1)
                : output;
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

    private Parsed parsed(String name) throws ProsiException {
        Parsed p = parsed.get(name);
        if (p == null) {
            Node tree;
            JinjavaInterpreter interpreter = jinjava.newInterpreter();
            JinjavaInterpreter.pushCurrent(interpreter);
            try {
                tree = interpreter.parse(load(name));
            } finally {
                JinjavaInterpreter.popCurrent();
            }
            fail(name, interpreter.getErrors());
            p = new Parsed(
                    tree, renders == Mode.COMPILED ? CompiledTemplate.of(tree, name.endsWith(".html.jinja")) : null);
            parsed.put(name, p);
        }
        return p;
    }

    /** Whether the template {@code name} renders compiled (for tests). */
    boolean compiled(String name) throws ProsiException {
        return parsed(name).compiled() != null;
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
