package eu.prositronic.core.emit.report;

import java.util.List;
import java.util.function.Function;

/**
 * Maps a list in parallel, in order, with the caller's context class loader on every worker. The common pool's
 * threads carry the application class loader, which inside Maven cannot see the plugin's classes: Jinjava's
 * expression language loads its own classes through the context class loader and fails there without this.
 */
final class Parallel {
    private Parallel() {}

    static <T, R> List<R> map(List<T> items, Function<T, R> f) {
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
}
