package eu.prositronic.core.props;

import eu.prositronic.TestSupport;
import eu.prositronic.core.Compiler;
import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.CatalogLoader;
import eu.prositronic.core.catalog.CatalogLoader.CatalogFile;
import eu.prositronic.core.console.NoFitMessage;
import eu.prositronic.core.emit.EmitContext;
import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.fit.NoFitException;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.inventory.InventoryLoader;
import eu.prositronic.core.inventory.InventoryRequest;
import eu.prositronic.core.problem.InvalidInputException;
import eu.prositronic.core.problem.Problem;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.yaml.Problems;
import eu.prositronic.core.yaml.Utf8;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one case the way a build does (load the catalog and the inventory, plan, emit; in memory) and says how it
 * ended: a valid output tree, an input error whose every problem is placed and has a fix, a no-fit, or a violation
 * (any other exception, a problem without a file, line or fix, a message that is not one line, more than 10 s).
 */
public final class Outcome {
    public enum Kind {
        OUTPUT,
        INPUT_ERROR,
        NO_FIT
    }

    public static final long LIMIT_SECONDS = 10;

    /** How a case ended, with the problems' one-line forms (or the message) when it was refused. */
    public record Result(Kind kind, List<String> messages) {}

    private static final ExecutorService RUNNER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "property-case");
        t.setDaemon(true);
        return t;
    });

    private static List<CatalogFile> embedded;

    private Outcome() {}

    static synchronized List<CatalogFile> embedded() {
        if (embedded == null) {
            try {
                embedded = CatalogLoader.embeddedFiles();
            } catch (ProsiException e) {
                throw new IllegalStateException(e);
            }
        }
        return embedded;
    }

    /** An inventory's bytes against the embedded catalog and {@code userCatalog} (relative path, bytes). */
    public static Kind run(byte[] inventory, List<Object[]> userCatalog) {
        return result(inventory, userCatalog).kind();
    }

    public static Result result(byte[] inventory, List<Object[]> userCatalog) {
        Future<Result> f = RUNNER.submit(() -> compile(inventory, userCatalog));
        try {
            return f.get(LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("more than " + LIMIT_SECONDS + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError a) {
                throw a;
            }
            throw new AssertionError("crashed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Result compile(byte[] bytes, List<Object[]> userCatalog) throws Exception {
        Path file = Path.of("inventory.yaml");
        Problems read = new Problems();
        List<CatalogFile> user = new ArrayList<>();
        for (Object[] f : userCatalog) {
            Path shown = Path.of("my-catalog/" + f[0]);
            Utf8.decode(shown, (byte[]) f[1], read).ifPresent(t -> user.add(new CatalogFile(shown, (String) f[0], t)));
        }
        try {
            CatalogLoader.Partial partial = CatalogLoader.loadPartial(embedded(), user, read.list());
            Optional<String> text;
            try {
                text = Optional.of(Utf8.decode(file, bytes));
            } catch (InvalidInputException e) {
                if (partial.problems().isEmpty()) {
                    throw e;
                }
                throw Compiler.allPhasesForTests(partial, Optional.empty(), e.problems());
            }
            if (!partial.problems().isEmpty()) {
                throw Compiler.allPhasesForTests(partial, text.map(t -> InventoryLoader.parse(file, t)), List.of());
            }
            Catalog catalog = partial.catalog();
            // as the build reads and plans it: a mutation can leave choices to the solver (a list of nodes, say)
            InventoryRequest inventory = InventoryLoader.read(file, text.get(), catalog);
            Plan plan;
            try {
                plan = Compiler.plan(inventory, catalog);
            } catch (NoFitException e) {
                String message = NoFitMessage.format(e.noFits());
                check(!message.isBlank(), "a no-fit says why");
                return new Result(Kind.NO_FIT, List.of(message));
            }
            OutputTree tree = Compiler.emit(new EmitContext(plan, catalog, file, "test"), s -> {});
            check(!tree.files().isEmpty(), "an output tree");
            return new Result(Kind.OUTPUT, List.of());
        } catch (InvalidInputException e) {
            check(!e.problems().isEmpty(), "an input error lists its problems");
            for (Problem p : e.problems()) {
                placed(p);
            }
            return new Result(
                    Kind.INPUT_ERROR, e.problems().stream().map(Problem::format).toList());
        } catch (ProsiException e) {
            check(e.getMessage() != null && !e.getMessage().isBlank(), "a message");
            return new Result(Kind.INPUT_ERROR, List.of(e.getMessage()));
        }
    }

    /** A file; a line unless it is about the whole file; a fix; one line with nothing invisible in it. */
    static void placed(Problem p) {
        String f = p.format();
        check(p.file() != null, "a file: " + f);
        check(p.line() > 0 || (p.yamlPath() == null || p.yamlPath().isEmpty()), "a line: " + f);
        check(p.fix() != null && !p.fix().isBlank(), "a fix: " + f);
        check(p.line() > 0 || !p.fix().equals("check the syntax"), "a parser error is placed: " + f);
        check(!f.contains("<input>"), "no <input>: " + f);
        f.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            check(
                    type != Character.CONTROL
                            && type != Character.FORMAT
                            && type != Character.LINE_SEPARATOR
                            && type != Character.PARAGRAPH_SEPARATOR,
                    "nothing invisible: " + Problem.escape(f));
        });
        check(!f.contains("valid values: ;") && !f.endsWith("valid values: "), "an empty valid-values list: " + f);
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    static String repoCatalog(String rel) {
        return TestSupport.read(
                TestSupport.repoRoot().resolve("catalog/src/main/resources/prositronic/catalog/" + rel));
    }
}
