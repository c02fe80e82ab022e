package io.wharf.contracts.envelope;

/** An envelope that cannot be executed as it is; {@link #reason()} is a stable token for metrics and the DLQ. */
public class InvalidEnvelopeException extends RuntimeException {

    private final String reason;

    public InvalidEnvelopeException(String reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public InvalidEnvelopeException(String reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
