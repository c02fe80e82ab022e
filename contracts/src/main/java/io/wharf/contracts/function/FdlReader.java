package io.wharf.contracts.function;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.wharf.contracts.Json;
import io.wharf.contracts.ValidationException;
import io.wharf.contracts.Violation;

/**
 * Reads function definitions from YAML or JSON in either of two forms:
 * <ul>
 * <li>OSCAR's FDL, unchanged: {@code functions: {oscar: [{<cluster>: {name, image, script, ...}}]}} with an optional
 * top-level {@code storage_providers} shared by every function of the file;</li>
 * <li>a single function: {@code {name, image, script, ...}} (also OSCAR's service JSON, as oscar-cli sends it).</li>
 * </ul>
 * Every broken rule of every function is reported at once, each with the field's path in the document.
 */
public final class FdlReader {

    private static final String DOCUMENT = "(document)";
    private static final Pattern SCRIPT_FILE = Pattern.compile("[\\w.][\\w./-]*");

    private FdlReader() {
    }

    /**
     * @param text the document
     * @param baseDir where a {@code script:} that names a file is resolved, as oscar-cli does; {@code null} when the
     *        script is always inline (a REST request body)
     * @throws ValidationException naming every field that breaks a rule
     */
    public static List<FunctionDefinition> read(String text, Path baseDir) {
        JsonNode root = parse(text);
        List<Violation> violations = new ArrayList<>();
        List<FunctionDefinition> functions = new ArrayList<>();
        if (root.has("functions")) {
            readFdl(root, baseDir, functions, violations);
        } else {
            FunctionDefinition fn = bind(root, "", baseDir, violations);
            if (fn != null) {
                functions.add(fn);
            }
        }
        Set<String> seen = new HashSet<>();
        for (FunctionDefinition fn : functions) {
            if (fn.name() != null && !seen.add(fn.name())) {
                violations.add(new Violation("name", "'" + fn.name() + "' is defined more than once"));
            }
        }
        if (!violations.isEmpty()) {
            throw new ValidationException(violations);
        }
        return List.copyOf(functions);
    }

