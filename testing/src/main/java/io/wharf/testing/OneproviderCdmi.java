package io.wharf.testing;

import static io.wharf.testing.OneproviderExchange.object;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.wharf.testing.OneproviderTree.Stat;

/**
 * The CDMI side of the {@link OneproviderServer}: {@code /cdmi/<space>/<path>} (and
 * {@code /cdmi/cdmi_objectid/<id>/<path>}) with Oneprovider's behaviour matrix, and the public
 * {@code /cdmi/cdmi_capabilities/}.
 */
final class OneproviderCdmi {

    static final String CAPABILITIES_PATH = "/cdmi/cdmi_capabilities";

    private static final String CONTAINER = "application/cdmi-container";
    private static final String OBJECT = "application/cdmi-object";
    private static final String CAPABILITY = "application/cdmi-capability";
    private static final String VERSION = "X-CDMI-Specification-Version";
    private static final String OBJECT_ID_SEGMENT = "cdmi_objectid";
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-\\d+/(\\d+|\\*)");

    private final OneproviderTree tree;
    private final String baseUrl;

    /** What a CDMI path names: a path in a space, which may or may not exist. */
    private record Target(String spaceId, List<String> path) {
    }

    OneproviderCdmi(OneproviderTree tree, String baseUrl) {
        this.tree = tree;
        this.baseUrl = baseUrl;
    }

    /** Answers an authenticated request below {@code /cdmi/}. */
    void handle(OneproviderExchange exchange, String token) throws IOException {
        boolean container = exchange.path().endsWith("/");
        String version = version(exchange);
        Target target = target(token, OneproviderExchange.segments(exchange.path().substring("/cdmi".length())));
        switch (exchange.method()) {
            case "GET", "HEAD" -> get(exchange, target, container, version);
            case "PUT" -> {
                if (container) {
                    putContainer(exchange, target, version);
                } else {
                    putObject(exchange, target, version);
                }
            }
            case "DELETE" -> delete(exchange, target, container);
            default -> throw OneproviderError.of(405, "notSupported", Map.of(), "Operation not supported.");
        }
    }

    /** Answers {@code GET /cdmi/cdmi_capabilities/[container/|dataobject/]}, which needs no token. */
    void capabilities(OneproviderExchange exchange) throws IOException {
        String rest = exchange.path().substring(CAPABILITIES_PATH.length());
        if (!exchange.method().equals("GET") && !exchange.method().equals("HEAD")) {
            throw OneproviderError.of(405, "notSupported", Map.of(), "Operation not supported.");
        }
        String version = version(exchange);
        if (version == null) {
            throw OneproviderError.missing("version");
        }
        Map<String, Object> body = switch (rest) {
            case "/" -> capability("cdmi_capabilities/", "/", rootCapabilities(), List.of("container/", "dataobject/"));
            case "/container/" -> capability("container/", "/cdmi_capabilities/", containerCapabilities(), List.of());
            case "/dataobject/" -> capability("dataobject/", "/cdmi_capabilities/", objectCapabilities(), List.of());
            default -> null;
        };
        if (body != null) {
            respond(exchange, 200, CAPABILITY, version, body);
        } else if (rest.isEmpty() || rest.equals("/container") || rest.equals("/dataobject")) {
            exchange.redirect(baseUrl + exchange.path() + "/");
        } else {
            throw OneproviderError.notFoundEmpty();
        }
    }

    // ---------------------------------------------------------------------------------------------- operations

    private void get(OneproviderExchange exchange, Target target, boolean container, String version)
            throws IOException {
        Stat stat = existing(target);
        if (stat.dir() != container) {
            exchange.redirect(otherForm(exchange, container));
        } else if (container) {
            if (version == null) {
                throw OneproviderError.missing("version");
            }
            respond(exchange, 200, CONTAINER, version, containerJson(stat, selection(exchange)));
        } else if (version == null) {
            exchange.content(stat.mimetype(), content(target));
        } else {
            respond(exchange, 200, OBJECT, version, objectJson(stat, content(target), selection(exchange)));
        }
    }

