package eu.prositronic.core.inventory;

import eu.prositronic.core.yaml.YamlMap;
import eu.prositronic.core.yaml.YamlNode;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Names that become Kubernetes names: nodes, deployments, the cluster and its namespace. */
final class Labels {
    private Labels() {}

    private static final Pattern DNS_1123_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

    /** A required DNS-1123 label (nodes, deployments, namespaces become Kubernetes names). */
    static Optional<String> required(YamlMap m, String key, String example) {
        Optional<YamlNode> n = m.require(key, example);
        Optional<String> value = n.flatMap(YamlNode::string);
        if (value.isPresent() && !DNS_1123_LABEL.matcher(value.get()).matches()) {
            String fixed = value.get()
                    .toLowerCase(Locale.ROOT)
                    .replaceAll("[^a-z0-9-]+", "-")
                    .replaceAll("^-+|-+$", "");
            m.node()
                    .problems()
                    .at(
                            n.get(),
                            "not a DNS-1123 label (lower-case letters, digits and '-', at most 63, starting and ending with a letter or digit)",
                            "perhaps `" + (fixed.isEmpty() ? example : fixed) + "`");
            return Optional.empty();
        }
        return value;
    }
}
