package io.wharf.gateway.ingest;

/** A notification or invocation that cannot be executed as it is; it is dead-lettered with {@link #reason()}. */
public class MalformedEventException extends RuntimeException {

    public static final String MALFORMED = "malformed-event";
    public static final String UNKNOWN_FUNCTION = "unknown-function";

    private final String reason;

    public MalformedEventException(String detail) {
        this(MALFORMED, detail);
    }

    public MalformedEventException(String reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
