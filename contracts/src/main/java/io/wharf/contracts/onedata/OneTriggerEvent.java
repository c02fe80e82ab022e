package io.wharf.contracts.onedata;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * OneTrigger's event (grycap/onetrigger 1.0.3 and later), which OSCAR's supervisor reads:
 * {@code {"Key":"/<space>/<path>","Records":[{"objectKey":"<file name>","objectId":"<file id>",
 * "eventTime":"<naive UTC ISO time>","eventSource":"OneTrigger"}]}}.
 *
 * @param key the file's path, starting with {@code /<space name>/}
 * @param records one record: the file
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record OneTriggerEvent(
        @JsonProperty("Key") String key,
        @JsonProperty("Records") List<Record> records) {

    public static final String EVENT_SOURCE = "OneTrigger";

    public OneTriggerEvent {
        records = records == null ? List.of() : List.copyOf(records);
    }

    /** The event for one new file of a space ({@code path} inside the space, without a leading '/'). */
    public static OneTriggerEvent of(String space, String path, String fileId, Instant time) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        // as OneTrigger writes it: Python's datetime.utcnow().isoformat(), UTC without an offset
        String eventTime = LocalDateTime.ofInstant(time, ZoneOffset.UTC).toString();
        return new OneTriggerEvent("/" + space + "/" + path,
                List.of(new Record(name, fileId, eventTime, EVENT_SOURCE)));
    }

    /**
     * @param objectKey the file's name
     * @param objectId the file's Onedata id
     * @param eventTime naive UTC ISO-8601 (OneTrigger writes no offset)
     * @param eventSource {@value #EVENT_SOURCE}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Record(
            @JsonProperty("objectKey") String objectKey,
            @JsonProperty("objectId") String objectId,
            @JsonProperty("eventTime") String eventTime,
            @JsonProperty("eventSource") String eventSource) {

        /** The event time, read as UTC when it has no offset; {@code null} when absent or unreadable. */
        public Instant time() {
            if (eventTime == null || eventTime.isBlank()) {
                return null;
            }
            try {
                return Instant.parse(eventTime);
            } catch (DateTimeParseException e) {
                try {
                    return LocalDateTime.parse(eventTime).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException again) {
                    return null;
                }
            }
        }
    }
}
