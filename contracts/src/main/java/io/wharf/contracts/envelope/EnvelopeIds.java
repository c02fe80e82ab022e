package io.wharf.contracts.envelope;

import io.wharf.contracts.Hashes;

/**
 * Deterministic envelope and execution ids. The same event, delivered twice by its source, gets the same envelope id,
 * so JetStream drops the second publish and the dispatcher never starts a second execution.
 * <p>
 * The function is part of the hash: two functions watching the same bucket each get their own envelope for one
 * upload, which a hash of source, key and version alone would merge into one.
 */
public final class EnvelopeIds {

    private static final int EXECUTION_ID_HEX = 16;

    private EnvelopeIds() {
    }

    /** The id of an object event: source, key and the object's version (ETag, sequencer or mtime). */
    public static String forObject(String function, String source, String key, String version) {
        return Hashes.sha256Hex(function, source, key, version);
    }

    /** As {@link #forObject(String, String, String, String)}, for one incarnation of the function (its uid). */
    public static String forObject(String function, String functionUid, String source, String key, String version) {
        return functionUid == null
                ? forObject(function, source, key, version)
                : Hashes.sha256Hex(function, functionUid, source, key, version);
    }

    /** The id of an invocation: where it came from and a token unique there (a request id, a stream sequence). */
    public static String forInvocation(String function, String source, String uniqueToken) {
        return Hashes.sha256Hex(function, source, uniqueToken);
    }

    /** As {@link #forInvocation(String, String, String)}, for one incarnation of the function (its uid). */
    public static String forInvocation(String function, String functionUid, String source, String uniqueToken) {
        return functionUid == null
                ? forInvocation(function, source, uniqueToken)
                : Hashes.sha256Hex(function, functionUid, source, uniqueToken);
    }

    /**
     * The execution id for an envelope: {@code <function>-<first 16 hex of the envelope id>}. 64 bits keep
     * accidental collisions out of reach for billions of events per function; the result is a valid DNS label
     * (at most 39 + 1 + 16 characters), so it can name a container or a Kubernetes Job as is.
     */
    public static String executionId(String function, String envelopeId) {
        return function + "-" + envelopeId.substring(0, EXECUTION_ID_HEX);
    }
}
