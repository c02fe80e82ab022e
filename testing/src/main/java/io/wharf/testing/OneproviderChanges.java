package io.wharf.testing;

import static io.wharf.testing.OneproviderExchange.APPLICATION_JSON;
import static io.wharf.testing.OneproviderExchange.object;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.wharf.testing.OneproviderTree.Change;
import io.wharf.testing.OneproviderTree.Stat;

/**
 * {@code POST /api/v3/oneprovider/changes/metadata/{spaceId}}: a chunked stream of one JSON object plus {@code \r\n}
 * per change of the space, with the documents ({@code fileMeta}, {@code fileLocation}, {@code times},
 * {@code customMetadata}) and fields the request body selects.
 */
final class OneproviderChanges {

    private static final String CUSTOM_METADATA = "customMetadata";
    private static final List<String> DOCUMENTS = List.of(OneproviderTree.FILE_META, OneproviderTree.FILE_LOCATION,
            OneproviderTree.TIMES, CUSTOM_METADATA);
    private static final Map<String, Set<String>> ALLOWED_FIELDS = Map.of(
            OneproviderTree.FILE_META, Set.of("name", "type", "mode", "owner", "provider_id", "shares", "deleted",
                    "group_owner"),
            OneproviderTree.FILE_LOCATION, Set.of("provider_id", "storage_id", "size", "space_id",
                    "storage_file_created"),
            OneproviderTree.TIMES, Set.of("atime", "mtime", "ctime"));
    /** The fields of a document whose selector names none. */
    private static final Map<String, List<String>> DEFAULT_FIELDS = Map.of(
            OneproviderTree.FILE_META, List.of("name", "type", "mode", "owner", "deleted"),
            OneproviderTree.FILE_LOCATION, List.of("size", "storage_file_created"),
            OneproviderTree.TIMES, List.of("atime", "mtime", "ctime"),
            CUSTOM_METADATA, List.of());
    private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);

    private final OneproviderTree tree;

    /** One document of the request body: the fields to send, and whether to send it when another doc changed. */
    private record Selector(List<String> fields, boolean always) {
    }

    /** The parsed request: selectors in document order, the triggering documents, timeout (ms) and start. */
    private record Request(Map<String, Selector> selectors, List<String> triggers, Long timeout, Long start) {
    }

    OneproviderChanges(OneproviderTree tree) {
        this.tree = tree;
    }

    /** Streams the changes of a space until {@code timeout} ms pass without one, the client leaves or the end. */
    void stream(OneproviderExchange exchange, String token, String spaceId) throws IOException {
        String space = tree.spaceById(token, spaceId).orElseThrow(OneproviderError::notFound).id();
        Request request = parse(exchange);
        long after = request.start() != null ? request.start() : tree.currentSeq(space);
        OutputStream out = exchange.stream(APPLICATION_JSON);
        try {
            List<Change> changes;
            while (!(changes = tree.awaitChanges(space, after, deadline(request))).isEmpty()) {
                for (Change change : changes) {
                    after = change.seq();
                    Map<String, Object> line = render(change, request);
                    if (line != null) {
                        out.write(OneproviderExchange.JSON.writeValueAsBytes(line));
                        out.write(CRLF);
                        out.flush();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long deadline(Request request) {
        return request.timeout() == null ? Long.MAX_VALUE : System.currentTimeMillis() + request.timeout();
    }

    // ---------------------------------------------------------------------------------------------- output

    /** The JSON line for a change, or {@code null} when it is not a trigger or nothing selected is left. */
    private Map<String, Object> render(Change change, Request request) {
        if (change.docs().stream().noneMatch(request.triggers()::contains)) {
            return null;
        }
        Stat file = change.file();
        Map<String, Object> line = object("fileId", file.id(), "filePath", file.fullPath(), "seq", change.seq());
        request.selectors().forEach((doc, selector) -> {
            boolean changed = change.docs().contains(doc);
            Map<String, Object> fields = fields(doc, change);
            if ((changed || selector.always()) && fields != null) {
                Map<String, Object> selected = new LinkedHashMap<>();
                selector.fields().forEach(name -> selected.put(name, fields.get(name)));
                line.put(doc, object("rev", change.seq() + "-" + Long.toHexString(file.id().hashCode() & 0xffffffffL),
                        "mutators", List.of(tree.providerId), "changed", changed, "deleted", false,
                        "fields", selected));
            }
        });
        return line.size() > 3 ? line : null;
    }

    /** Every field value of one document of the changed file; {@code null} for a folder's (absent) file location. */
    private Map<String, Object> fields(String doc, Change change) {
        Stat file = change.file();
        return switch (doc) {
            case OneproviderTree.FILE_META -> object("name", file.name(), "type", file.type(),
                    "mode", file.dir() ? 0775 : 0664, "owner", tree.ownerId, "provider_id", tree.providerId,
                    "shares", List.of(), "deleted", change.deleted(), "group_owner", null);
            case OneproviderTree.FILE_LOCATION -> file.dir()
                    ? null
                    : object("provider_id", tree.providerId,
                            "storage_id", tree.storageId, "size", file.size(), "space_id", file.spaceId(),
                            "storage_file_created", true);
            case OneproviderTree.TIMES -> object("atime", file.atime(), "mtime", file.mtime(), "ctime", file.ctime());
            default -> new LinkedHashMap<>(file.metadata());
        };
    }

    // ---------------------------------------------------------------------------------------------- request

    private static Request parse(OneproviderExchange exchange) throws IOException {
        String type = exchange.header("Content-Type");
        if (type != null && !type.trim().toLowerCase(Locale.ROOT).startsWith(APPLICATION_JSON)) {
            throw OneproviderError.of(415, "unsupportedMediaType", Map.of(), "Content type must be application/json.");
        }
        JsonNode body = exchange.jsonBody();
        if (body != null && !body.isObject()) {
            throw OneproviderError.badJson("body");
        }
        if (body == null) {
            body = OneproviderExchange.JSON.createObjectNode();
        }
        Map<String, Selector> selectors = new LinkedHashMap<>();
        for (String doc : DOCUMENTS) {
            if (body.has(doc)) {
                selectors.put(doc, selector(doc, body.get(doc)));
            }
        }
        if (selectors.isEmpty()) {
            throw OneproviderError.of(400, "missingAtLeastOneValue", object("keys", DOCUMENTS),
                    "Missing data, you must provide at least one of: " + String.join(", ", DOCUMENTS) + ".");
        }
        JsonNode triggers = body.has("triggers") ? body.get("triggers") : body.get("filters");
        return new Request(selectors, triggers == null ? DOCUMENTS : names(triggers, "triggers", Set.copyOf(DOCUMENTS)),
                number(exchange, body, "timeout"), start(exchange, body));
    }

    private static Selector selector(String doc, JsonNode node) {
        if (!node.isObject()) {
            throw OneproviderError.badJson(doc);
        }
        JsonNode always = node.get("always");
        if (always != null && !always.isBoolean()) {
            throw OneproviderError.badValue(doc + ".always", "must be a boolean.");
        }
        List<String> fields = node.has("fields")
                ? names(node.get("fields"), doc + ".fields", ALLOWED_FIELDS.get(doc))
                : DEFAULT_FIELDS.get(doc);
        return new Selector(fields, always != null && always.booleanValue());
    }

    /** A JSON array of strings, each in {@code allowed} unless that is {@code null}. */
    private static List<String> names(JsonNode node, String key, Set<String> allowed) {
        if (!node.isArray()) {
            throw OneproviderError.badValue(key, "must be a list of strings.");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || allowed != null && !allowed.contains(item.asText())) {
                throw OneproviderError.badValue(key, "unknown value " + item + ".");
            }
            names.add(item.asText());
        }
        return names;
    }

    /** {@code startAtSeq} or {@code last_seq}, from the query or the body. */
    private static Long start(OneproviderExchange exchange, JsonNode body) {
        Long start = number(exchange, body, "startAtSeq");
        return start != null ? start : number(exchange, body, "last_seq");
    }

    /** A non-negative number from the query (preferred) or the body; {@code null} when absent or "infinity". */
    private static Long number(OneproviderExchange exchange, JsonNode body, String key) {
        String value = exchange.queryFirst(key);
        if (value == null && body.hasNonNull(key)) {
            value = body.get(key).asText();
        }
        if (value == null || value.equals("infinity")) {
            return null;
        }
        try {
            long number = Long.parseLong(value.trim());
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw OneproviderError.of(400, "badValueInteger", object("key", key),
                "Bad value: provided \"" + key + "\" must be a non-negative integer.");
    }
}
