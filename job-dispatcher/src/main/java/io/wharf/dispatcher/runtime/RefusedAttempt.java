package io.wharf.dispatcher.runtime;

/**
 * The function asks for what this platform will not give it (a volume not offered to its owner, a feature the
 * executor lacks): the execution fails at once and is dead-lettered with the reason, never retried.
 */
public final class RefusedAttempt extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    /**
     * @param reason a short code for the dead letter ({@code volume-not-offered})
     * @param detail the sentence the user reads
     */
    public RefusedAttempt(String reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
