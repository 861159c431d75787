package eu.prositronic.core.catalog;

import eu.prositronic.core.yaml.YamlMap;
import eu.prositronic.core.yaml.YamlNode;
import java.util.Optional;
import java.util.regex.Pattern;

/** What every catalog entry reads alike: its id (equal to the file name) and the source of its numbers. */
final class EntryFields {
    private static final Pattern ID = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

    private EntryFields() {}

    /** The entry's {@code id}: a DNS-1123 label equal to the file name. */
    static String id(YamlMap m, String idKey, String fileId) {
        Optional<YamlNode> idNode = m.require(idKey, fileId);
        String id = idNode.flatMap(YamlNode::string).orElse(fileId);
        if (idNode.isPresent() && !ID.matcher(id).matches()) {
            m.node()
                    .problems()
                    .at(idNode.get(), "an id is a DNS-1123 label", "use lower-case letters, digits and dashes");
        } else if (idNode.isPresent() && !id.equals(fileId)) {
            m.node()
                    .problems()
                    .at(idNode.get(), "the id differs from the file name `" + fileId + ".yaml`", "make them equal");
        }
        return id;
    }

    /**
     * Every number carries its source: a {@code source}, {@code computed} or {@code estimate} key. Returns the text,
     * prefixed with {@code computed: } or {@code estimate: } for those keys.
     */
    static String requireSource(YamlMap m) {
        for (String key : CatalogKeys.SOURCES) {
            Optional<YamlNode> n = m.get(key);
            if (n.isPresent()) {
                String text = n.get().isList()
                        ? String.join(
                                ", ",
                                n.get().list().stream()
                                        .flatMap(x -> x.string().stream())
                                        .toList())
                        : n.get().string().orElse("");
                return key.equals(CatalogKeys.SOURCE) ? text : key + ": " + text;
            }
        }
        m.node()
                .problems()
                .at(
                        m.node(),
                        "these numbers have no source",
                        "add `source: <url>`, `computed: <how>` or `estimate: <why>`");
        return "";
    }
}
