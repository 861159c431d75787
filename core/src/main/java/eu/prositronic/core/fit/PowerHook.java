package eu.prositronic.core.fit;

import java.util.OptionalDouble;

/**
 * Where the solver asks for a deployment's power under load (watts): the hook a power model plugs into. Until one does
 * ({@link #NONE}), objective {@code power} uses a proxy (fewer bytes read per token, then fewer GPUs engaged) and the
 * alternatives' power deltas stay empty.
 */
@FunctionalInterface
public interface PowerHook {
    PowerHook NONE = p -> OptionalDouble.empty();

    OptionalDouble watts(DeploymentPlan plan);
}
