package eu.prositronic.core.emit.report;

import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import java.beans.FeatureDescriptor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;
import jinjava.javax.el.PropertyNotWritableException;

/**
 * Lets templates read a page model's records as they are ({@code page.d.quant} reads the component {@code quant()}),
 * read only, nothing but record components; everything else goes to Jinjava's own resolvers. It replaces mapping each
 * page model to nested maps first (a fifth of a page's rendering), and gives templates the same names and values:
 * the page models hold strings, numbers, booleans, lists and records only.
 */
final class RecordResolver extends ELResolver {
    /** Jinjava's read-only resolvers, after this one. */
    static final ELResolver WITH_JINJAVA_DEFAULTS = composite();

    private static final ClassValue<Map<String, Method>> ACCESSORS = new ClassValue<>() {
        @Override
        protected Map<String, Method> computeValue(Class<?> type) {
            if (!type.isRecord()) {
                return Map.of();
            }
            Map<String, Method> byName = new HashMap<>();
            for (RecordComponent c : type.getRecordComponents()) {
                Method m = c.getAccessor();
                m.setAccessible(true);
                byName.put(c.getName(), m);
            }
            return Collections.unmodifiableMap(byName);
        }
    };

    private static ELResolver composite() {
        CompositeELResolver all = new CompositeELResolver();
        all.add(new RecordResolver());
        all.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        return all;
    }

    /** A page model's top-level variables: its components by name, in order. */
    static Map<String, Object> variables(Record model) {
        Map<String, Object> vars = new LinkedHashMap<>();
        for (RecordComponent c : model.getClass().getRecordComponents()) {
            vars.put(c.getName(), read(ACCESSORS.get(model.getClass()).get(c.getName()), model));
        }
        return vars;
    }

    /** The accessor of the component {@code name} of the record type {@code type}, or null where it has none. */
    static Method accessor(Class<?> type, String name) {
        return ACCESSORS.get(type).get(name);
    }

    static Object read(Method accessor, Object base) {
        try {
            return accessor.invoke(base);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + accessor + ": " + e.getMessage(), e);
        }
    }

    private static Method accessor(Object base, Object property) {
        return base instanceof Record && property instanceof String name
                ? ACCESSORS.get(base.getClass()).get(name)
                : null;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        Method m = accessor(base, property);
        if (m == null) {
            return null;
        }
        context.setPropertyResolved(true);
        return read(m, base);
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        Method m = accessor(base, property);
        if (m == null) {
            return null;
        }
        context.setPropertyResolved(true);
        return m.getReturnType();
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        if (accessor(base, property) != null) {
            throw new PropertyNotWritableException("a page model is read only: " + property);
        }
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        if (accessor(base, property) == null) {
            return false;
        }
        context.setPropertyResolved(true);
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return base instanceof Record ? String.class : null;
    }
}
