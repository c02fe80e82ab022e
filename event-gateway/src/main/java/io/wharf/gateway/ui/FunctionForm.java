package io.wharf.gateway.ui;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.wharf.contracts.Json;
import io.wharf.contracts.Violation;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.StorageIO;

/**
 * The function form: what a person types (name, image, script; CPU, memory and timeout under "more options"; the
 * input and output folders), turned into the JSON body {@code POST /system/services} takes, and the API's violations
 * turned back into a message beside each field.
 */
@RegisterForReflection
public record FunctionForm(String name, String image, String script, String cpu, String memory, String timeout,
        String input, String output) {

    /** The fields the form has; violations of any other field are shown above the form. */
    public static final List<String> FIELDS = List.of("name", "image", "script", "cpu", "memory", "timeout", "input",
            "output");

    /** What the form calls each field. */
    public static final Map<String, String> LABELS = Map.of("name", "Name", "image", "Container image", "script",
            "Script", "cpu", "CPU", "memory", "Memory", "timeout", "Timeout", "input", "Input folder", "output",
            "Output folder");

    private static final Pattern FDL_PREFIX = Pattern.compile("^functions\\.oscar\\[\\d+\\]\\.[^.]+\\.");

    public FunctionForm {
        name = clean(name);
        image = clean(image);
        script = script == null ? "" : script.replace("\r\n", "\n");
        cpu = clean(cpu);
        memory = clean(memory);
        timeout = clean(timeout);
        input = clean(input);
        output = clean(output);
    }

    public static FunctionForm empty() {
        return new FunctionForm("", "", "#!/bin/sh\n# $INPUT_FILE_PATH is the file; write results to $TMP_OUTPUT_DIR\n"
                + "wc \"$INPUT_FILE_PATH\" > \"$TMP_OUTPUT_DIR/$(basename \"$INPUT_FILE_PATH\").wc\"\n", "", "", "", "",
                "");
    }

    /** The form of an existing function: its first input and output folders. */
    public static FunctionForm of(FunctionDefinition fn) {
        return new FunctionForm(fn.name(), fn.image(), fn.script(), fn.cpu(), fn.memory(),
                fn.timeout() == null ? "" : fn.timeout().toString(),
                fn.input().isEmpty() ? "" : fn.input().get(0).path(),
                fn.output().isEmpty() ? "" : fn.output().get(0).path());
    }

    /** Whether a "more options" field is set, so that the section opens. */
    public boolean hasMoreOptions() {
        return !cpu.isEmpty() || !memory.isEmpty() || !timeout.isEmpty();
    }

    /** A new function's JSON body. */
    public String toJson() {
        return write(apply(new LinkedHashMap<>()));
    }

    /**
     * The body replacing {@code current}: the form's fields over the function's own definition, so what the form does
     * not show (environment, suffixes, sharing, further folders, ...) stays as it was.
     */
    public String toJson(FunctionDefinition current) {
        Map<String, Object> definition = Json.json().convertValue(current, new TypeReference<>() {
        });
        definition.remove("owner");
        definition.remove("uid");
        definition.remove("revision");
        return write(apply(definition));
    }

    private Map<String, Object> apply(Map<String, Object> definition) {
        definition.put("name", name);
        definition.put("image", image);
        definition.put("script", script);
        putOrRemove(definition, "cpu", cpu);
        putOrRemove(definition, "memory", memory);
        if (timeout.isEmpty()) {
            definition.remove("timeout");
        } else {
            // a number when it is one; the API names anything else as a wrong type of the timeout field
            definition.put("timeout", timeout.matches("\\d{1,9}") ? (Object) Integer.valueOf(timeout) : timeout);
        }
        definition.put("input", folders(definition.get("input"), input));
        definition.put("output", folders(definition.get("output"), output));
        return definition;
    }

    /** The first folder replaced by the form's (a platform MinIO path), the others kept. */
    private static List<Object> folders(Object current, String path) {
        List<Object> folders = current instanceof List<?> list ? new ArrayList<>(list) : new ArrayList<>();
        if (path.isEmpty()) {
            if (!folders.isEmpty()) {
                folders.remove(0);
            }
            return folders;
        }
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("storage_provider", "minio");
        first.put("path", path);
        if (!folders.isEmpty() && folders.get(0) instanceof Map<?, ?> old) {
            // suffix and prefix filters stay; the provider is the platform's MinIO, the one the form offers
            old.forEach((k, v) -> {
                if (!k.equals("storage_provider") && !k.equals("path")) {
                    first.put(String.valueOf(k), v);
                }
            });
            folders.set(0, first);
        } else {
            folders.add(0, first);
        }
        return folders;
    }

    /**
     * The form field a violation belongs to ({@code memory}, {@code input[0].path} -> {@code input}, ...), or
     * {@code null} when the form has no such field.
     */
    public static String fieldOf(Violation violation) {
        String field = FDL_PREFIX.matcher(violation.field()).replaceFirst("");
        if (field.startsWith("input")) {
            return "input";
        }
        if (field.startsWith("output")) {
            return "output";
        }
        return FIELDS.contains(field) ? field : null;
    }

    /** Whether a platform-MinIO location, which the UI can upload to and list. */
    public static boolean onPlatformMinio(StorageIO location) {
        return location.provider() != null && location.provider().isPlatformMinio();
    }

    private static void putOrRemove(Map<String, Object> definition, String key, String value) {
        if (value.isEmpty()) {
            definition.remove(key);
        } else {
            definition.put(key, value);
        }
    }

    private static String write(Map<String, Object> definition) {
        try {
            return Json.json().writeValueAsString(definition);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a function definition", e);
        }
    }

    private static String clean(String value) {
        return value == null ? "" : value.strip();
    }
}
