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

/** Parses YAML text into {@link YamlNode}s that keep their marks. Syntax errors become problems with a position. */
public final class YamlFiles {
    private YamlFiles() {}

    public static Optional<YamlNode> parse(Path file, String text, Problems problems) {
        LoaderOptions options = new LoaderOptions();
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
        } catch (RuntimeException e) {
            problems.add(new Problem(file, 0, 0, "", null, "not valid YAML: " + e.getMessage(), "check the syntax"));
            return Optional.empty();
        }
    }
}
