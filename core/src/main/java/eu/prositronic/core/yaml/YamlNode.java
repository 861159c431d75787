package eu.prositronic.core.yaml;

import eu.prositronic.core.problem.Suggestions;
import eu.prositronic.core.units.Bytes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML node that knows where it came from (file, line, column, path such as {@code nodes[0].gpus[0].model}) and
 * reports type errors to a shared {@link Problems} instead of throwing, so a load collects every error.
 */
public final class YamlNode {
    private final Path file;
    private final String path;
    private final Node node;
    private final Problems problems;

    YamlNode(Path file, String path, Node node, Problems problems) {
        this.file = file;
        this.path = path;
        this.node = node;
        this.problems = problems;
    }

    public Path file() {
        return file;
    }

    public String path() {
        return path;
    }

    public Problems problems() {
        return problems;
    }

    public int line() {
        return node.getStartMark().getLine() + 1;
    }

    public int column() {
        return node.getStartMark().getColumn() + 1;
    }

    /** The line just after the value (1-based), for edits that replace it. */
    public int endLine() {
        return node.getEndMark().getLine() + 1;
    }

    /** The column just after the value (1-based, in code points), for edits that replace it. */
    public int endColumn() {
        return node.getEndMark().getColumn() + 1;
    }

    public boolean isNull() {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    public boolean isScalar() {
        return node instanceof ScalarNode;
    }

    public boolean isMap() {
        return node instanceof MappingNode;
    }

    public boolean isList() {
        return node instanceof SequenceNode;
    }

    String scalarOrNull() {
        return node instanceof ScalarNode s ? s.getValue() : null;
    }

    /** The scalar's text, or empty with a problem when the node is a map or list. */
    public Optional<String> text() {
        if (node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) {
            return Optional.of(s.getValue());
        }
        problems.at(this, "expected a value, found " + kind(), "write a plain value here");
        return Optional.empty();
    }

    /** The scalar as a string (numbers are accepted as their text). */
    public Optional<String> string() {
        return text();
    }

    public Optional<Long> integer(long min, long max) {
        Optional<String> t = text();
        if (t.isEmpty()) {
            return Optional.empty();
        }
        long v;
        try {
            // ASCII digits only: Long.parseLong would also take other scripts' digits
            if (!t.get().matches("[+-]?[0-9][0-9_]*")) {
                throw new NumberFormatException(t.get());
            }
            v = Long.parseLong(t.get().replace("_", ""));
        } catch (NumberFormatException e) {
            problems.at(this, "expected a whole number", "write digits only, e.g. 2048");
            return Optional.empty();
        }
        if (v < min || v > max) {
            problems.at(
                    this,
                    "out of range",
                    "use a value between " + min + " and " + (max == Long.MAX_VALUE ? "any larger" : max));
            return Optional.empty();
        }
        return Optional.of(v);
    }

    public Optional<Double> decimal(double min) {
        Optional<String> t = text();
        if (t.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (!t.get().matches("[+-]?[0-9][0-9_]*(\\.[0-9_]+)?([eE][+-]?[0-9]+)?")) {
                throw new NumberFormatException(t.get()); // no NaN, no Infinity, no other scripts' digits
            }
            double v = Double.parseDouble(t.get().replace("_", ""));
            if (!Double.isFinite(v)) {
                throw new NumberFormatException(t.get());
            }
            if (v < min) {
                problems.at(this, "out of range", "use a value of at least " + min);
                return Optional.empty();
            }
            return Optional.of(v);
        } catch (NumberFormatException e) {
            problems.at(this, "expected a number", "write a number such as 936 or 35.6");
            return Optional.empty();
        }
    }

    public Optional<Boolean> bool() {
        Optional<String> t = text();
        if (t.isEmpty()) {
            return Optional.empty();
        }
        return switch (t.get()) {
            case "true", "True", "TRUE", "yes", "on" -> Optional.of(true);
            case "false", "False", "FALSE", "no", "off" -> Optional.of(false);
            default -> {
                problems.at(this, "expected true or false", "write true or false");
                yield Optional.empty();
            }
        };
    }

    public Optional<Bytes> bytes() {
        Optional<String> t = text();
        if (t.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Bytes.parse(t.get()));
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("too large")) {
                problems.at(this, "too large a size", "write the real size, e.g. 64GiB (at most 1 EiB)");
                return Optional.empty();
            }
            problems.at(this, "not a size", "write a number with a unit such as 64GiB, 512MiB or 64GB");
            return Optional.empty();
        }
    }

    /** One of a fixed set of words; a near miss gets "perhaps you meant". */
    public Optional<String> oneOf(Collection<String> allowed) {
        Optional<String> t = text();
        if (t.isEmpty()) {
            return Optional.empty();
        }
        if (!allowed.contains(t.get())) {
            problems.at(this, "not one of " + String.join("|", allowed), Suggestions.fix(t.get(), allowed));
            return Optional.empty();
        }
        return t;
    }

    /** The node as a mapping whose keys must be among {@code knownKeys}; unknown keys are reported. */
    public Optional<YamlMap> map(Collection<String> knownKeys) {
        if (node instanceof MappingNode m) {
            return Optional.of(new YamlMap(this, m, knownKeys));
        }
        problems.at(this, "expected a mapping (key: value), found " + kind(), "write the keys " + knownKeys);
        return Optional.empty();
    }

    /** A mapping with free keys, e.g. a map of labels. */
    public Optional<YamlMap> freeMap() {
        if (node instanceof MappingNode m) {
            return Optional.of(new YamlMap(this, m, null));
        }
        problems.at(this, "expected a mapping (key: value), found " + kind(), "write key: value pairs");
        return Optional.empty();
    }

    public List<YamlNode> list() {
        if (node instanceof SequenceNode s) {
            List<YamlNode> items = new ArrayList<>();
            for (int i = 0; i < s.getValue().size(); i++) {
                items.add(new YamlNode(file, path + "[" + i + "]", s.getValue().get(i), problems));
            }
            return items;
        }
        if (isNull()) {
            return List.of();
        }
        problems.at(this, "expected a list, found " + kind(), "write a list, e.g. [a, b] or one `- item` per line");
        return List.of();
    }

    /**
     * The value under {@code key} when this node is a mapping, without reporting anything (the node's reader reports
     * its problems once); for a second look, e.g. to place a cross-file problem or to see a name as written.
     */
    public Optional<YamlNode> peek(String key) {
        if (node instanceof MappingNode m) {
            for (org.yaml.snakeyaml.nodes.NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return Optional.of(child(key, t.getValueNode()));
                }
            }
        }
        return Optional.empty();
    }

    /** The scalar text of {@code key} as written, without reporting anything; see {@link #peek}. */
    public Optional<String> peekText(String key) {
        return peek(key).flatMap(YamlNode::peekScalar);
    }

    /** The scalar text of this node, without reporting anything when it is none. */
    public Optional<String> peekScalar() {
        return isScalar() && !isNull() ? Optional.of(scalarOrNull()) : Optional.empty();
    }

    /** The items of a list node, without reporting anything when it is not one. */
    public List<YamlNode> peekList() {
        return node instanceof SequenceNode ? list() : List.of();
    }

    YamlNode child(String key, Node child) {
        return new YamlNode(file, path.isEmpty() ? key : path + "." + key, child, problems);
    }

    private String kind() {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return isNull() ? "nothing" : "a value";
    }
}
