package eu.prositronic.core.site;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.CatalogLoader;
import eu.prositronic.core.emit.OutputTree;
import eu.prositronic.core.emit.report.CatalogSite;
import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.write.OutputWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The catalog site's one entry point, for the {@code prositronic:site} goal and for {@code java -jar}: load the
 * catalog (embedded, with a user's folder over it), fit every model × quantization × hardware, write the site
 * atomically (only changed files are touched).
 */
public final class Site {
    private Site() {}

    /**
     * @param baseUrl where the site will be served, for the pages' {@code curl} commands
     * @param templates a folder whose files replace the jar's templates of the same name
     */
    public record Request(
            Optional<Path> catalogDirectory,
            Path outputDirectory,
            String baseUrl,
            Optional<Path> templates,
            OutputWriter.Writer writer) {}

    public record Result(int pages, int files, long millis, OutputWriter.Summary summary) {}

    public static Result build(Request request, Consumer<String> debug) throws ProsiException {
        long start = System.nanoTime();
        Catalog catalog = CatalogLoader.load(request.catalogDirectory().filter(java.nio.file.Files::isDirectory));
        debug.accept("catalog: " + catalog.models().size() + " models, "
                + catalog.hardware().size() + " hardware");
        OutputTree tree = new CatalogSite(catalog, request.baseUrl(), request.templates()).generate();
        int pages = (int) tree.files().keySet().stream()
                .filter(p -> p.startsWith("models/") && p.endsWith(".html") && !p.endsWith("/index.html"))
                .count();
        OutputWriter.Summary summary = OutputWriter.write(tree, request.outputDirectory(), request.writer());
        return new Result(pages, tree.files().size(), (System.nanoTime() - start) / 1_000_000, summary);
    }
}
