package eu.prositronic.core.fit;

import eu.prositronic.core.catalog.Catalog;
import eu.prositronic.core.catalog.ModelSpec;
import eu.prositronic.core.catalog.ModelSpec.QuantFile;
import eu.prositronic.core.inventory.Deployment;
import eu.prositronic.core.inventory.DraftSetting;
import eu.prositronic.core.inventory.VisionSetting;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fits and plans of one planning, each computed once for deployments alike but for their names: a fleet is mostly
 * alike nodes running alike deployments, and each fit searches the largest context that fits. Exact by what the keys
 * hold: a fit is a function of the memory model (the model, its file, the vision and draft settings, whether the node
 * has a GPU: {@link PlanBuilder#memoryModel}) and the request ({@link Planner#request}); a plan of the deployment, its
 * fit and how many share its node, and nothing in {@link PlanBuilder#build} reads a name, so a plan built for the
 * deployment without names is the deployment's once it is put back ({@link DeploymentPlan#renamed}).
 */
final class FitMemo {
    private record FitKey(
            ModelSpec model,
            QuantFile quant,
            VisionSetting vision,
            Optional<DraftSetting> draft,
            boolean gpu,
            Fitter.Request request) {
        @Override
        public int hashCode() {
            // the model's own hash walks its whole tensor table; its id tells models apart
            return (model.id().hashCode() * 31 + quant.quant().hashCode()) * 31 + request.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FitKey k
                    && gpu == k.gpu
                    && request.equals(k.request)
                    && quant.equals(k.quant)
                    && model.equals(k.model)
                    && vision.equals(k.vision)
                    && draft.equals(k.draft);
        }
    }

    private record PlanKey(Deployment unnamed, Fitter.Fitted fitted, int onNode) {
        @Override
        public int hashCode() {
            return (unnamed.model().id().hashCode() * 31 + fitted.hashCode()) * 31 + onNode;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PlanKey k && onNode == k.onNode && fitted.equals(k.fitted) && unnamed.equals(k.unnamed);
        }
    }

    /** Fits and plans served from a key, since the JVM started (for tests and benchmarks). */
    static final java.util.concurrent.atomic.LongAdder REUSED = new java.util.concurrent.atomic.LongAdder();

    private final Map<FitKey, Fitter.Result> fits = new ConcurrentHashMap<>();
    private final Map<PlanKey, DeploymentPlan> plans = new ConcurrentHashMap<>();

    /** {@link Planner#fit}, once per key. */
    Fitter.Result fit(Deployment d, NodeBudget budget, NodeBudget.Share share, int onNode, Catalog catalog) {
        Fitter.Request request = Planner.request(d, budget, share, onNode, catalog);
        FitKey key =
                new FitKey(d.model(), d.quant(), d.vision(), d.draft(), d.node().hasGpu(), request);
        Fitter.Result known = fits.get(key);
        if (known == null) {
            known = Fitter.fit(PlanBuilder.memoryModel(d), request);
            fits.putIfAbsent(key, known);
        } else {
            REUSED.increment();
        }
        return known;
    }

    /** {@link PlanBuilder#build}, once per key. */
    DeploymentPlan build(Deployment d, Fitter.Fitted fitted, Catalog catalog, int onNode) {
        Deployment unnamed = d.renamed("", d.node().renamed("", ""));
        PlanKey key = new PlanKey(unnamed, fitted, onNode);
        DeploymentPlan known = plans.get(key);
        if (known == null) {
            known = PlanBuilder.build(unnamed, fitted, catalog, onNode);
            plans.putIfAbsent(key, known);
        } else {
            REUSED.increment();
        }
        return known.renamed(d);
    }
}
