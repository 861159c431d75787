package eu.prositronic.core.inventory;

import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A deployment as the inventory asks for it, before the solver (fit/Solver) chooses what the inventory leaves open:
 * the quantization ({@link QuantChoice}), the node ({@link NodeChoice}) and the context ({@link ContextAsk}), under an
 * {@link Objective} (empty: the fleet's). Every other setting is as written; {@code port} is empty when not written
 * (the solver then gives 8080, or the next port free on the chosen node). {@code where} places each asked key in the
 * inventory ({@code item}, {@code quant}, {@code node}, {@code context}) for messages and edits.
 */
public record DeploymentRequest(
        String name,
        ModelSpec model,
        QuantChoice quant,
        NodeChoice node,
        ContextAsk context,
        Optional<Objective> objective,
        CacheType cacheTypeK,
        CacheType cacheTypeV,
        FlashAttn flashAttn,
        int parallel,
        int batchSize,
        int ubatchSize,
        boolean thinking,
        OptionalInt port,
        boolean metrics,
        LayoutPins pins,
        boolean kvUnified,
        VisionSetting vision,
        Optional<DraftSetting> draft,
        Map<String, Position> where) {

    public DeploymentRequest {
        where = Map.copyOf(where);
    }

    /**
     * Where a key's value is in the inventory: its YAML path, the line and column (1-based) where it starts and just
     * after it ends, so that an edit can replace exactly it ({@link InventoryEdit}).
     */
    public record Position(String path, int line, int column, int endLine, int endColumn) {}

    /** Nothing is left to choose: one file, one node, and a context that is `max` or a number. */
    public boolean explicit() {
        return quant instanceof QuantChoice.Fixed
                && node instanceof NodeChoice.Fixed
                && !(context instanceof ContextAsk.Range);
    }

    public Optional<Position> at(String key) {
        return Optional.ofNullable(where.get(key));
    }

    /** The concrete deployment once file, node, context and port are chosen. */
    public Deployment resolve(QuantFile q, Node n, OptionalLong ctx, int chosenPort) {
        return new Deployment(
                name,
                model,
                q,
                n,
                ctx,
                cacheTypeK,
                cacheTypeV,
                flashAttn,
                parallel,
                batchSize,
                ubatchSize,
                thinking,
                chosenPort,
                metrics,
                pins,
                kvUnified,
                vision,
                draft);
    }

    /** The deployment as written, when {@link #explicit()}. */
    public Deployment explicitDeployment() {
        return resolve(
                ((QuantChoice.Fixed) quant).quant(),
                ((NodeChoice.Fixed) node).node(),
                context.asDeployed(),
                port.orElse(Deployment.DEFAULT_PORT));
    }

    public DeploymentRequest withQuant(QuantChoice q) {
        return copy(q, node, context, pins);
    }

    public DeploymentRequest withNode(NodeChoice n) {
        return copy(quant, n, context, pins);
    }

    public DeploymentRequest withContext(ContextAsk c) {
        return copy(quant, node, c, pins);
    }

    /** The same request on a node whose hardware changed (a what-if): pins made for the old GPUs are dropped. */
    public DeploymentRequest onChanged(Node changed) {
        return copy(quant, new NodeChoice.Fixed(changed), context, LayoutPins.NONE);
    }

    /** The same request with another file, node, context or layout pins (a relaxation or a what-if being tried). */
    private DeploymentRequest copy(QuantChoice q, NodeChoice n, ContextAsk c, LayoutPins p) {
        return new DeploymentRequest(
                name,
                model,
                q,
                n,
                c,
                objective,
                cacheTypeK,
                cacheTypeV,
                flashAttn,
                parallel,
                batchSize,
                ubatchSize,
                thinking,
                port,
                metrics,
                p,
                kvUnified,
                vision,
                draft,
                where);
    }
}
