package eu.prositronic.core.fit;

import eu.prositronic.core.problem.ProsiException;

/** No assignment of the inventory's choices fits: the {@link Conflict} has the smallest set and what would fix it. */
public final class UnsolvableException extends ProsiException {
    private final transient Conflict conflict;

    public UnsolvableException(Conflict conflict) {
        super("deployments that cannot be placed together: "
                + String.join(
                        ", ",
                        conflict.members().stream().map(Conflict.Member::name).toList()));
        this.conflict = conflict;
    }

    public Conflict conflict() {
        return conflict;
    }
}
