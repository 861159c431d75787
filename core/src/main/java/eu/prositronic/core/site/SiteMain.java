package eu.prositronic.core.site;

import eu.prositronic.core.problem.ProsiException;
import eu.prositronic.core.problem.Setting;
import eu.prositronic.core.write.OutputWriter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code java -jar prositronic-core-<version>-site.jar [--catalog DIR] [--out DIR] [--base-url URL] [--templates DIR]}:
 * the catalog site without Maven, for CI pipelines of any kind. Exit 0 when written, 1 on an input problem (the
 * message says what and where), 2 on a bad command line.
 */
public final class SiteMain {
    private SiteMain() {}

    static final String USAGE = "usage: java -jar prositronic-core-site.jar [--catalog DIR] [--out DIR]"
            + " [--base-url URL] [--templates DIR]\n"
            + "  --catalog    your catalog folder (models/, hardware/), merged over the embedded catalog\n"
            + "  --out        where the site goes (default: site)\n"
            + "  --base-url   where it will be served, for the pages' curl commands (default: https://your-host)\n"
            + "  --templates  a folder of templates replacing the embedded ones of the same name";

    static final Setting.Spellings SPELLINGS = s -> switch (s) {
        case CATALOG_DIRECTORY -> "--catalog";
        case OUTPUT_DIRECTORY -> "--out";
        default -> Setting.Spellings.NEUTRAL.of(s);
    };

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Optional<Path> catalog = Optional.empty();
        Optional<Path> templates = Optional.empty();
        Path dir = Path.of("site");
        String base = "https://your-host";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                out.println(USAGE);
                return 0;
            }
            if (i + 1 >= args.length || !a.startsWith("--")) {
                err.println("unknown or incomplete argument `" + a + "`\n" + USAGE);
                return 2;
            }
            String v = args[++i];
            switch (a) {
                case "--catalog" -> catalog = Optional.of(Path.of(v));
                case "--out" -> dir = Path.of(v);
                case "--base-url" -> base = v;
                case "--templates" -> templates = Optional.of(Path.of(v));
                default -> {
                    err.println("unknown argument `" + a + "`\n" + USAGE);
                    return 2;
                }
            }
        }
        try {
            Site.Result r =
                    Site.build(new Site.Request(catalog, dir, base, templates, OutputWriter.Writer.ANONYMOUS), s -> {});
            out.println("Prositronic site in " + dir + ": " + r.pages() + " pages, " + r.files() + " files ("
                    + r.summary().written() + " written, " + r.summary().unchanged() + " unchanged, "
                    + r.summary().removed() + " removed) in " + r.millis() + " ms");
            return 0;
        } catch (ProsiException e) {
            err.println(e.message(SPELLINGS));
            return 1;
        }
    }
}
