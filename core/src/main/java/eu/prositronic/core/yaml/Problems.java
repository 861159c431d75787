package eu.prositronic.core.yaml;

import eu.prositronic.core.problem.InvalidInputException;
import eu.prositronic.core.problem.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every problem of a load, so one run reports them all. */
public final class Problems {
    private final List<Problem> list = new ArrayList<>();

    public void add(Problem p) {
        list.add(p);
    }

    public void add(Path file, String message, String fix) {
        list.add(new Problem(file, 0, 0, "", null, message, fix));
    }

    /** A problem at a node: file, line, column, YAML path, and the scalar value when there is one. */
    public void at(YamlNode node, String message, String fix) {
        list.add(new Problem(node.file(), node.line(), node.column(), node.path(), node.scalarOrNull(), message, fix));
    }

    public int size() {
        return list.size();
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public List<Problem> list() {
        return List.copyOf(list);
    }

    /** Throws when anything was found, in file and line order. */
    public void throwIfAny() throws InvalidInputException {
        if (!list.isEmpty()) {
            List<Problem> sorted = new ArrayList<>(list);
            sorted.sort(Comparator.comparing(
                            (Problem p) -> p.file() == null ? "" : p.file().toString())
                    .thenComparingInt(Problem::line)
                    .thenComparingInt(Problem::column));
            throw new InvalidInputException(sorted);
        }
    }
}
