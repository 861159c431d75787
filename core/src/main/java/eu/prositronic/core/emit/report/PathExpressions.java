package eu.prositronic.core.emit.report;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.objects.PyWrapper;
import com.hubspot.jinjava.objects.collections.SizeLimitingPyList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ExpressionFactory;
import jinjava.javax.el.MethodExpression;
import jinjava.javax.el.ValueExpression;

/**
 * Jinjava's expression factory with a short way for the expressions the page templates are made of: a plain path
 * ({@code title}, {@code page.d.quant}, {@code o.fits}) through the page's variables and record components. Jinjava
 * resolves each step of such a path through its interpreter resolver (recording it, checking for deferred values,
 * wrapping it) and its expression tree, which was most of rendering a large fleet's pages. A path is read here
 * directly when every step is a variable or a record component and the value is a string, number, boolean or list
 * (a list wrapped as Jinjava wraps it); anything else (filters, calls, literals, a map, a loop variable, an undefined
 * name) goes to Jinjava's own expression, so its result and its errors are Jinjava's. The bytes of every page are the
 * same either way ({@code ReportBench} prints their digest; the golden trees hold them).
 */
final class PathExpressions extends ExpressionFactory {
    private static final Pattern PATH =
            Pattern.compile("#\\{\\s*([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*)\\s*}");

    /** Marks an expression that is not a plain path. */
    private static final Reader NOT_A_PATH = new Reader(new String[] {""});

    private final ExpressionFactory jinjava;
    private final ConcurrentHashMap<String, Reader> paths = new ConcurrentHashMap<>();

    PathExpressions(ExpressionFactory jinjava) {
        this.jinjava = jinjava;
    }

    @Override
    public ValueExpression createValueExpression(ELContext context, String expression, Class<?> expectedType) {
        Reader path = expectedType == Object.class ? paths.computeIfAbsent(expression, PathExpressions::path) : null;
        if (path == null || path == NOT_A_PATH) {
            return jinjava.createValueExpression(context, expression, expectedType);
        }
        return new Path(expression, path, jinjava);
    }

    private static Reader path(String expression) {
        var m = PATH.matcher(expression);
        return m.matches() ? new Reader(m.group(1).split("\\.")) : NOT_A_PATH;
    }

    @Override
    public ValueExpression createValueExpression(Object instance, Class<?> expectedType) {
        return jinjava.createValueExpression(instance, expectedType);
    }

    @Override
    public MethodExpression createMethodExpression(
            ELContext context, String expression, Class<?> expectedReturnType, Class<?>[] expectedParamTypes) {
        return jinjava.createMethodExpression(context, expression, expectedReturnType, expectedParamTypes);
    }

    @Override
    public Object coerceToType(Object value, Class<?> targetType) {
        return jinjava.coerceToType(value, targetType);
    }

    /** A plain path's value where it is plain, else null (see {@link Reader}). */
    private static Object plainValue(Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            return value;
        }
        return value instanceof List<?> && !(value instanceof PyWrapper) ? value : null;
    }

    /**
     * The one reading of a plain path outside Jinjava (here and in {@link CompiledTemplate}): from the value of its
     * first step (looked up by the caller), each further step as a record component. {@link #read} gives the value
     * where it is a string, boolean, int or long, or a list as it is (not yet wrapped as Jinjava wraps it); null where
     * only Jinjava can tell what the path gives (null on the way, a map, a bean, an optional, a double, a step that is
     * no record component). Each step's accessor is remembered for the record type it last met there (a path meets one
     * type, or a few) rather than looked up by type and name for every value printed. Threads may share a reader: each
     * remembered pair is immutable.
     */
    static final class Reader {
        private final String[] steps;
        private final Type[] seen;

        /** A step's record type and its accessor of the step's name (null where the type has no such component). */
        private record Type(Class<?> type, java.lang.reflect.Method accessor) {}

        Reader(String[] steps) {
            this.steps = steps;
            this.seen = new Type[steps.length];
        }

        /** The path's first step, the name its caller looks up. */
        String first() {
            return steps[0];
        }

        /** The plain value of the path whose first step gave {@code value}, or null. */
        Object read(Object value) {
            for (int i = 1; i < steps.length && value != null; i++) {
                if (!(value instanceof Record)) {
                    return null;
                }
                Type t = seen[i];
                if (t == null || t.type() != value.getClass()) {
                    t = new Type(value.getClass(), RecordResolver.accessor(value.getClass(), steps[i]));
                    seen[i] = t;
                }
                value = t.accessor() == null ? null : RecordResolver.read(t.accessor(), value);
            }
            return plainValue(value);
        }
    }

    /** A plain path: read directly where it can be, else by Jinjava's own expression. */
    private static final class Path extends ValueExpression {
        private final String expression;
        private final transient Reader path;
        private final transient ExpressionFactory jinjava;

        Path(String expression, Reader path, ExpressionFactory jinjava) {
            this.expression = expression;
            this.path = path;
            this.jinjava = jinjava;
        }

        @Override
        public Object getValue(ELContext context) {
            Object value = direct();
            return value != null
                    ? value
                    : jinjava.createValueExpression(context, expression, Object.class)
                            .getValue(context);
        }

        /** The path's value read directly, or null where Jinjava's own reading is needed. */
        private Object direct() {
            JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
            if (interpreter == null || interpreter.getContext().getDynamicVariableResolver() != null) {
                return null;
            }
            Object value = path.read(interpreter.getContext().get(path.first()));
            if (value instanceof List<?> list) {
                @SuppressWarnings("unchecked")
                List<Object> items = (List<Object>) list;
                return new SizeLimitingPyList(items, interpreter.getConfig().getMaxListSize());
            }
            return value;
        }

        @Override
        public Class<?> getType(ELContext context) {
            return Object.class;
        }

        @Override
        public Class<?> getExpectedType() {
            return Object.class;
        }

        @Override
        public boolean isReadOnly(ELContext context) {
            return true;
        }

        @Override
        public void setValue(ELContext context, Object value) {
            jinjava.createValueExpression(context, expression, Object.class).setValue(context, value);
        }

        @Override
        public String getExpressionString() {
            return expression;
        }

        @Override
        public boolean isLiteralText() {
            return false;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Path p && p.expression.equals(expression);
        }

        @Override
        public int hashCode() {
            return expression.hashCode();
        }
    }
}
