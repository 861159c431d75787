package eu.prositronic.core.emit.report;

import eu.prositronic.core.emit.PlanJson;
import eu.prositronic.core.fit.DeploymentPlan;
import eu.prositronic.core.fit.SolverReport;
import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.inventory.Node;
import eu.prositronic.core.problem.ProsiException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pages of deployments that differ only in their names, rendered once. A fleet is mostly alike nodes running alike
 * deployments: of a generated 2,000-node fleet's 3,999 deployment pages, 102 differ once the deployment's and node's
 * names are taken out, and rendering them was most of the report.
 *
 * <p>A deployment's pages are rendered with stand-ins for its name, its node's name and its node's address (private-use
 * characters, which no name holds: names are DNS labels), keyed by everything else the pages are made of: the plan so
 * renamed, the solver's choice, the FAQ's variants (fitted where the deployment runs, under the real names) and the
 * release file with the same stand-ins. A deployment with an equal key gets those pages with its own names put in. The
 * first deployment of each key is rendered both ways, and the key serves the others only where the two gave the same
 * bytes: a page that uses a name otherwise than printing it as it is (say an override printing it in capitals) is
 * rendered for each deployment as before. The names' lengths are in the key, should a page lay text out by its
 * length. Only in fleets of more than {@link Neighbours#ON_NODE_LIMIT} deployments (below it the FAQ's variants are
 * fitted on each node and name it, so no two pages are alike) and with the jar's templates (with overrides beside the
 * inventory every page is rendered on its own).
 */
final class AlikePages {
    /** Keys kept at most (each holds a deployment's pages, some 35 KB); later ones are rendered on their own. */
    static final int LIMIT = 1024;

    /** Starts each stand-in; the next character says which name it stands for. */
    private static final char MARK = '\uE000';

    static final String DEPLOYMENT = "" + MARK + '\uE100';
    static final String NODE = "" + MARK + '\uE101';
    static final String ADDRESS = "" + MARK + '\uE102';

    /** Pages served from a key, and pages rendered (the first of each key twice), since the JVM started. */
    static final LongAdder REUSED = new LongAdder();

    static final LongAdder RENDERED = new LongAdder();

    /** One deployment's pages, rendered and encoded (what {@link ReportEmitter} writes of it). */
    record Pages(
            DeploymentPlan d, PlanJson.Memory memory, byte[] markdown, byte[] svg, byte[] html, List<String> warnings) {

        boolean sameAs(Pages o) {
            return d.equals(o.d)
                    && memory.equals(o.memory)
                    && Arrays.equals(markdown, o.markdown)
                    && Arrays.equals(svg, o.svg)
                    && Arrays.equals(html, o.html)
                    && warnings.equals(o.warnings);
        }
    }

    /** Renders a deployment's pages from its plan and its release file's text. */
    interface Rendering {
        Pages pages(DeploymentPlan d, String releaseYaml) throws ProsiException;
    }

    /**
     * What a deployment's pages are made of besides the jar's templates and what every page shares (catalog, images,
     * fleet size): equal keys, equal pages but for the names.
     */
    private record Key(
            DeploymentPlan renamed,
            Optional<SolverReport.Choice> choice,
            HtmlPage.Variants variants,
            String releaseYaml,
            int nameLength,
            int nodeLength) {
        @Override
        public int hashCode() {
            // what tells alike deployments apart cheaply; equals compares everything
            return (releaseYaml.hashCode() * 31 + Long.hashCode(renamed.ctxSize()) * 17 + nameLength) * 31
                    + renamed.valuesFile().hashCode()
                    + nodeLength;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k
                    && nameLength == k.nameLength
                    && nodeLength == k.nodeLength
                    && releaseYaml.equals(k.releaseYaml)
                    && renamed.equals(k.renamed)
                    && choice.equals(k.choice)
                    && variants.equals(k.variants);
        }
    }

    /** A key's pages with the stand-ins. */
    record Entry(PlanJson.Memory memory, Marked markdown, Marked svg, Marked html, List<String> warnings) {
        static Entry of(Pages marked) {
            return new Entry(
                    marked.memory(),
                    Marked.of(marked.markdown()),
                    Marked.of(marked.svg()),
                    Marked.of(marked.html()),
                    marked.warnings());
        }
    }

    /** Keys whose pages were not the same bytes both ways: each deployment's are rendered on its own. */
    private static final Entry REFUSED = new Entry(null, null, null, null, List.of());

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    /** A deployment's real names, and the stand-ins put in their place and back. */
    record Names(String deployment, String node, String address) {
        static Names of(DeploymentPlan d) {
            return new Names(d.name(), d.node().name(), d.node().address());
        }

        /** The plan with the stand-ins for its names (an empty address stays empty). */
        DeploymentPlan mark(DeploymentPlan d) {
            Node node = d.node().renamed(NODE, address.isEmpty() ? "" : ADDRESS);
            Deployment renamed = d.deployment().renamed(DEPLOYMENT, node);
            return d.renamed(renamed);
        }

