package eu.prositronic.core.inventory;

import java.util.OptionalLong;

/** The {@code context:} of a deployment as asked: {@code max}, a number of tokens, or {@code {min: N, max: N}}. */
public sealed interface ContextAsk {
    /** {@code context: max}: the largest that fits, up to the trained maximum. */
    record Max() implements ContextAsk {}

    /** {@code context: 32768}: exactly this, never changed. */
    record Exact(long tokens) implements ContextAsk {}

    /** {@code context: {min: 16384, max: 65536}}: the solver chooses within, the largest its objective allows. */
    record Range(long min, long max) implements ContextAsk {}

    /** The deployment's context when the solver has nothing to choose: empty for max. */
    default OptionalLong asDeployed() {
        return this instanceof Exact e ? OptionalLong.of(e.tokens()) : OptionalLong.empty();
    }
}
