package eu.prositronic.core.emit.report;

import com.hubspot.jinjava.lib.tag.ElseIfTag;
import com.hubspot.jinjava.lib.tag.ElseTag;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.lib.tag.IfTag;
import com.hubspot.jinjava.tree.ExpressionNode;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.TextNode;
import com.hubspot.jinjava.tree.parse.ExpressionToken;
import com.hubspot.jinjava.tree.parse.TextToken;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A report template whose every node is in the small subset the default templates are made of, compiled from Jinjava's
 * own parsed tree into a few objects that render a page without Jinjava's interpreter. The subset:
 *
 * <ul>
 *   <li>text, as Jinjava's parser left it (whitespace control already applied);
 *   <li>{@code {{ path }}}, {@code {{ path|safe }}}, {@code {{ path|join(", ") }}} (a string literal without
 *       backslashes as the separator);
 *   <li>{@code {% if c %}...{% elif c %}...{% else %}...{% endif %}} where {@code c} is {@code path}, {@code not path},
 *       or {@code path} compared ({@code == != > < >= <=}) with an integer literal, or ({@code == !=}) with a string
 *       literal;
 *   <li>{@code {% for x in path %}...{% endfor %}}, nested, with {@code loop.first}, {@code loop.last}, {@code
 *       loop.index}, {@code loop.index0} and {@code loop.length};
 * </ul>
 *
 * where a path is a page variable or a loop variable and then record components ({@code page.d.quant}), read by
 * {@link PathExpressions.Reader} as the expression language's short way reads them. Anything else in a template (a
 * macro, {@code set}, {@code include}, another filter or tag, an {@code autoescape} block) leaves it to Jinjava whole:
 * {@link #of} gives null.
 *
 * <p>A page renders here only where Jinjava 2.8.4 (as {@link Templates} configures it) would give the same bytes with
 * no error: strings, ints, longs and booleans print as {@code Objects.toString} prints them, HTML pages escape {@code
 * & > < ' "} as Jinjava's autoescape does unless the value went through {@code safe}; truth is Jinjava's
 * ({@code ObjectTruthValue}: an empty string, "false" in any case, zero and an empty list are false); integers compare
 * as longs, strings by equality, as the expression language coerces them; the loop variables are a Jinjava
 * {@code ForLoop}'s. Wherever a page meets a value outside that (null or undefined, which Jinjava reports as an unknown
 * token; a map, a double, an object; a printed list; a value that holds <code>&#123;&#123;</code> or <code>&#123;%</code>, which
 * Jinjava renders once more), {@link #render} gives null and the page renders through Jinjava, errors included.
 */
final class CompiledTemplate {
    private final Part[] parts;
    private final int loops;
    /** The longest page so far, the next page's buffer. */
    private int size = 4096;

    private CompiledTemplate(Part[] parts, int loops) {
        this.parts = parts;
        this.loops = loops;
    }

    /**
     * @param root Jinjava's parsed tree of the template
     * @param autoEscape whether the template renders with autoescape on ({@code *.html.jinja})
     * @return the compiled template, or null where a node is outside the subset
     */
    static CompiledTemplate of(Node root, boolean autoEscape) {
        Compiler c = new Compiler(autoEscape);
        try {
            Part[] parts = c.parts(root.getChildren());
            return new CompiledTemplate(parts, c.deepest);
        } catch (Unsupported e) {
            return null;
        }
    }

    /**
     * The page as UTF-8, or null where Jinjava has to render it (see the class comment).
     *
     * @param dropTrailingNewline whether one trailing newline goes ({@code Jinjava#render}'s rule)
     */
    byte[] render(Map<String, Object> variables, boolean dropTrailingNewline) {
        Page page = new Page(variables, loops);
        Utf8Builder out = new Utf8Builder(size);
        try {
            for (Part p : parts) {
                p.render(page, out);
            }
        } catch (NeedsJinjava e) {
            return null;
        }
        size = Math.max(size, out.length());
        if (dropTrailingNewline) {
            out.dropTrailingNewline();
        }
        return out.toByteArray();
    }

    /** A page's variables and where each enclosing loop is. */
    private static final class Page {
        final Map<String, Object> variables;
        final Object[] items;
        final int[] index;
        final int[] length;

        Page(Map<String, Object> variables, int loops) {
            this.variables = variables;
            this.items = new Object[loops];
            this.index = new int[loops];
            this.length = new int[loops];
        }
    }

    /** Thrown where a page meets what only Jinjava renders as Jinjava does; no stack (it is no error). */
    private static final class NeedsJinjava extends RuntimeException {
        private static final NeedsJinjava INSTANCE = new NeedsJinjava();

        private NeedsJinjava() {
            super("rendered by Jinjava", null, false, false);
        }
    }

    /** A node outside the subset, found while compiling. */
    private static final class Unsupported extends Exception {
        private static final Unsupported INSTANCE = new Unsupported();

        private Unsupported() {
            super("outside the compiled subset", null, false, false);
        }
    }

    private interface Part {
        void render(Page page, Utf8Builder out);
    }

    private interface Value {
        /** The plain value ({@link PathExpressions.Reader}); never null. */
        Object get(Page page);
    }

    private interface Condition {
        boolean test(Page page);
    }

    /** Template text, encoded once (it holds no lone surrogate: it was decoded from UTF-8). */
    private record Text(byte[] utf8) implements Part {
        @Override
        public void render(Page page, Utf8Builder out) {
            out.append(utf8);
        }
    }

    private enum Filter {
        NONE,
        SAFE,
        JOIN
    }

    /**
     * A printed value. A long string printed again (the page's style, a values file shared by many deployments: the
     * same object on every page) is copied as the bytes it gave the first time: checking it for expressions, escaping
     * and encoding it again was a fifth of a page in C1-compiled code.
     */
    private static final class Print implements Part {
        private final Value value;
        private final Filter filter;
        private final String separator;
        private final boolean escape;
        /** Long strings seen once (null) or more (their bytes), by identity; a template is used by one thread. */
        private final java.util.IdentityHashMap<String, byte[]> seen = new java.util.IdentityHashMap<>();

        Print(Value value, Filter filter, String separator, boolean escape) {
            this.value = value;
            this.filter = filter;
            this.separator = separator;
            this.escape = escape;
        }

        @Override
        public void render(Page page, Utf8Builder out) {
            Object v = value.get(page);
            String s = filter == Filter.JOIN ? join(v, separator) : text(v);
            boolean escaped = escape && !(filter == Filter.SAFE && v instanceof String);
            if (s.length() >= REMEMBERED && encodesAlone(s)) {
                byte[] known = seen.get(s);
                if (known != null) {
                    out.append(known);
                    return;
                }
                if (seen.containsKey(s)) {
                    seen.put(s, bytes(s, escaped));
                } else {
                    if (seen.size() >= REMEMBERED_STRINGS) {
                        seen.clear();
                    }
                    seen.put(s, null);
                }
            }
            print(s, escaped, out);
        }

        private static void print(String s, boolean escaped, Utf8Builder out) {
            if (holdsExpression(s)) {
                // Jinjava's nested interpretation renders such a value as a template of its own
                throw NeedsJinjava.INSTANCE;
            }
            if (escaped) {
                out.appendEscaped(s);
            } else {
                out.append(s);
            }
        }

        private static byte[] bytes(String s, boolean escaped) {
            Utf8Builder alone = new Utf8Builder(s.length() + 64);
            print(s, escaped, alone);
            return alone.toByteArray();
        }

        /** Neither end of {@code s} is half of a surrogate pair, which would join the page's text beside it. */
        private static boolean encodesAlone(String s) {
            return !Character.isLowSurrogate(s.charAt(0)) && !Character.isHighSurrogate(s.charAt(s.length() - 1));
        }
    }

    /** From this many chars a printed string is remembered. */
    private static final int REMEMBERED = 256;

    /** Strings remembered per printed value, at most (then forgotten at once: a fleet has few values files). */
    private static final int REMEMBERED_STRINGS = 256;

    /** Whether {@code s} holds <code>&#123;&#123;</code> or <code>&#123;%</code>: Jinjava would render it again. */
    private static boolean holdsExpression(String s) {
        for (int i = s.indexOf('{'); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
            char next = s.charAt(i + 1);
            if (next == '{' || next == '%') {
                return true;
            }
        }
        return false;
    }

    private record If(Condition[] conditions, Part[][] bodies, Part[] otherwise) implements Part {
        @Override
        public void render(Page page, Utf8Builder out) {
            // each condition only where those before it were false, as IfTag evaluates them
            for (int i = 0; i < conditions.length; i++) {
                if (conditions[i].test(page)) {
                    renderAll(bodies[i], page, out);
                    return;
                }
            }
            renderAll(otherwise, page, out);
        }
    }

    private record For(int depth, Value items, Part[] body) implements Part {
        @Override
        public void render(Page page, Utf8Builder out) {
            if (!(items.get(page) instanceof List<?> list)) {
                throw NeedsJinjava.INSTANCE;
            }
            page.length[depth] = list.size();
            int i = 0;
            for (Object item : list) {
                if (item == null) {
                    throw NeedsJinjava.INSTANCE;
                }
                page.items[depth] = item;
                page.index[depth] = i++;
                renderAll(body, page, out);
            }
        }
    }

    private static void renderAll(Part[] parts, Page page, Utf8Builder out) {
        for (Part p : parts) {
            p.render(page, out);
        }
    }

    /** A page variable, then record components. */
    private record Variable(String name, PathExpressions.Reader path) implements Value {
        @Override
        public Object get(Page page) {
            return plain(path.read(page.variables.get(name)));
        }
    }

    /** The item of the enclosing loop at {@code depth}, then record components. */
    private record Item(int depth, PathExpressions.Reader path) implements Value {
        @Override
        public Object get(Page page) {
            return plain(path.read(page.items[depth]));
        }
    }

    private enum LoopField {
        FIRST,
        LAST,
        INDEX,
        INDEX0,
        LENGTH
    }

    /** {@code loop.<field>} of the enclosing loop at {@code depth}, as Jinjava's {@code ForLoop} has it. */
    private record Loop(int depth, LoopField field) implements Value {
        @Override
        public Object get(Page page) {
            int i = page.index[depth];
            int n = page.length[depth];
            return switch (field) {
                case FIRST -> i == 0;
                case LAST -> i == n - 1;
                case INDEX -> i + 1;
                case INDEX0 -> i;
                case LENGTH -> n;
            };
        }
    }

    private static Object plain(Object v) {
        if (v == null) {
            throw NeedsJinjava.INSTANCE;
        }
        return v;
    }

    private record Truth(Value value, boolean negated) implements Condition {
        @Override
        public boolean test(Page page) {
            return truth(value.get(page)) != negated;
        }
    }

    private enum Op {
        EQ,
        NE,
        GT,
        LT,
        GE,
        LE
    }

    private record CompareNumber(Value value, Op op, long literal) implements Condition {
        @Override
        public boolean test(Page page) {
            Object v = value.get(page);
            if (!(v instanceof Integer || v instanceof Long)) {
                throw NeedsJinjava.INSTANCE;
            }
            long x = ((Number) v).longValue();
            return switch (op) {
                case EQ -> x == literal;
                case NE -> x != literal;
                case GT -> x > literal;
                case LT -> x < literal;
                case GE -> x >= literal;
                case LE -> x <= literal;
            };
        }
    }

    private record CompareString(Value value, boolean equal, String literal) implements Condition {
        @Override
        public boolean test(Page page) {
            if (!(value.get(page) instanceof String s)) {
                throw NeedsJinjava.INSTANCE;
            }
            return s.equals(literal) == equal;
        }
    }

    /** Jinjava's truth ({@code ObjectTruthValue}) for the plain values. */
    private static boolean truth(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            return !s.isEmpty() && !s.equalsIgnoreCase("false");
        }
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue() != 0;
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        throw NeedsJinjava.INSTANCE;
    }

    /** A printed value as {@code Objects.toString} prints it; a list prints as Jinjava's list, so not here. */
    private static String text(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Boolean) {
            return v.toString();
        }
        throw NeedsJinjava.INSTANCE;
    }

    /** Jinjava's {@code join} filter with a separator, for lists of plain items. */
    private static String join(Object v, String separator) {
        if (!(v instanceof List<?> list)) {
            throw NeedsJinjava.INSTANCE;
        }
        StringBuilder b = new StringBuilder();
        boolean first = true;
        for (Object item : list) {
            if (!first) {
                b.append(separator);
            }
            first = false;
            if (item != null) {
                b.append(text(item));
            }
        }
        return b.toString();
    }

    /** Walks the parsed tree; the loop variables in scope, outermost first. */
    private static final class Compiler {
        private static final String IDENT = "[A-Za-z_][A-Za-z0-9_]*";
        private static final String PATH = IDENT + "(?:\\." + IDENT + ")*";
        private static final String STRING = "\"[^\"\\\\]*\"|'[^'\\\\]*'";
        private static final Pattern PRINT =
                Pattern.compile("(" + PATH + ")(?:\\s*\\|\\s*(?:(safe)|join\\s*\\(\\s*(" + STRING + ")\\s*\\)))?");
        private static final Pattern NOT = Pattern.compile("not\\s+(" + PATH + ")");
        private static final Pattern COMPARE =
                Pattern.compile("(" + PATH + ")\\s*(==|!=|>=|<=|>|<)\\s*([0-9]{1,18}|" + STRING + ")");
        private static final Pattern TRUTH = Pattern.compile(PATH);
        private static final Pattern FOR = Pattern.compile("(" + IDENT + ")\\s+in\\s+(" + PATH + ")");
        /** Words the expression language (or Jinjava's extension of it) reads as operators or literals. */
        private static final Set<String> KEYWORDS = Set.of(
                "and",
                "or",
                "not",
                "div",
                "mod",
                "eq",
                "ne",
                "lt",
                "gt",
                "le",
                "ge",
                "true",
                "false",
                "null",
                "empty",
                "instanceof",
                "in",
                "is",
                "loop",
                "True",
                "False",
                "None");

        private final boolean autoEscape;
        private final List<String> loopVariables = new ArrayList<>();
        int deepest;

        Compiler(boolean autoEscape) {
            this.autoEscape = autoEscape;
        }

        Part[] parts(List<Node> nodes) throws Unsupported {
            List<Part> parts = new ArrayList<>(nodes.size());
            for (Node n : nodes) {
                parts.add(part(n));
            }
            return parts.toArray(Part[]::new);
        }

        private Part part(Node n) throws Unsupported {
            if (n.getClass() == TextNode.class && n.getMaster() instanceof TextToken t) {
                String text = t.output();
                if (holdsLoneSurrogate(text)) {
                    // not decoded from a file: left to Jinjava rather than encoded apart from its neighbours
                    throw Unsupported.INSTANCE;
                }
                return new Text(text.getBytes(StandardCharsets.UTF_8));
            }
            if (n.getClass() == ExpressionNode.class && n.getMaster() instanceof ExpressionToken t) {
                return print(t.getExpr());
            }
            if (n.getClass() == TagNode.class) {
                TagNode tag = (TagNode) n;
                if (tag.getTag().getClass() == IfTag.class) {
                    return ifTag(tag);
                }
                if (tag.getTag().getClass() == ForTag.class) {
                    return forTag(tag);
                }
            }
            throw Unsupported.INSTANCE;
        }

        private Part print(String expression) throws Unsupported {
            Matcher m = match(PRINT, expression);
            Filter filter = m.group(2) != null ? Filter.SAFE : m.group(3) != null ? Filter.JOIN : Filter.NONE;
            String separator = m.group(3) == null ? null : unquote(m.group(3));
            return new Print(value(m.group(1)), filter, separator, autoEscape);
        }

        private Part ifTag(TagNode tag) throws Unsupported {
            List<Condition> conditions = new ArrayList<>();
            List<Part[]> bodies = new ArrayList<>();
            conditions.add(condition(tag.getHelpers()));
            List<Node> body = new ArrayList<>();
            Part[] otherwise = null;
            for (Node child : tag.getChildren()) {
                if (child instanceof TagNode t
                        && (t.getTag().getClass() == ElseIfTag.class
                                || t.getTag().getClass() == ElseTag.class)) {
                    if (otherwise != null || !t.getChildren().isEmpty()) {
                        throw Unsupported.INSTANCE;
                    }
                    bodies.add(parts(body));
                    body.clear();
                    if (t.getTag().getClass() == ElseIfTag.class) {
                        conditions.add(condition(t.getHelpers()));
                    } else {
                        otherwise = new Part[0];
                    }
                } else {
                    body.add(child);
                }
            }
            if (otherwise == null) {
                bodies.add(parts(body));
                otherwise = new Part[0];
            } else {
                otherwise = parts(body);
            }
            return new If(conditions.toArray(Condition[]::new), bodies.toArray(Part[][]::new), otherwise);
        }

        private Part forTag(TagNode tag) throws Unsupported {
            Matcher m = match(FOR, tag.getHelpers());
            String variable = m.group(1);
            if (KEYWORDS.contains(variable)) {
                throw Unsupported.INSTANCE;
            }
            Value items = value(m.group(2));
            int depth = loopVariables.size();
            loopVariables.add(variable);
            deepest = Math.max(deepest, loopVariables.size());
            try {
                return new For(depth, items, parts(tag.getChildren()));
            } finally {
                loopVariables.remove(depth);
            }
        }

        private Condition condition(String helpers) throws Unsupported {
            String c = helpers == null ? "" : helpers.strip();
            Matcher not = NOT.matcher(c);
            if (not.matches()) {
                return new Truth(value(not.group(1)), true);
            }
            Matcher cmp = COMPARE.matcher(c);
            if (cmp.matches()) {
                Value v = value(cmp.group(1));
                String op = cmp.group(2);
                String literal = cmp.group(3);
                if (literal.startsWith("\"") || literal.startsWith("'")) {
                    if (!op.equals("==") && !op.equals("!=")) {
                        throw Unsupported.INSTANCE;
                    }
                    return new CompareString(v, op.equals("=="), unquote(literal));
                }
                return new CompareNumber(
                        v,
                        switch (op) {
                            case "==" -> Op.EQ;
                            case "!=" -> Op.NE;
                            case ">" -> Op.GT;
                            case "<" -> Op.LT;
                            case ">=" -> Op.GE;
                            default -> Op.LE;
                        },
                        Long.parseLong(literal));
            }
            return new Truth(value(match(TRUTH, c).group()), false);
        }

        /** A path: the innermost loop's variable or {@code loop} first, else a page variable. */
        private Value value(String path) throws Unsupported {
            String[] steps = path.split("\\.");
            for (int i = 0; i < steps.length; i++) {
                if (KEYWORDS.contains(steps[i]) && !(i == 0 && steps[0].equals("loop"))) {
                    throw Unsupported.INSTANCE;
                }
            }
            for (int depth = loopVariables.size() - 1; depth >= 0; depth--) {
                if (loopVariables.get(depth).equals(steps[0])) {
                    return new Item(depth, new PathExpressions.Reader(steps));
                }
                if (steps[0].equals("loop")) {
                    if (steps.length != 2) {
                        throw Unsupported.INSTANCE;
                    }
                    return new Loop(
                            depth,
                            switch (steps[1]) {
                                case "first" -> LoopField.FIRST;
                                case "last" -> LoopField.LAST;
                                case "index" -> LoopField.INDEX;
                                case "index0" -> LoopField.INDEX0;
                                case "length" -> LoopField.LENGTH;
                                default -> throw Unsupported.INSTANCE;
                            });
                }
            }
            if (steps[0].equals("loop")) {
                throw Unsupported.INSTANCE;
            }
            return new Variable(steps[0], new PathExpressions.Reader(steps));
        }

        private static boolean holdsLoneSurrogate(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    return true;
                }
            }
            return false;
        }

        private static Matcher match(Pattern p, String s) throws Unsupported {
            Matcher m = p.matcher(s == null ? "" : s.strip());
            if (!m.matches()) {
                throw Unsupported.INSTANCE;
            }
            return m;
        }

        private static String unquote(String literal) {
            return literal.substring(1, literal.length() - 1);
        }
    }
}
