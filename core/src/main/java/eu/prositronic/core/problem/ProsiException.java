package eu.prositronic.core.problem;

import java.util.Objects;

/**
 * Base of the core's typed errors; the front ends turn them into build failures without a stack trace. A hint that
 * names a setting is kept as a {@link Hint}, so each front end spells the setting its own way: a Mojo reports {@link
 * #message(Setting.Spellings)} with its spellings, {@link #getMessage()} uses the neutral ones.
 */
public class ProsiException extends Exception {
    /** A message that names settings, written once for every front end. */
    @FunctionalInterface
    public interface Hint {
        String in(Setting.Spellings spellings);
    }

    private final Hint hint;

    public ProsiException(String message) {
        this(s -> message);
    }

    public ProsiException(String message, Throwable cause) {
        this(s -> message, cause);
    }

    /** A message that names settings: {@code s -> "… or point " + s.of(Setting.INVENTORY) + " at yours"}. */
    public ProsiException(Hint message) {
        super(Objects.requireNonNull(message).in(Setting.Spellings.NEUTRAL));
        this.hint = message;
    }

    public ProsiException(Hint message, Throwable cause) {
        super(Objects.requireNonNull(message).in(Setting.Spellings.NEUTRAL), cause);
        this.hint = message;
    }

    /** The message with the settings spelled as the front end writes them. */
    public String message(Setting.Spellings spellings) {
        return hint.in(spellings);
    }
}