    /** Reads exactly one function (a REST request body). */
    public static FunctionDefinition readOne(String text) {
        List<FunctionDefinition> functions = read(text, null);
        if (functions.size() != 1) {
            throw new ValidationException(DOCUMENT, "must define exactly one function, found " + functions.size());
        }
        return functions.get(0);
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ValidationException(DOCUMENT, "must not be empty");
        }
        JsonNode root;
        try {
            root = Json.yaml().readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new ValidationException(DOCUMENT, "must be valid YAML or JSON" + where);
        }
        if (root == null || !root.isObject()) {
            throw new ValidationException(DOCUMENT, "must be a mapping: an OSCAR FDL or a single function");
        }
        return root;
    }

    private static void readFdl(JsonNode root, Path baseDir, List<FunctionDefinition> functions,
            List<Violation> violations) {
        JsonNode oscar = root.path("functions").path("oscar");
        if (!oscar.isArray()) {
            violations.add(new Violation("functions.oscar", "must be a list of {<cluster>: <function>} entries"));
            return;
        }
        JsonNode sharedProviders = root.get("storage_providers");
        for (int i = 0; i < oscar.size(); i++) {
            JsonNode entry = oscar.get(i);
            String at = "functions.oscar[" + i + "]";
            if (!entry.isObject() || entry.size() != 1) {
                violations.add(new Violation(at, "must map one cluster identifier to one function"));
                continue;
            }
            Map.Entry<String, JsonNode> only = entry.fields().next();
            if (!only.getValue().isObject()) {
                violations.add(new Violation(at + "." + only.getKey(), "must be a function definition (a mapping)"));
                continue;
            }
            ObjectNode service = ((ObjectNode) only.getValue()).deepCopy();
            if (!service.has("storage_providers") && sharedProviders != null) {
                service.set("storage_providers", sharedProviders);
            }
            if (!service.has("cluster_id")) {
                service.set("cluster_id", TextNode.valueOf(only.getKey()));
            }
            FunctionDefinition fn = bind(service, at + "." + only.getKey() + ".", baseDir, violations);
            if (fn != null) {
                functions.add(fn);
            }
        }
    }

    /** What the field should have been, in the words of a YAML or JSON author (never a Java type's name). */
    static String expected(JsonMappingException e) {
        if (!(e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatch)
                || mismatch.getTargetType() == null) {
            return "";
        }
        Class<?> type = mismatch.getTargetType();
        if (java.util.Map.class.isAssignableFrom(type)) {
            return ": expected a mapping of names to values";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return ": expected a list";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return ": expected a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return ": expected true or false";
        }
        if (type == String.class) {
            return ": expected a string";
        }
        if (Number.class.isAssignableFrom(type)) {
            return ": expected a number";
        }
        return ": expected a mapping";
    }

    private static FunctionDefinition bind(JsonNode node, String prefix, Path baseDir, List<Violation> violations) {
        FunctionDefinition fn;
        try {
            fn = Json.json().treeToValue(node, FunctionDefinition.class);
        } catch (JsonMappingException e) {
            violations.add(new Violation(prefix + path(e), "has the wrong type" + expected(e)));
            return null;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            violations.add(new Violation(prefix.isEmpty() ? DOCUMENT : prefix, "cannot be read: " + e.getMessage()));
            return null;
        }
        if (baseDir != null && fn.script() != null) {
            fn = withScriptFile(fn, baseDir, prefix, violations);
        }
        violations.addAll(FunctionValidator.validate(fn, prefix));
        isolationLevel(node.get("isolation_level"), prefix, violations);
        return fn;
    }

    /**
     * OSCAR's {@code isolation_level}: {@code SERVICE} (its default, and Wharf's behaviour: the users a function is
     * shared with share its buckets) is accepted; {@code USER} (a private bucket per allowed user) is refused rather
     * than silently given weaker isolation than asked for.
     */
    private static void isolationLevel(JsonNode level, String prefix, List<Violation> violations) {
        if (level == null || level.isNull() || level.isTextual() && level.asText().equalsIgnoreCase("SERVICE")) {
            return;
        }
        violations.add(new Violation(prefix + "isolation_level", level.isTextual()
                && level.asText().equalsIgnoreCase("USER")
                        ? "USER (a private bucket per allowed user) is not supported yet; SERVICE shares the "
                                + "function's buckets among its allowed users"
                        : "must be SERVICE or USER"));
    }

    /**
     * oscar-cli's rule: in an FDL file, {@code script} names a file relative to the FDL file. Wharf also takes an
     * inline script there; a single word that looks like a file name ({@code run.sh}, {@code scripts/run}) must be
     * one.
     */
    private static FunctionDefinition withScriptFile(FunctionDefinition fn, Path baseDir, String prefix,
            List<Violation> violations) {
        String ref = fn.script().strip();
        if (!SCRIPT_FILE.matcher(ref).matches()) {
            return fn;
        }
        try {
            Path file = baseDir.resolve(ref);
            if (!Files.isRegularFile(file)) {
                if (!ref.endsWith(".sh") && !ref.contains("/")) {
                    return fn;
                }
                violations.add(new Violation(prefix + "script", "names a file that does not exist: " + file));
                return fn;
            }
            String content = Files.readString(file);
            return fn.withScript(content);
        } catch (IOException | InvalidPathException e) {
            violations.add(new Violation(prefix + "script", "names a file that cannot be read: " + e.getMessage()));
            return fn;
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        Iterator<JsonMappingException.Reference> refs = e.getPath().iterator();
        while (refs.hasNext()) {
            JsonMappingException.Reference ref = refs.next();
            if (ref.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? DOCUMENT : sb.toString();
    }

}
