package eu.prositronic.core.problem;

import java.util.List;
import java.util.stream.Collectors;

/** The input is wrong; carries every problem found, so the user can fix them all in one go. */
public final class InvalidInputException extends ProsiException {
    private final List<Problem> problems;

    public InvalidInputException(List<Problem> problems) {
        super(summary(problems));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String summary(List<Problem> problems) {
        String head = problems.size() == 1 ? "1 problem in the input:" : problems.size() + " problems in the input:";
        return problems.stream().map(p -> "  " + p.format()).collect(Collectors.joining("\n", head + "\n", ""));
    }
}
