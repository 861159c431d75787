package eu.prositronic.core.inventory;

import java.util.List;

/** The {@code node:} of a deployment as asked: one node by name, or a selector ({@code auto} selects any). */
public sealed interface NodeChoice {
    /** The nodes the solver may choose from, in inventory order. */
    List<Node> candidates(List<Node> nodes);

    /** {@code node: gpu-01}: never changed. */
    record Fixed(Node node) implements NodeChoice {
        @Override
        public List<Node> candidates(List<Node> nodes) {
            return List.of(node);
        }
    }

    /** {@code node: auto} ({@link NodeSelector#ANY}) or {@code node: {labels: …, gpu: …, minVram: …}}. */
    record Select(NodeSelector selector) implements NodeChoice {
        @Override
        public List<Node> candidates(List<Node> nodes) {
            return nodes.stream().filter(selector::matches).toList();
        }
    }
}
