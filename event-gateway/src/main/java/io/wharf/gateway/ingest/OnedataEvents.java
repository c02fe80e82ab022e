package io.wharf.gateway.ingest;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.wharf.contracts.Json;
import io.wharf.contracts.onedata.OneTriggerEvent;

/**
 * Reads OneTrigger's events ({@code {"Key":"/<space>/<path>","Records":[{objectKey, objectId, eventTime,
 * eventSource:"OneTrigger"}]}}): one new file of a Onedata space per event.
 */
public final class OnedataEvents {

    private OnedataEvents() {
    }

    /**
     * A new file of a space.
     *
     * @param space the space's name
     * @param path the file's path inside the space, without a leading '/'
     * @param fileId its Onedata id, when given: what tells this file from another of the same path
     * @param time when it was noticed
     * @param event the event as received, kept for the script ({@code EVENT})
     */
    public record FileEvent(String space, String path, String fileId, Instant time, JsonNode event) {

        /** What makes the envelope's id: the file's id, so one file is one event however often it is announced. */
        public String version() {
            return fileId != null && !fileId.isBlank() ? "file-id:" + fileId : "time:" + time;
        }
    }

    /** @throws MalformedEventException naming what is wrong */
    public static FileEvent parse(byte[] body) {
        JsonNode root;
        try {
            root = Json.json().readTree(body);
        } catch (IOException e) {
            throw new MalformedEventException("not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEventException("not a OneTrigger event: expected a JSON object");
        }
        if (!root.path("Key").isTextual() || root.path("Key").asText().isBlank()) {
            throw new MalformedEventException("Key: is required, the file's path as /<space>/<path>");
        }
        String key = root.get("Key").asText();
        List<String> segments = new ArrayList<>();
        for (String segment : key.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new MalformedEventException("Key: must not contain '.' or '..' segments");
            }
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        if (segments.size() < 2 || key.endsWith("/")) {
            throw new MalformedEventException("Key: must name a file inside a space, as /<space>/<path>");
        }
        if (!root.path("Records").isArray() || root.get("Records").size() != 1) {
            throw new MalformedEventException("Records: must hold exactly one record, the file");
        }
        if (!root.get("Records").get(0).isObject()) {
            throw new MalformedEventException("Records[0]: must be an object (objectKey, objectId, eventTime, "
                    + "eventSource)");
        }
        OneTriggerEvent.Record record;
        try {
            record = Json.json().treeToValue(root.get("Records").get(0), OneTriggerEvent.Record.class);
        } catch (IOException e) {
            throw new MalformedEventException("Records[0]: not a OneTrigger record");
        }
        if (record.eventSource() != null && !OneTriggerEvent.EVENT_SOURCE.equals(record.eventSource())) {
            throw new MalformedEventException("Records[0].eventSource: must be " + OneTriggerEvent.EVENT_SOURCE);
        }
        String space = segments.get(0);
        String path = String.join("/", segments.subList(1, segments.size()));
        if (record.objectKey() != null && !path.endsWith(record.objectKey())) {
            throw new MalformedEventException("Records[0].objectKey: must be the file name Key ends with");
        }
        Instant time = record.time() != null ? record.time() : Instant.now();
        ObjectNode kept = root.deepCopy();
        return new FileEvent(space, path, record.objectId(), time, kept);
    }
}
