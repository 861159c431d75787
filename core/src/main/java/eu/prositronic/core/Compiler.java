package eu.prositronic.core;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.CatalogLoader;
import eu.prositronic.core.console.ConflictMessage;
import eu.prositronic.core.console.NoFitMessage;
import eu.prositronic.core.emit.AnsibleEmitter;
import eu.prositronic.core.emit.BundleEmitter;
import eu.prositronic.core.emit.EmitContext;
import eu.prositronic.core.emit.Emitter;
import eu.prositronic.core.emit.HelmfileEmitter;
import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.emit.PlanEmitter;
import eu.prositronic.core.emit.ValuesEmitter;
import eu.prositronic.core.emit.report.ReportEmitter;
import eu.prositronic.core.fit.NoFitException;
import eu.prositronic.core.fit.Plan;
import eu.prositronic.core.fit.PowerModel;
import eu.prositronic.core.fit.Solver;
import eu.prositronic.core.fit.UnsolvableException;
import eu.prositronic.core.fit.WhatIf;
import eu.prositronic.core.inventory.InventoryLoader;
import eu.prositronic.core.inventory.InventoryRequest;
import eu.prositronic.core.problem.InvalidInputException;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.problem.Setting;
import eu.prositronic.core.write.OutputWriter;
import eu.prositronic.core.yaml.Problems;
import eu.prositronic.core.yaml.Utf8;
import eu.prositronic.core.yaml.YamlFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Maven-free core's one entry point: load and validate, plan, emit, write. Nothing is written unless every step
 * before writing succeeded.
 */
public final class Compiler {
    private Compiler() {}

    /**
     * What to compile; the Mojo fills it from its parameters. {@code whatIf}: hardware edits (fit/WhatIf) whose plan
     * is compared with the real one and printed; they never change what is written.
     */
    public record Request(
            Path inventory,
            Optional<Path> catalogDirectory,
            Path outputDirectory,
            String version,
            OutputWriter.Writer writer,
            Optional<String> whatIf) {

        public Request(
                Path inventory,
                Optional<Path> catalogDirectory,
                Path outputDirectory,
                String version,
                OutputWriter.Writer writer) {
            this(inventory, catalogDirectory, outputDirectory, version, writer, Optional.empty());
        }
    }

    /** The plan, what was written, and the what-if difference (empty without {@code whatIf}). */
    public record Result(Plan plan, OutputWriter.Summary summary, List<String> whatIf) {}

    /** The generation steps, in order. */
    public static List<Emitter> steps() {
        return List.of(
                new PlanEmitter(),
                new ValuesEmitter(),
                new HelmfileEmitter(),
                BundleEmitter.chart(),
                BundleEmitter.collection(),
                new AnsibleEmitter(),
                new ReportEmitter());
    }

    public static Result compile(Request request, Consumer<String> debug) throws ProsiException {
        // the inventory is read and parsed while the catalog loads: neither needs the other until the inventory's
        // values are checked against the catalog
        java.util.concurrent.FutureTask<InventoryLoader.Parsed> parsing = new java.util.concurrent.FutureTask<>(
                () -> InventoryLoader.parse(request.inventory(), read(request.inventory())));
        Thread parser = new Thread(null, parsing, "prositronic-inventory", PARSER_STACK);
        parser.setDaemon(true);
        parser.start();
        Catalog catalog = loadCatalog(request, parsing, debug);
        debug.accept("catalog: " + catalog.models().size() + " models, "
                + catalog.hardware().size() + " hardware entries");
        InventoryRequest inventory = InventoryLoader.read(parsed(parsing), catalog);
        debug.accept("inventory: " + inventory.nodes().size() + " nodes");
        Optional<List<WhatIf.Edit>> edits = request.whatIf().isPresent()
                ? Optional.of(WhatIf.parse(request.whatIf().get(), inventory.nodes(), catalog))
                : Optional.empty();
        WhatIf.Planning planning = asked -> plan(asked, catalog);
        WhatIf.Outcome outcome = WhatIf.outcome(inventory, planning);
        List<String> whatIf = List.of();
        if (edits.isPresent()) {
            whatIf = WhatIf.difference(
                    edits.get(), outcome, WhatIf.outcome(WhatIf.apply(inventory, edits.get()), planning));
        }
        if (outcome.plan().isEmpty()) {
            ProsiException failure = outcome.failure().orElseThrow();
            String message = failure instanceof UnsolvableException u
                    ? ConflictMessage.format(u.conflict(), inventory.file().toString())
                    : NoFitMessage.format(((NoFitException) failure).noFits());
            throw new ProsiException(
                    whatIf.isEmpty() ? message : message + "\n\n" + String.join("\n", whatIf), failure);
        }
        Plan plan = outcome.plan().get();
        debug.accept("plan: " + plan.deployments().size() + " deployments");
        plan.solver()
                .ifPresent(s -> debug.accept("solver: " + s.method().key() + ", " + s.evaluations() + " fits, "
                        + s.cacheHits() + " from the cache"));
        // the files are staged beside the output as they are generated (a large fleet's pages are never held in
        // memory whole), then switched in at once; a failed step leaves the output as it was
        try (OutputWriter.Session session = OutputWriter.open(request.outputDirectory(), request.writer())) {
            emit(new EmitContext(plan, catalog, inventory.file(), request.version()), session.tree(), debug);
            OutputWriter.Summary summary = session.commit();
            debug.accept("written");
            return new Result(plan, summary, whatIf);
        }
    }

