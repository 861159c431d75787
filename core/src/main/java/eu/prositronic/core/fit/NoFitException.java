package eu.prositronic.core.fit;

import eu.prositronic.core.problem.ProsiException;
import java.util.List;

/** Some deployments cannot run where the inventory puts them; each {@link NoFit} has the numbers and plans that fit. */
public final class NoFitException extends ProsiException {
    private final transient List<NoFit> noFits;

    public NoFitException(List<NoFit> noFits) {
        super(noFits.size() + " deployment(s) do not fit: "
                + String.join(
                        ", ", noFits.stream().map(n -> n.deployment().name()).toList()));
        this.noFits = List.copyOf(noFits);
    }

    public List<NoFit> noFits() {
        return noFits;
    }
}
