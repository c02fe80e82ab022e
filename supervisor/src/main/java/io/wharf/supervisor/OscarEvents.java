package io.wharf.supervisor;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.wharf.contracts.Json;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EventData;

/**
 * The event as OSCAR hands it to a script in {@code EVENT}: for a stored object, the bucket notification MinIO sent
 * (with one record); for an invocation, the request's body. An object Wharf found by sweeping its input folder, which
 * came with no notification, gets the one MinIO would have sent, so that scripts parsing {@code EVENT} read it alike.
 */
final class OscarEvents {

    private OscarEvents() {
    }

    /** {@code EVENT}; empty when the event is larger than {@link Supervisor#MAX_INLINE_EVENT_BYTES} or not text. */
    static Optional<String> event(Envelope envelope) {
        String text = envelope.isInvocation() ? bodyText(envelope.data()) : notification(envelope).toString();
        return Optional.ofNullable(text)
                .filter(t -> t.getBytes(StandardCharsets.UTF_8).length <= Supervisor.MAX_INLINE_EVENT_BYTES);
    }

    /** {@code EVENT_TIME}: the record's {@code eventTime}, as MinIO wrote it. */
    static Optional<String> eventTime(Envelope envelope) {
        JsonNode time = notification(envelope).path("Records").path(0).path("eventTime");
        return time.isTextual() ? Optional.of(time.asText()) : Optional.empty();
    }

    private static JsonNode notification(Envelope envelope) {
        JsonNode raw = envelope.data().raw();
        if (raw != null && raw.path("Records").isArray()) {
            return raw;
        }
        EventData data = envelope.data();
        ObjectNode n = Json.json().createObjectNode();
        n.put("EventName", "s3:ObjectCreated:Put");
        n.put("Key", data.bucket() + "/" + data.key());
        ObjectNode record = n.putArray("Records").addObject();
        record.put("eventVersion", "2.0");
        record.put("eventSource", "minio:s3");
        if (envelope.time() != null) {
            record.put("eventTime", envelope.time().toString());
        }
        record.put("eventName", "s3:ObjectCreated:Put");
        ObjectNode s3 = record.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.putObject("bucket").put("name", data.bucket());
        ObjectNode object = s3.putObject("object");
        object.put("key", URLEncoder.encode(data.key(), StandardCharsets.UTF_8));
        if (data.size() != null) {
            object.put("size", data.size());
        }
        if (data.etag() != null) {
            object.put("eTag", data.etag());
        }
        if (data.contentType() != null) {
            object.put("contentType", data.contentType());
        }
        return n;
    }

    /** The body as received, when it is UTF-8 text without NUL characters (no environment variable holds others). */
    private static String bodyText(EventData data) {
        byte[] body = data.body() == null ? new byte[0] : Base64.getDecoder().decode(data.body());
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
            return text.indexOf('\0') >= 0 ? null : text;
        } catch (CharacterCodingException binary) {
            return null;
        }
    }
}