    /** The parser thread's stack: as deep as a main thread's (8 MiB on Linux), for the deepest YAML it accepts. */
    private static final long PARSER_STACK = 8L << 20;

    /** The parsed inventory, or the parser's failure as it was thrown (a file that cannot be read, not UTF-8). */
    private static InventoryLoader.Parsed parsed(java.util.concurrent.FutureTask<InventoryLoader.Parsed> parsing)
            throws ProsiException {
        try {
            return parsing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProsiException("interrupted while the inventory was parsed", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof ProsiException p) {
                throw p;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * How the build plans an inventory: the solver where it leaves choices (its power objective reads the power model),
     * the planner alone where it does not; the one planning both the build and its what-if scenarios use.
     */
    public static Plan plan(InventoryRequest inventory, Catalog catalog) throws ProsiException {
        return Solver.plan(inventory, catalog, PowerModel::aloneLoadWatts);
    }

    /**
     * The catalog; when a catalog file is broken, the inventory is still checked against the valid part, so one run
     * reports both phases' problems (an inventory problem that only names a broken entry is left out: the catalog
     * problem is its cause).
     */
    static Catalog loadCatalog(
            Request request, java.util.concurrent.FutureTask<InventoryLoader.Parsed> parsing, Consumer<String> debug)
            throws ProsiException {
        CatalogLoader.Partial partial = CatalogLoader.loadPartial(request.catalogDirectory());
        if (partial.problems().isEmpty()) {
            return partial.catalog();
        }
        Optional<InventoryLoader.Parsed> inventory = Optional.empty();
        List<eu.prositronic.core.problem.Problem> readProblems = List.of();
        try {
            inventory = Optional.of(parsed(parsing));
        } catch (InvalidInputException e) {
            readProblems = e.problems();
        } catch (ProsiException e) {
            debug.accept("inventory not checked: " + e.getMessage());
        }
        throw allPhases(partial, inventory, readProblems);
    }

    /**
     * The catalog's problems with the inventory's, checked against the catalog's valid part where it is usable; an
     * inventory problem whose value is a broken entry's id is left out (the catalog problem is its cause).
     */
    static InvalidInputException allPhases(
            CatalogLoader.Partial partial,
            Optional<InventoryLoader.Parsed> inventory,
            List<eu.prositronic.core.problem.Problem> readProblems) {
        Problems all = new Problems();
        partial.problems().forEach(all::add);
        readProblems.forEach(all::add);
        if (partial.usable().isPresent() && inventory.isPresent()) {
            try {
                InventoryLoader.read(inventory.get(), partial.catalog());
            } catch (InvalidInputException e) {
                e.problems().stream()
                        .filter(p -> p.value() == null || !partial.brokenIds().contains(p.value()))
                        .forEach(all::add);
            }
        }
        try {
            all.throwIfAny();
        } catch (InvalidInputException e) {
            return e;
        }
        throw new IllegalStateException("a partial catalog without problems");
    }

    /** {@link #allPhases} for the property tests, which compile in memory. */
    public static InvalidInputException allPhasesForTests(
            CatalogLoader.Partial partial,
            Optional<InventoryLoader.Parsed> inventory,
            List<eu.prositronic.core.problem.Problem> readProblems) {
        return allPhases(partial, inventory, readProblems);
    }

    /** Every step into a tree in memory. */
    public static OutputTree emit(EmitContext context, Consumer<String> debug) throws ProsiException {
        OutputTree tree = new OutputTree();
        emit(context, tree, debug);
        return tree;
    }

    /** Every step into {@code tree} (in memory, or staged by the writer). */
    public static void emit(EmitContext context, OutputTree tree, Consumer<String> debug) throws ProsiException {
        for (Emitter step : steps()) {
            int before = tree.size();
            try {
                step.emit(context, tree);
            } catch (java.io.UncheckedIOException e) {
                throw new ProsiException(
                        e.getMessage() + "; check that the output's parent folder is writable and the disk has room",
                        e);
            }
            debug.accept("step " + step.name() + ": " + (tree.size() - before) + " files");
        }
    }

    static String read(Path inventory) throws ProsiException {
        try {
            if (Files.size(inventory) > 4L * YamlFiles.MAX_CHARS) {
                throw new ProsiException("the inventory " + inventory + " has " + Files.size(inventory)
                        + " bytes; Prositronic reads at most " + YamlFiles.MAX_CHARS + " characters");
            }
            byte[] bytes = Files.readAllBytes(inventory);
            return Utf8.decode(inventory, bytes);
        } catch (NoSuchFileException e) {
            throw new ProsiException(s -> "the inventory " + inventory + " does not exist; create it (see the README's"
                    + " input reference) or point " + s.of(Setting.INVENTORY) + " at yours");
        } catch (IOException e) {
            throw new ProsiException("cannot read the inventory " + inventory + ": " + e.getMessage(), e);
        }
    }
}