        /**
         * {@code text} with the stand-ins for the names it holds (the longest name first); {@link #restore} gives the
         * text back whatever it held, since no name holds a stand-in's characters.
         */
        String mark(String text) {
            String[][] byLength = {{deployment, DEPLOYMENT}, {node, NODE}, {address, ADDRESS}};
            Arrays.sort(byLength, (a, b) -> Integer.compare(b[0].length(), a[0].length()));
            String out = text;
            for (String[] n : byLength) {
                if (!n[0].isEmpty()) {
                    out = out.replace(n[0], n[1]);
                }
            }
            return out;
        }

        String restore(String text) {
            if (text.indexOf(MARK) < 0) {
                return text;
            }
            return text.replace(DEPLOYMENT, deployment).replace(NODE, node).replace(ADDRESS, address);
        }

        /** The bytes of a marked page with this deployment's names where its stand-ins are. */
        byte[] restore(Marked marked) {
            if (marked.at().length == 0) {
                return marked.utf8();
            }
            byte[][] names = {
                deployment.getBytes(StandardCharsets.UTF_8),
                node.getBytes(StandardCharsets.UTF_8),
                address.getBytes(StandardCharsets.UTF_8)
            };
            byte[] from = marked.utf8();
            int size = from.length;
            for (int k = 0; k < marked.at().length; k++) {
                size += names[marked.which()[k]].length - Marked.STAND_IN_BYTES;
            }
            byte[] out = new byte[size];
            int length = 0;
            int copied = 0;
            for (int k = 0; k < marked.at().length; k++) {
                int at = marked.at()[k];
                System.arraycopy(from, copied, out, length, at - copied);
                length += at - copied;
                byte[] name = names[marked.which()[k]];
                System.arraycopy(name, 0, out, length, name.length);
                length += name.length;
                copied = at + Marked.STAND_IN_BYTES;
            }
            System.arraycopy(from, copied, out, length, from.length - copied);
            return out;
        }

        /** The pages of a key with this deployment's names put in. */
        Pages restore(Entry marked, DeploymentPlan d) {
            return new Pages(
                    d,
                    marked.memory(),
                    restore(marked.markdown()),
                    restore(marked.svg()),
                    restore(marked.html()),
                    marked.warnings().stream().map(this::restore).toList());
        }
    }

    /**
     * A page's UTF-8 with its stand-ins found once: where each starts and which name it stands for (U+E000 is EE 80 80,
     * U+E100–U+E102 are EE 84 80–82).
     */
    record Marked(byte[] utf8, int[] at, int[] which) {
        static final int STAND_IN_BYTES = 6;

        static Marked of(byte[] utf8) {
            int[] at = new int[8];
            int[] which = new int[8];
            int n = 0;
            for (int i = 0; i + STAND_IN_BYTES <= utf8.length; i++) {
                if (utf8[i] == (byte) 0xEE
                        && utf8[i + 1] == (byte) 0x80
                        && utf8[i + 2] == (byte) 0x80
                        && utf8[i + 3] == (byte) 0xEE
                        && utf8[i + 4] == (byte) 0x84
                        && utf8[i + 5] >= (byte) 0x80
                        && utf8[i + 5] <= (byte) 0x82) {
                    if (n == at.length) {
                        at = Arrays.copyOf(at, 2 * n);
                        which = Arrays.copyOf(which, 2 * n);
                    }
                    at[n] = i;
                    which[n++] = utf8[i + 5] - (byte) 0x80;
                    i += STAND_IN_BYTES - 1;
                }
            }
            return new Marked(utf8, Arrays.copyOf(at, n), Arrays.copyOf(which, n));
        }
    }

    /** The deployment's pages: a key's with its names put in, or rendered (and, the first of a key, kept). */
    Pages pages(
            DeploymentPlan d,
            Optional<SolverReport.Choice> choice,
            HtmlPage.Variants variants,
            String releaseYaml,
            Rendering rendering)
            throws ProsiException {
        Names names = Names.of(d);
        DeploymentPlan renamed = names.mark(d);
        String markedRelease = names.mark(releaseYaml);
        Key key = new Key(
                renamed,
                choice,
                variants,
                markedRelease,
                d.name().length(),
                d.node().name().length());
        Entry known = entries.get(key);
        if (known != null && known != REFUSED) {
            REUSED.increment();
            return names.restore(known, d);
        }
        Pages real = rendering.pages(d, releaseYaml);
        RENDERED.increment();
        if (known == null && entries.size() < LIMIT) {
            Entry marked = Entry.of(rendering.pages(renamed, markedRelease));
            RENDERED.increment();
            entries.putIfAbsent(key, names.restore(marked, d).sameAs(real) ? marked : REFUSED);
        }
        return real;
    }
}