    private void putContainer(OneproviderExchange exchange, Target target, String version) throws IOException {
        String type = contentType(exchange);
        if (version == null) {
            if (type.startsWith("application/cdmi-")) {
                throw OneproviderError.missing("version");
            }
            tree.mkdir(target.spaceId(), target.path(), false);
            exchange.empty(201);
            return;
        }
        if (!type.startsWith(CONTAINER)) {
            throw OneproviderError.badValue("Content-Type", "expected " + CONTAINER + ".");
        }
        JsonNode body = objectBody(exchange);
        Optional<Stat> existing = tree.stat(target.spaceId(), target.path());
        if (existing.isPresent() && !existing.get().dir()) {
            throw OneproviderError.posix("eexist");
        }
        if (existing.isEmpty()) {
            tree.mkdir(target.spaceId(), target.path(), false);
        }
        updateMetadata(target, body);
        if (existing.isPresent()) {
            exchange.setHeader(VERSION, version);
            exchange.empty(204);
        } else {
            respond(exchange, 201, CONTAINER, version, containerJson(existing(target), Map.of()));
        }
    }

    private void putObject(OneproviderExchange exchange, Target target, String version) throws IOException {
        String type = contentType(exchange);
        if (version == null) {
            if (type.startsWith("application/cdmi-")) {
                throw OneproviderError.missing("version");
            }
            Long offset = contentRangeOffset(exchange);
            String mimetype = type.isEmpty()
                    ? (offset == null ? OneproviderTree.DEFAULT_MIMETYPE : null)
                    : exchange.header("Content-Type");
            boolean created = tree.write(target.spaceId(), target.path(), exchange.body(), mimetype, offset, false)
                    .created();
            exchange.empty(created ? 201 : 204);
            return;
        }
        if (!type.startsWith(OBJECT)) {
            throw OneproviderError.badValue("Content-Type", "expected " + OBJECT + ".");
        }
        JsonNode body = objectBody(exchange);
        boolean created = tree.stat(target.spaceId(), target.path()).isEmpty();
        if (created || body.has("value")) {
            String mimetype = body.hasNonNull("mimetype") ? body.get("mimetype").asText() : null;
            created = tree.write(target.spaceId(), target.path(), value(body), mimetype, null, false).created();
        }
        updateMetadata(target, body);
        if (created) {
            Map<String, Object> json = objectJson(existing(target), new byte[0], Map.of());
            json.remove("value");
            respond(exchange, 201, OBJECT, version, json);
        } else {
            exchange.setHeader(VERSION, version);
            exchange.empty(204);
        }
    }

    private void delete(OneproviderExchange exchange, Target target, boolean container) throws IOException {
        Stat stat = existing(target);
        if (stat.dir() != container) {
            exchange.redirect(otherForm(exchange, container));
            return;
        }
        tree.delete(target.spaceId(), target.path());
        exchange.empty(204);
    }

    // ---------------------------------------------------------------------------------------------- JSON bodies

    private Map<String, Object> containerJson(Stat stat, Map<String, String> selection) {
        List<String> names = tree.children(stat.spaceId(), stat.path())
                .stream()
                .map(child -> child.dir() ? child.name() + "/" : child.name())
                .toList();
        int[] range = selection.get("children") == null
                ? new int[]{0, names.size() - 1}
                : range(selection.get("children"), names.size());
        Map<String, Object> json = common(stat, CONTAINER, "container/", selection);
        json.put("childrenrange", names.isEmpty() ? "" : range[0] + "-" + range[1]);
        json.put("children", names.isEmpty() ? List.of() : names.subList(range[0], range[1] + 1));
        return select(json, selection);
    }

