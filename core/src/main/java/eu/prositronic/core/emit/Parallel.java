package eu.prositronic.core.emit;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Maps a list in parallel, in order, with the caller's context class loader on every worker. The common pool's
 * threads carry the application class loader, which inside Maven cannot see the plugin's classes: Jinjava's
 * expression language loads its own classes through the context class loader and fails there without this.
 */
public final class Parallel {
    private Parallel() {}

    public static <T, R> List<R> map(List<T> items, Function<T, R> f) {
        ClassLoader caller = Thread.currentThread().getContextClassLoader();
        return items.parallelStream()
                .map(item -> {
                    Thread t = Thread.currentThread();
                    ClassLoader before = t.getContextClassLoader();
                    t.setContextClassLoader(caller);
                    try {
                        return f.apply(item);
                    } finally {
                        t.setContextClassLoader(before);
                    }
                })
                .toList();
    }

    /**
     * Maps {@code items} in parallel a batch at a time and hands each result to {@code sink} in the items' order, on
     * the caller's thread (a large fleet's results are not held all at once; the same bytes either way).
     */
    public static <T, R> void inOrder(List<T> items, int batch, Function<T, R> f, Consumer<R> sink) {
        for (int from = 0; from < items.size(); from += batch) {
            map(items.subList(from, Math.min(items.size(), from + batch)), f).forEach(sink);
        }
    }
}
