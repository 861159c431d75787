package eu.prositronic.core.fit;

import eu.prositronic.core.problem.ProsiException;
import java.util.List;

/** Some deployments cannot run where the inventory puts them; the message has the numbers and nearby plans that fit. */
public final class NoFitException extends ProsiException {
    private final List<String> reports;

    public NoFitException(List<String> reports) {
        super(String.join("\n", reports));
        this.reports = List.copyOf(reports);
    }

    public List<String> reports() {
        return reports;
    }
}
