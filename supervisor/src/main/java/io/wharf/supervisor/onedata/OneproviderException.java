package io.wharf.supervisor.onedata;

import java.io.IOException;

/**
 * A Oneprovider answered a request with an error. The message names the operation, the path and the status, and
 * never the token.
 */
public class OneproviderException extends IOException {

    private final int status;

    public OneproviderException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** Why a Oneprovider's answer is a failure, in words (the token refused, not found, or the status). */
    public static String reason(int status) {
        return switch (status) {
            case 401 -> "the Oneprovider refused the token (401)";
            case 403 -> "the token may not do this (403)";
            case 404 -> "not found (404)";
            default -> "the Oneprovider answered " + status;
        };
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** Whether the token was refused: 401, or 403 (the token may not do this). */
    public boolean tokenRefused() {
        return status == 401 || status == 403;
    }

    /** Whether the path does not exist (404, or Onedata's 400 {@code enoent}). */
    public boolean notFound() {
        return status == 404;
    }
}
