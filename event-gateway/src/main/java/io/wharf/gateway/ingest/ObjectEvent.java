package io.wharf.gateway.ingest;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One record of a MinIO (or S3) bucket notification, with the key decoded.
 *
 * @param eventName e.g. {@code s3:ObjectCreated:Put} (MinIO) or {@code ObjectCreated:Put} (AWS)
 * @param bucket the bucket
 * @param key the object key, decoded from its query escaping
 * @param size the size, absent for empty objects and removals
 * @param etag the ETag, when given
 * @param contentType the content type, when given
 * @param sequencer orders events of one key; MinIO's is the object's mtime in hex nanoseconds
 * @param time when it happened
 * @param notification the notification as if it held only this record, kept for the script
 */
public record ObjectEvent(
        String eventName,
        String bucket,
        String key,
        Long size,
        String etag,
        String contentType,
        String sequencer,
        Instant time,
        JsonNode notification,
        String producer) {

    /**
     * What tells this version of the object from another one of the same key: its content (ETag), so a notification
     * MinIO repeats, and the sweep finding the object, name the same event; an object uploaded again with the same
     * content is the same event too. An output of a Wharf execution is the same event however often that execution
     * writes it (a re-run after a failure after delivery), so the next function of a chain runs once.
     */
    public String version() {
        if (producer != null && !producer.isBlank()) {
            return "produced-by:" + producer;
        }
        if (etag != null && !etag.isBlank()) {
            // what a listing of the bucket shows too: the sweep (InputSweep) finds the same id for the same object
            return "etag:" + etag.replace("\"", "");
        }
        if (sequencer != null && !sequencer.isBlank()) {
            return "seq:" + sequencer;
        }
        return "time:" + time;
    }
}
