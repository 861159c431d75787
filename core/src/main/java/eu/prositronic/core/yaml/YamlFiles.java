package eu.prositronic.core.yaml;

import eu.prositronic.core.problem.Problem;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.reader.ReaderException;

/** Parses YAML text into {@link YamlNode}s that keep their marks. Syntax errors become problems with a position. */
public final class YamlFiles {
    private YamlFiles() {}

    /**
     * The largest file read (64 MiB: a 50,000-node inventory is a few MiB). Checked before parsing: SnakeYAML checks
     * its own limit only between tokens, so one huge scalar would take minutes and gigabytes first.
     */
    public static final int MAX_CHARS = 64 << 20;

    public static Optional<YamlNode> parse(Path file, String text, Problems problems) {
        if (text.length() > MAX_CHARS) {
            problems.add(new Problem(
                    file,
                    0,
                    0,
                    "",
                    null,
                    "the file has " + text.length() + " characters; Prositronic reads at most " + MAX_CHARS,
                    "split it, or check that it is the file you meant"));
            return Optional.empty();
        }
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CHARS);
        options.setAllowDuplicateKeys(true); // reported by YamlMap with a position, not thrown
        options.setMaxAliasesForCollections(50);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        try {
            Node root = yaml.compose(new StringReader(text));
            if (root == null) {
                problems.add(
                        new Problem(file, 1, 1, "", null, "the file is empty", "see the README's input reference"));
                return Optional.empty();
            }
            return Optional.of(new YamlNode(file, "", root, problems));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = mark == null ? 0 : mark.getLine() + 1;
            int column = mark == null ? 0 : mark.getColumn() + 1;
            String what = e.getProblem() == null ? "not valid YAML" : "not valid YAML: " + e.getProblem();
            problems.add(new Problem(file, line, column, "", null, what, "check the indentation and quoting there"));
            return Optional.empty();
        } catch (ReaderException e) {
            // a character YAML does not allow (a control character, a lone surrogate): place it
            int[] lc = lineAndColumn(text, e.getPosition());
            problems.add(new Problem(
                    file,
                    lc[0],
                    lc[1],
                    "",
                    null,
                    "a character YAML does not allow (U+" + String.format("%04X", e.getCodePoint()) + ")",
                    "remove it or write it as an escape in a double-quoted string"));
            return Optional.empty();
        } catch (RuntimeException e) {
            problems.add(positionedProblem(file, text, options)
                    .orElseGet(() -> new Problem(
                            file, 0, 0, "", null, "not valid YAML: " + e.getMessage(), "check the syntax")));
            return Optional.empty();
        }
    }

    /** The nesting SnakeYAML allows before it refuses a file (its default). */
    static final int MAX_NESTING = 50;

    /**
     * SnakeYAML's composer refuses deep nesting and many aliases without a position; the event stream has one, so
     * walk it to the first event past the limit and place the problem there. A few of the scanner's own errors carry
     * no position either ("A simple key is required only if it is the first token in the current line", met in a
     * mutated inventory with a stray quote and a byte-order mark): those are placed where the walk's reader stopped.
     */
    static Optional<Problem> positionedProblem(Path file, String text, LoaderOptions options) {
        org.yaml.snakeyaml.reader.StreamReader reader = new org.yaml.snakeyaml.reader.StreamReader(text);
        org.yaml.snakeyaml.parser.Parser parser = new org.yaml.snakeyaml.parser.ParserImpl(reader, options);
        try {
            int depth = 0;
            int aliases = 0;
            while (!parser.checkEvent(org.yaml.snakeyaml.events.Event.ID.StreamEnd)) {
                org.yaml.snakeyaml.events.Event e = parser.getEvent();
                Mark m = e.getStartMark();
                if (e instanceof org.yaml.snakeyaml.events.CollectionStartEvent) {
                    depth++;
                    if (depth > MAX_NESTING) {
                        return Optional.of(new Problem(
                                file,
                                m.getLine() + 1,
                                m.getColumn() + 1,
                                "",
                                null,
                                "nested more than " + MAX_NESTING + " levels deep",
                                "flatten it: an inventory or catalog entry needs a few levels, never " + MAX_NESTING));
                    }
                } else if (e instanceof org.yaml.snakeyaml.events.CollectionEndEvent) {
                    depth--;
                } else if (e instanceof org.yaml.snakeyaml.events.AliasEvent) {
                    aliases++;
                    if (aliases > options.getMaxAliasesForCollections()) {
                        return Optional.of(new Problem(
                                file,
                                m.getLine() + 1,
                                m.getColumn() + 1,
                                "",
                                null,
                                "more than " + options.getMaxAliasesForCollections() + " aliases (`*name`)",
                                "write the values out instead of referring to anchors"));
                    }
                }
            }
        } catch (MarkedYAMLException e) {
            // placed by parse() already
        } catch (RuntimeException e) {
            return Optional.of(new Problem(
                    file,
                    reader.getLine() + 1,
                    reader.getColumn() + 1,
                    "",
                    null,
                    "not valid YAML: " + e.getMessage(),
                    "check the characters and quoting there, and above it: a quote opened earlier runs on to here"));
        }
        return Optional.empty();
    }

    /** 1-based line and column of a character index. */
    static int[] lineAndColumn(String text, int index) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < Math.min(index, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[] {line, column};
    }
}
