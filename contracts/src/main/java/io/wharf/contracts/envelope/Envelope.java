package io.wharf.contracts.envelope;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The one shape every event takes inside Wharf: a CloudEvents 1.0 event in structured JSON mode, whatever the
 * provider it came from.
 *
 * @param specversion always {@value #SPEC_VERSION}
 * @param id deterministic, lowercase hex SHA-256 (see {@link EnvelopeIds}); also the JetStream message id
 * @param source {@code minio://host:port/bucket}, {@code onedata://provider/space} or {@code api://gateway}
 * @param type one of the {@code TYPE_*} constants
 * @param subject the object key, decoded; absent for invocations
 * @param time when the event happened at its source
 * @param datacontenttype always {@code application/json}
 * @param wharffunction extension attribute: the function that must run
 * @param data the provider's view of the event, with the original event in {@link EventData#raw()}
 * @param wharffunctionuid extension attribute: the uid of the function the event was accepted for; a function
 *        deleted and created again under the same name has another, and runs none of its predecessor's events
 * @param wharfreply extension attribute: {@code true} when a caller waits for the execution's response
 *        ({@code POST /run}), which the dispatcher then keeps for it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Envelope(
        String specversion,
        String id,
        String source,
        String type,
        String subject,
        Instant time,
        String datacontenttype,
        String wharffunction,
        EventData data,
        String wharffunctionuid,
        Boolean wharfreply) {

    public static final String SPEC_VERSION = "1.0";
    public static final String TYPE_OBJECT_CREATED = "io.wharf.object.created";
    public static final String TYPE_OBJECT_REMOVED = "io.wharf.object.removed";
    public static final String TYPE_INVOCATION = "io.wharf.invocation";
    public static final String CONTENT_TYPE = "application/json";

    /** A new envelope with the fixed attributes filled in. */
    public static Envelope of(String id, String source, String type, String subject, Instant time, String function,
            EventData data) {
        return new Envelope(SPEC_VERSION, id, source, type, subject, time, CONTENT_TYPE, function, data, null, null);
    }

    /** The same envelope, for the function of this uid. */
    public Envelope forFunctionUid(String uid) {
        return new Envelope(specversion, id, source, type, subject, time, datacontenttype, wharffunction, data, uid,
                wharfreply);
    }

    /** The same envelope, with a caller waiting for its response. */
    public Envelope awaitingReply() {
        return new Envelope(specversion, id, source, type, subject, time, datacontenttype, wharffunction, data,
                wharffunctionuid, true);
    }

    /** Whether a caller waits for the execution's response ({@code POST /run}). */
    public boolean wantsReply() {
        return Boolean.TRUE.equals(wharfreply);
    }

    public boolean isInvocation() {
        return TYPE_INVOCATION.equals(type);
    }
}
