package eu.prositronic.core.problem;

/** Base of the core's typed errors; the Mojos turn them into build failures without a stack trace. */
public class ProsiException extends Exception {
    public ProsiException(String message) {
        super(message);
    }

    public ProsiException(String message, Throwable cause) {
        super(message, cause);
    }
}