    private Map<String, Object> objectJson(Stat stat, byte[] data, Map<String, String> selection) {
        int[] range = selection.get("value") == null
                ? new int[]{0, data.length - 1}
                : range(selection.get("value"), data.length);
        byte[] value = data.length == 0 ? data : Arrays.copyOfRange(data, range[0], range[1] + 1);
        boolean utf8 = isUtf8(value);
        Map<String, Object> json = common(stat, OBJECT, "dataobject/", selection);
        json.put("mimetype", stat.mimetype());
        json.put("valuetransferencoding", utf8 ? "utf-8" : "base64");
        json.put("valuerange", data.length == 0 ? "" : range[0] + "-" + range[1]);
        json.put("value", utf8 ? new String(value, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(value));
        return select(json, selection);
    }

    private Map<String, Object> common(Stat stat, String objectType, String capability,
            Map<String, String> selection) {
        return object("objectType", objectType, "objectID", stat.id(),
                "objectName", stat.dir() ? stat.name() + "/" : stat.name(), "parentURI", parentUri(stat),
                "parentID", stat.parentId(), "capabilitiesURI", "cdmi_capabilities/" + capability,
                "completionStatus", "Complete", "metadata", metadata(stat, selection.get("metadata")));
    }

    private Map<String, Object> metadata(Stat stat, String prefix) {
        Map<String, Object> metadata = object("cdmi_size", String.valueOf(stat.size()),
                "cdmi_ctime", OneproviderExchange.iso(stat.ctime()), "cdmi_atime",
                OneproviderExchange.iso(stat.atime()),
                "cdmi_mtime", OneproviderExchange.iso(stat.mtime()), "cdmi_owner", tree.ownerId);
        metadata.putAll(stat.metadata());
        if (prefix != null && !prefix.isEmpty()) {
            metadata.keySet().removeIf(key -> !key.startsWith(prefix));
        }
        return metadata;
    }

    private static String parentUri(Stat stat) {
        if (stat.root()) {
            return "/";
        }
        List<String> parent = stat.path().subList(0, stat.path().size() - 1);
        return "/" + stat.spaceName() + "/" + (parent.isEmpty() ? "" : String.join("/", parent) + "/");
    }

    private Map<String, Object> capability(String name, String parentUri, Map<String, Object> capabilities,
            List<String> children) {
        return object("objectType", CAPABILITY, "objectID", capabilityId(name), "objectName", name,
                "parentURI", parentUri, "capabilities", capabilities,
                "childrenrange", children.isEmpty() ? "" : "0-" + (children.size() - 1), "children", children);
    }

    private static Map<String, Object> rootCapabilities() {
        return object("cdmi_dataobjects", "true", "cdmi_object_access_by_ID", "true");
    }

    private static Map<String, Object> containerCapabilities() {
        return object("cdmi_list_children", "true", "cdmi_list_children_range", "true", "cdmi_read_metadata", "true",
                "cdmi_modify_metadata", "true", "cdmi_create_container", "true", "cdmi_delete_container", "true",
                "cdmi_create_dataobject", "true", "cdmi_size", "true", "cdmi_ctime", "true", "cdmi_mtime", "true",
                "cdmi_atime", "true");
    }

    private static Map<String, Object> objectCapabilities() {
        return object("cdmi_read_value", "true", "cdmi_read_value_range", "true", "cdmi_read_metadata", "true",
                "cdmi_modify_value", "true", "cdmi_modify_metadata", "true", "cdmi_delete_dataobject", "true",
                "cdmi_size", "true", "cdmi_ctime", "true", "cdmi_mtime", "true", "cdmi_atime", "true");
    }

    // ---------------------------------------------------------------------------------------------- request parts

    private Target target(String token, List<String> segments) {
        if (segments.isEmpty()) {
            throw OneproviderError.notFoundEmpty();
        }
        if (!segments.get(0).equals(OBJECT_ID_SEGMENT)) {
            String spaceId = tree.spaceByName(token, segments.get(0))
                    .orElseThrow(OneproviderError::notFoundEmpty)
                    .id();
            return new Target(spaceId, segments.subList(1, segments.size()));
        }
        if (segments.size() < 2) {
            throw OneproviderError.notFoundEmpty();
        }
        Stat base = tree.statById(token, segments.get(1)).orElseThrow(OneproviderError::notFoundEmpty);
        List<String> path = new ArrayList<>(base.path());
        path.addAll(segments.subList(2, segments.size()));
        return new Target(base.spaceId(), path);
    }

    private Stat existing(Target target) {
        return tree.stat(target.spaceId(), target.path()).orElseThrow(OneproviderError::notFoundEmpty);
    }

    private byte[] content(Target target) {
        return tree.content(target.spaceId(), target.path()).orElseThrow(OneproviderError::notFoundEmpty);
    }

    /** The CDMI version to answer with, or {@code null} for a non-CDMI request. */
    private static String version(OneproviderExchange exchange) {
        String header = exchange.header(VERSION);
        if (header == null) {
            return null;
        }
        List<String> versions = Arrays.stream(header.split(",")).map(String::trim).toList();
        if (versions.contains("1.1.1")) {
            return "1.1.1";
        }
        if (versions.contains("1.1")) {
            return "1.1";
        }
        throw OneproviderError.badValue("version", "supported CDMI versions are 1.1.1 and 1.1.");
    }

    private static String contentType(OneproviderExchange exchange) {
        String type = exchange.header("Content-Type");
        return type == null ? "" : type.trim().toLowerCase(Locale.ROOT);
    }

    /** The query's field selection: {@code children:0-9;childrenrange} gives {children=0-9, childrenrange=null}. */
    private static Map<String, String> selection(OneproviderExchange exchange) {
        Map<String, String> selection = new LinkedHashMap<>();
        String query = URLDecoder.decode(exchange.rawQuery().replace("+", "%2B"), StandardCharsets.UTF_8);
        for (String item : query.split(";")) {
            if (!item.isEmpty()) {
                int colon = item.indexOf(':');
                selection.put(colon < 0 ? item : item.substring(0, colon),
                        colon < 0 ? null : item.substring(colon + 1));
            }
        }
        return selection;
    }

    private static Map<String, Object> select(Map<String, Object> json, Map<String, String> selection) {
        if (selection.isEmpty()) {
            return json;
        }
        Map<String, Object> selected = new LinkedHashMap<>();
        selection.keySet().stream().filter(json::containsKey).forEach(key -> selected.put(key, json.get(key)));
        return selected;
    }

    /** A {@code from-to} range within {@code count} items; 400 when from > to or to >= count. */
    private static int[] range(String spec, int count) {
        String[] parts = spec.split("-", -1);
        try {
            int from = Integer.parseInt(parts[0].trim());
            int to = Integer.parseInt(parts[1].trim());
            if (parts.length == 2 && from >= 0 && from <= to && to < count) {
                return new int[]{from, to};
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            // answered below
        }
        throw OneproviderError.badValue("range", "invalid range " + spec + " for " + count + " items.");
    }

    private static Long contentRangeOffset(OneproviderExchange exchange) {
        String header = exchange.header("Content-Range");
        if (header == null) {
            return null;
        }
        Matcher matcher = CONTENT_RANGE.matcher(header.trim());
        if (!matcher.matches()) {
            throw OneproviderError.badValue("Content-Range", "expected bytes <from>-<to>/<size>.");
        }
        return Long.parseLong(matcher.group(1));
    }

    private static JsonNode objectBody(OneproviderExchange exchange) throws IOException {
        JsonNode body = exchange.jsonBody();
        if (body == null) {
            return OneproviderExchange.JSON.createObjectNode();
        }
        if (!body.isObject()) {
            throw OneproviderError.badJson("body");
        }
        return body;
    }

    private static byte[] value(JsonNode body) {
        String value = body.path("value").asText("");
        String encoding = body.path("valuetransferencoding").asText("utf-8");
        if (encoding.equals("utf-8")) {
            return value.getBytes(StandardCharsets.UTF_8);
        }
        if (encoding.equals("base64")) {
            try {
                return Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                throw OneproviderError.badValue("value", "not base64.");
            }
        }
        throw OneproviderError.badValue("valuetransferencoding", "expected utf-8 or base64.");
    }

    @SuppressWarnings("unchecked")
    private void updateMetadata(Target target, JsonNode body) {
        JsonNode metadata = body.get("metadata");
        if (metadata == null) {
            return;
        }
        if (!metadata.isObject()) {
            throw OneproviderError.badJson("metadata");
        }
        tree.setMetadata(target.spaceId(), target.path(), OneproviderExchange.JSON.convertValue(metadata, Map.class));
    }

    private String otherForm(OneproviderExchange exchange, boolean container) {
        String path = exchange.path();
        String other = container ? path.substring(0, path.length() - 1) : path + "/";
        return baseUrl + other + (exchange.rawQuery().isEmpty() ? "" : "?" + exchange.rawQuery());
    }

    private void respond(OneproviderExchange exchange, int status, String type, String version, Object body)
            throws IOException {
        exchange.setHeader(VERSION, version);
        exchange.json(status, type, body);
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String capabilityId(String name) {
        StringBuilder id = new StringBuilder("0000000000");
        for (byte b : ("capability#" + name).getBytes(StandardCharsets.UTF_8)) {
            id.append(String.format("%02X", b));
        }
        return id.toString();
    }
}
