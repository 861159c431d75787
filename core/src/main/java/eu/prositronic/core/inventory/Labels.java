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

    /** Kubernetes' limit on a DNS-1123 label. */
    static final int DNS_1123_LABEL_MAX = 63;

    /** A required DNS-1123 label (nodes, deployments, namespaces become Kubernetes names). */
    static Optional<String> required(YamlMap m, String key, String example) {
        return required(m, key, example, DNS_1123_LABEL_MAX, false);
    }

    /** Whether {@link #required} accepts this name. */
    static boolean isLabel(String name) {
        return accepted(name, DNS_1123_LABEL_MAX, false);
    }

    private static Optional<String> required(
            YamlMap m, String key, String example, int maxLength, boolean startsWithLetter) {
        Optional<YamlNode> n = m.require(key, example);
        Optional<String> value = n.flatMap(YamlNode::string);
        if (value.isPresent() && !DNS_1123_LABEL.matcher(value.get()).matches()) {
            m.node()
                    .problems()
                    .at(
                            n.get(),
                            "not a DNS-1123 label (lower-case letters, digits and '-', at most 63, starting and ending with a letter or digit)",
                            "perhaps `" + suggestion(value.get(), example, maxLength, startsWithLetter) + "`");
            return Optional.empty();
        }
        return value;
    }

    /**
     * A name close to {@code wrong} that would itself be accepted (folded to ASCII lower case, other characters as
     * '-', cut to {@code maxLength}); {@code example} when nothing of it is left.
     */
    static String suggestion(String wrong, String example, int maxLength, boolean startsWithLetter) {
        String fixed = java.text.Normalizer.normalize(wrong, java.text.Normalizer.Form.NFKD)
                .replaceAll("\\p{M}+", "")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        if (startsWithLetter && !fixed.isEmpty() && !Character.isLetter(fixed.charAt(0))) {
            fixed = rotated(fixed);
        }
        if (fixed.length() > maxLength) {
            fixed = fixed.substring(0, maxLength).replaceAll("-+$", "");
        }
        return accepted(fixed, maxLength, startsWithLetter) ? fixed : example;
    }

    static boolean accepted(String name, int maxLength, boolean startsWithLetter) {
        return DNS_1123_LABEL.matcher(name).matches()
                && name.length() <= maxLength
                && (!startsWithLetter || Character.isLetter(name.charAt(0)));
    }

    /** Helm's limit on release names (a release name becomes labels and the names of its objects). */
    static final int HELM_RELEASE_NAME_MAX = 53;

    /**
     * A deployment name: it becomes a Helm release and a Service, so besides a DNS-1123 label it must start with a
     * letter (a Service name is a DNS-1035 label) and fit Helm's 53 characters.
     */
    static Optional<String> release(YamlMap m, String key, String example) {
        Optional<String> value = required(m, key, example, HELM_RELEASE_NAME_MAX, true);
        if (value.isEmpty()) {
            return value;
        }
        YamlNode n = m.get(key).orElseThrow();
        String v = value.get();
        if (!Character.isLetter(v.charAt(0))) {
            m.node()
                    .problems()
                    .at(
                            n,
                            "a deployment name becomes a Kubernetes Service name, which must start with a letter",
                            "perhaps `" + fixedStart(v) + "`");
            return Optional.empty();
        }
        if (v.length() > HELM_RELEASE_NAME_MAX) {
            m.node()
                    .problems()
                    .at(
                            n,
                            "longer than Helm's " + HELM_RELEASE_NAME_MAX + " characters for a release name",
                            "perhaps `" + suggestion(v, "chat", HELM_RELEASE_NAME_MAX, true) + "`");
            return Optional.empty();
        }
        return value;
    }

    /** {@code 7b-chat} becomes {@code chat-7b}; a name with no part that starts with a letter gets a {@code d-}. */
    private static String fixedStart(String v) {
        return suggestion(v, "chat", HELM_RELEASE_NAME_MAX, true);
    }

    private static String rotated(String v) {
        int dash = v.indexOf('-');
        return dash > 0 && dash < v.length() - 1 && Character.isLetter(v.charAt(dash + 1))
                ? v.substring(dash + 1) + "-" + v.substring(0, dash)
                : "d-" + v;
    }
}
