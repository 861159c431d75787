package eu.prositronic.core.yaml;

import eu.prositronic.core.problem.Suggestions;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** A YAML mapping read key by key. Unknown and duplicate keys are problems, with the closest known key suggested. */
public final class YamlMap {
    private final YamlNode self;
    private final Map<String, YamlNode> entries = new LinkedHashMap<>();

    YamlMap(YamlNode self, MappingNode node, Collection<String> knownKeys) {
        this.self = self;
        for (NodeTuple t : node.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                self.problems().at(self, "a key must be a plain word", "write `key: value`");
                continue;
            }
            YamlNode key = self.child(k.getValue(), t.getKeyNode());
            if (entries.containsKey(k.getValue())) {
                self.problems().at(key, "duplicate key `" + k.getValue() + "`", "keep one of them");
                continue;
            }
            if (knownKeys != null && !knownKeys.contains(k.getValue())) {
                self.problems().at(key, "unknown key `" + k.getValue() + "`", Suggestions.fix(k.getValue(), knownKeys));
                continue;
            }
            entries.put(k.getValue(), self.child(k.getValue(), t.getValueNode()));
        }
    }

    public YamlNode node() {
        return self;
    }

    public Optional<YamlNode> get(String key) {
        YamlNode n = entries.get(key);
        return n == null || n.isNull() ? Optional.empty() : Optional.of(n);
    }

    /** The key's node; a missing key is a problem that says what to add. */
    public Optional<YamlNode> require(String key, String example) {
        Optional<YamlNode> n = get(key);
        if (n.isEmpty()) {
            self.problems().at(self, "missing key `" + key + "`", "add `" + key + ": " + example + "`");
        }
        return n;
    }

    public Map<String, YamlNode> entries() {
        return entries;
    }

    public Optional<String> string(String key) {
        return get(key).flatMap(YamlNode::string);
    }

    public String string(String key, String fallback) {
        return string(key).orElse(fallback);
    }

    public Optional<String> requireString(String key, String example) {
        return require(key, example).flatMap(YamlNode::string);
    }

    public long integer(String key, long fallback, long min, long max) {
        return get(key).flatMap(n -> n.integer(min, max)).orElse(fallback);
    }

    public boolean bool(String key, boolean fallback) {
        return get(key).flatMap(YamlNode::bool).orElse(fallback);
    }

    public List<YamlNode> list(String key) {
        return get(key).map(YamlNode::list).orElse(List.of());
    }

    public List<String> strings(String key) {
        return list(key).stream().flatMap(n -> n.string().stream()).toList();
    }
}
