package io.wharf.gateway.storage;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;

import io.wharf.contracts.Json;
import io.wharf.gateway.api.ApiException;

/** Reads a JSON request body into its record; what is not JSON, or a field of the wrong type, is a 400 naming it. */
final class JsonBody {

    private JsonBody() {
    }

    /** @throws ApiException 400 naming {@code body}, or the field whose value has the wrong type */
    static <T> T read(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw BadInput.of("body", "must be a JSON object");
        }
        T value;
        try {
            value = Json.json().readValue(body, type);
        } catch (JsonMappingException e) {
            String field = e.getPath().isEmpty() ? null : e.getPath().get(0).getFieldName();
            Class<?> expected = field == null ? null : componentType(type, field);
            throw expected == null
                    ? BadInput.of("body", "must be a JSON object")
                    : BadInput.of(field, "must be " + describe(expected));
        } catch (JsonProcessingException e) {
            throw BadInput.of("body", "must be a JSON object (" + firstLine(e.getOriginalMessage()) + ")");
        }
        if (value == null) {
            throw BadInput.of("body", "must be a JSON object");
        }
        return value;
    }

    /** The type of the record component that {@code field} is read into, if the record has one. */
    private static Class<?> componentType(Class<?> type, String field) {
        if (!type.isRecord()) {
            return null;
        }
        for (RecordComponent component : type.getRecordComponents()) {
            JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
            if (property != null && property.value().equals(field)) {
                return component.getType();
            }
        }
        return null;
    }

    private static String describe(Class<?> type) {
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a whole number";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list of strings";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "an object whose values are strings";
        }
        return "a string";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
