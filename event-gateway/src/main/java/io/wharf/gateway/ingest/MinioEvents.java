package io.wharf.gateway.ingest;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.wharf.contracts.Json;

/**
 * Reads MinIO bucket notifications (webhook body or NATS payload: {@code {EventName, Key, Records:[...]}}) and AWS S3
 * ones ({@code {Records:[...]}}). Only object creations by an upload, a POST, a copy or a completed multipart upload
 * start executions: tagging, retention and legal-hold changes are {@code ObjectCreated} events too, and must not.
 */
public final class MinioEvents {

    /** MinIO and S3 send one record per notification; a client posting many is refused past this. */
    public static final int MAX_RECORDS = 100;
    /** A record is a few hundred bytes; its copy travels in every envelope, so it must stay small. */
    public static final int MAX_RECORD_BYTES = 64 * 1024;

    private static final Set<String> PROCESSED = Set.of("ObjectCreated:Put", "ObjectCreated:Post",
            "ObjectCreated:Copy", "ObjectCreated:CompleteMultipartUpload");

    private MinioEvents() {
    }

    /** @throws MalformedEventException when the body is not a bucket notification */
    public static List<ObjectEvent> parse(byte[] body) {
        JsonNode root;
        try {
            root = Json.json().readTree(body);
        } catch (IOException e) {
            throw new MalformedEventException("not JSON");
        }
        if (root == null || !root.path("Records").isArray()) {
            throw new MalformedEventException("not a bucket notification: no Records list");
        }
        if (root.get("Records").size() > MAX_RECORDS) {
            throw new MalformedEventException("Records: a notification may hold at most " + MAX_RECORDS
                    + " records, this one holds " + root.get("Records").size());
        }
        List<ObjectEvent> events = new ArrayList<>();
        for (JsonNode record : root.get("Records")) {
            events.add(read(record, singleRecord(root, record)));
        }
        return events;
    }

    /** Whether an event should run functions: an object created by new content, and not a folder marker. */
    public static boolean isProcessed(ObjectEvent event) {
        String name = event.eventName().startsWith("s3:") ? event.eventName().substring(3) : event.eventName();
        return PROCESSED.contains(name) && !event.key().endsWith("/");
    }

    /** Whether a JSON body looks like a bucket notification (OSCAR also posts them to {@code /job/<name>}). */
    public static boolean looksLikeNotification(JsonNode root) {
        return root != null && root.path("Records").isArray() && root.path("Records").size() > 0
                && root.path("Records").get(0).path("s3").isObject();
    }

    /**
     * The notification as it would be had it held only this record (as MinIO sends them): what the script sees of
     * it. Each envelope carries its own record, never the whole notification.
     */
    private static JsonNode singleRecord(JsonNode root, JsonNode record) {
        ObjectNode copy = Json.json().createObjectNode();
        root.fields().forEachRemaining(field -> {
            if (!field.getKey().equals("Records")) {
                copy.set(field.getKey(), field.getValue());
            }
        });
        copy.set("Records", copy.arrayNode().add(record));
        if (copy.toString().length() > MAX_RECORD_BYTES) {
            throw new MalformedEventException("a record of the notification is larger than " + MAX_RECORD_BYTES
                    + " bytes");
        }
        return copy;
    }

    private static ObjectEvent read(JsonNode record, JsonNode notification) {
        if (!record.isObject()) {
            throw new MalformedEventException("Records: every record must be an object");
        }
        JsonNode s3 = record.path("s3");
        String bucket = s3.path("bucket").path("name").asText(null);
        String escapedKey = s3.path("object").path("key").asText(null);
        String eventName = record.path("eventName").asText(null);
        if (bucket == null || escapedKey == null || eventName == null || !s3.path("bucket").path("name").isTextual()
                || !s3.path("object").path("key").isTextual() || !record.path("eventName").isTextual()) {
            throw new MalformedEventException("a record lacks eventName, s3.bucket.name or s3.object.key");
        }
        String key;
        try {
            key = URLDecoder.decode(escapedKey, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("s3.object.key is not query-escaped: " + e.getMessage());
        }
        JsonNode object = s3.path("object");
        return new ObjectEvent(eventName, bucket, key,
                object.hasNonNull("size") ? object.get("size").asLong() : null,
                text(object, "eTag"), text(object, "contentType"), text(object, "sequencer"),
                time(record.path("eventTime").asText(null)), notification, producer(object.path("userMetadata")));
    }

    /** The execution that wrote the object ({@code x-amz-meta-wharf-execution}, in whatever case MinIO sends it). */
    private static String producer(JsonNode metadata) {
        if (!metadata.isObject()) {
            return null;
        }
        for (var fields = metadata.fields(); fields.hasNext();) {
            var field = fields.next();
            if (field.getKey().equalsIgnoreCase("x-amz-meta-wharf-execution") && field.getValue().isTextual()) {
                String value = field.getValue().asText();
                return value.length() <= 256 ? value : null;
            }
        }
        return null;
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    private static Instant time(String text) {
        if (text == null) {
            return Instant.now();
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return Instant.now();
        }
    }
}
