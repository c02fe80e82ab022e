package io.wharf.testing;

import static io.wharf.testing.OneproviderExchange.APPLICATION_JSON;
import static io.wharf.testing.OneproviderExchange.object;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.wharf.testing.OneproviderTree.SpaceView;
import io.wharf.testing.OneproviderTree.Stat;

/**
 * The REST v3 side of the {@link OneproviderServer} ({@code /api/v3/oneprovider/...}): spaces, path lookup, the
 * {@code /data/{id}} family, the deprecated {@code /files}, {@code /metadata/attrs} and {@code /attributes} that
 * OneTrigger polls, and the changes stream (see {@link OneproviderChanges}).
 */
final class OneproviderRest {

    static final String BASE = "/api/v3/oneprovider";

    private static final String PROVIDER_NAME = "wharf-test-provider";
    private static final int MAX_LIMIT = 1000;

    private final OneproviderTree tree;
    private final String baseUrl;
    private final OneproviderChanges changes;

    OneproviderRest(OneproviderTree tree, String baseUrl) {
        this.tree = tree;
        this.baseUrl = baseUrl;
        this.changes = new OneproviderChanges(tree);
    }

    /** Answers an authenticated request below {@value #BASE}. */
    void handle(OneproviderExchange exchange, String token) throws IOException {
        List<String> raw = Arrays.stream(exchange.path().substring(BASE.length()).split("/"))
                .filter(segment -> !segment.isEmpty())
                .toList();
        switch (exchange.method() + " " + route(raw)) {
            case "GET spaces" -> exchange.json(200, APPLICATION_JSON, spaces(token));
            case "GET spaces/*" -> exchange.json(200, APPLICATION_JSON, space(token, raw.get(1)));
            case "POST lookup-file-id/**" -> exchange.json(200, APPLICATION_JSON,
                    object("fileId", lookup(token, pathAfter(raw, 1)).id()));
            case "GET data/*" -> exchange.json(200, APPLICATION_JSON, attributes(exchange, file(token, raw)));
            case "DELETE data/*" -> delete(exchange, file(token, raw));
            case "GET data/*/children" -> exchange.json(200, APPLICATION_JSON, children(exchange, file(token, raw)));
            case "POST data/*/children" -> create(exchange, file(token, raw));
            case "GET data/*/content", "HEAD data/*/content" -> download(exchange, file(token, raw));
            case "PUT data/*/content" -> overwrite(exchange, file(token, raw));
            case "GET files/**" -> exchange.json(200, APPLICATION_JSON, files(token, pathAfter(raw, 1)));
            case "GET attributes/**" -> exchange.json(200, APPLICATION_JSON,
                    legacyAttributes(lookupOrNotFound(token, pathAfter(raw, 1))));
            case "GET metadata/attrs/**" -> exchange.json(200, APPLICATION_JSON,
                    legacyAttributes(lookupOrNotFound(token, pathAfter(raw, 2))));
            case "POST changes/metadata/*" -> changes.stream(exchange, token, raw.get(2));
            default -> throw OneproviderError.notFound();
        }
    }

    /** The route pattern of the raw path segments, e.g. {@code data/*}{@code /children}. */
    private static String route(List<String> raw) {
        if (raw.isEmpty()) {
            return "";
        }
        String first = raw.get(0);
        int size = raw.size();
        return switch (first) {
            case "spaces" -> size == 1 ? "spaces" : size == 2 ? "spaces/*" : "?";
            case "data" -> size == 2 ? "data/*" : size == 3 ? "data/*/" + raw.get(2) : "?";
            case "lookup-file-id", "files", "attributes" -> first + "/**";
            case "metadata" -> size >= 2 && raw.get(1).equals("attrs") ? "metadata/attrs/**" : "?";
            case "changes" -> size == 3 && raw.get(1).equals("metadata") ? "changes/metadata/*" : "?";
            default -> "?";
        };
    }

    // ---------------------------------------------------------------------------------------------- spaces, paths

    private List<Map<String, Object>> spaces(String token) {
        return tree.spaces(token).stream().map(space -> object("spaceId", space.id(), "name", space.name())).toList();
    }

    private Map<String, Object> space(String token, String spaceId) {
        SpaceView space = tree.spaceById(token, spaceId).orElseThrow(OneproviderError::notFound);
        return object("spaceId", space.id(), "name", space.name(),
                "providers", List.of(object("providerId", tree.providerId, "providerName", PROVIDER_NAME)));
    }

    /** A path that starts with the space name: 404 for an unknown space, 400 {@code enoent} for a missing file. */
    private Stat lookup(String token, List<String> path) {
        if (path.isEmpty()) {
            throw OneproviderError.missing("path");
        }
        SpaceView space = tree.spaceByName(token, path.get(0)).orElseThrow(OneproviderError::notFound);
        return tree.stat(space.id(), path.subList(1, path.size()))
                .orElseThrow(() -> OneproviderError.posix("enoent"));
    }

    /** Like {@link #lookup}, but 404 for a missing file too (the deprecated endpoints, which OneTrigger reads). */
    private Stat lookupOrNotFound(String token, List<String> path) {
        try {
            return lookup(token, path);
        } catch (OneproviderError e) {
            throw OneproviderError.notFound();
        }
    }

    private List<Map<String, Object>> files(String token, List<String> path) {
        if (path.isEmpty()) {
            return tree.spaces(token)
                    .stream()
                    .map(space -> object("id", space.rootId(), "path", "/" + space.name()))
                    .toList();
        }
        Stat stat = lookupOrNotFound(token, path);
        List<Stat> entries = stat.dir() ? tree.children(stat.spaceId(), stat.path()) : List.of(stat);
        return entries.stream().map(entry -> object("id", entry.id(), "path", entry.fullPath())).toList();
    }

    // ---------------------------------------------------------------------------------------------- /data/{id}

    private Stat file(String token, List<String> raw) {
        return tree.statById(token, raw.get(1)).orElseThrow(OneproviderError::notFound);
    }

    private Map<String, Object> attributes(OneproviderExchange exchange, Stat stat) {
        Map<String, Object> all = object("name", stat.name(), "type", stat.type(), "mode", mode(stat),
                "size", stat.size(), "atime", stat.atime(), "mtime", stat.mtime(), "ctime", stat.ctime(),
                "owner_id", tree.ownerId, "file_id", stat.id(), "parent_id", stat.parentId(),
                "provider_id", tree.providerId, "storage_user_id", "0", "storage_group_id", "0", "shares", List.of(),
                "fileId", stat.id(), "parentId", stat.parentId(), "parentFileId", stat.parentId());
        List<String> wanted = listParameter(exchange, "attribute");
        return wanted.isEmpty() ? all : only(all, wanted, "attribute");
    }

    private Map<String, Object> children(OneproviderExchange exchange, Stat dir) {
        if (!dir.dir()) {
            throw OneproviderError.posix("enotdir");
        }
        int limit = intParameter(exchange, "limit", MAX_LIMIT, 1, MAX_LIMIT);
        int offset = exchange.queryFirst("token") != null
                ? pageToken(exchange.queryFirst("token"))
                : intParameter(exchange, "offset", 0, 0, Integer.MAX_VALUE);
        List<String> wanted = listParameter(exchange, "attributes");
        List<Stat> all = tree.children(dir.spaceId(), dir.path());
        List<Map<String, Object>> page = new ArrayList<>();
        for (Stat child : all.subList(Math.min(offset, all.size()), Math.min(offset + limit, all.size()))) {
            Map<String, Object> entry = object("id", child.id(), "name", child.name());
            if (!wanted.isEmpty()) {
                entry.putAll(only(childAttributes(child), wanted, "attributes"));
            }
            page.add(entry);
        }
        boolean last = offset + limit >= all.size();
        Map<String, Object> result = object("children", page, "isLast", last);
        if (!last) {
            result.put("nextPageToken", Base64.getUrlEncoder()
                    .encodeToString(("offset:" + (offset + limit)).getBytes(StandardCharsets.UTF_8)));
        }
        return result;
    }

    private Map<String, Object> childAttributes(Stat stat) {
        return object("fileId", stat.id(), "name", stat.name(), "type", stat.type(), "size", stat.size(),
                "mode", mode(stat), "posixPermissions", Integer.toOctalString(mode(stat)), "atime", stat.atime(),
                "mtime", stat.mtime(), "ctime", stat.ctime(), "parentId", stat.parentId(),
                "parentFileId", stat.parentId(), "ownerUserId", tree.ownerId, "providerId", tree.providerId);
    }

    private void create(OneproviderExchange exchange, Stat parent) throws IOException {
        if (!parent.dir()) {
            throw OneproviderError.posix("enotdir");
        }
        String name = exchange.queryFirst("name");
        if (name == null || name.isEmpty()) {
            throw OneproviderError.missing("name");
        }
        if (name.contains("/") || name.equals(".") || name.equals("..")) {
            throw OneproviderError.posix("einval");
        }
        String type = exchange.queryFirst("type") == null ? OneproviderTree.REG : exchange.queryFirst("type");
        List<String> path = new ArrayList<>(parent.path());
        path.add(name);
        Stat created;
        if (type.equals(OneproviderTree.DIR)) {
            created = tree.mkdir(parent.spaceId(), path, false);
        } else if (type.equals(OneproviderTree.REG)) {
            if (tree.stat(parent.spaceId(), path).isPresent()) {
                throw OneproviderError.posix("eexist");
            }
            created = tree.write(parent.spaceId(), path, exchange.body(), exchange.header("Content-Type"),
                    longParameter(exchange, "offset"), false).file();
        } else {
            throw OneproviderError.badValue("type", "allowed values are REG and DIR.");
        }
        exchange.setHeader("Location", baseUrl + BASE + "/data/" + created.id());
        exchange.json(201, APPLICATION_JSON, object("fileId", created.id()));
    }

    private void download(OneproviderExchange exchange, Stat stat) throws IOException {
        if (stat.dir()) {
            throw OneproviderError.posix("eisdir");
        }
        byte[] content = tree.content(stat.spaceId(), stat.path()).orElseThrow(OneproviderError::notFound);
        exchange.content(stat.mimetype(), content);
    }

    private void overwrite(OneproviderExchange exchange, Stat stat) throws IOException {
        if (stat.dir()) {
            throw OneproviderError.posix("eisdir");
        }
        tree.write(stat.spaceId(), stat.path(), exchange.body(), null, longParameter(exchange, "offset"), false);
        exchange.empty(204);
    }

    private void delete(OneproviderExchange exchange, Stat stat) throws IOException {
        tree.delete(stat.spaceId(), stat.path());
        exchange.empty(204);
    }

    /** The 20.02 attributes OneTrigger reads: {@code type} is {@code reg} or {@code dir}. */
    private Map<String, Object> legacyAttributes(Stat stat) {
        return object("name", stat.name(), "type", stat.type().toLowerCase(Locale.ROOT), "mode", mode(stat),
                "size", stat.size(), "atime", stat.atime(), "mtime", stat.mtime(), "ctime", stat.ctime(), "uid", 0,
                "gid", 0, "owner_id", tree.ownerId, "provider_id", tree.providerId, "file_id", stat.id(),
                "shares", List.of());
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** 0664 for files, 0775 for folders (Onedata's defaults). */
    private static int mode(Stat stat) {
        return stat.dir() ? 0775 : 0664;
    }

    private static List<String> pathAfter(List<String> raw, int skip) {
        return OneproviderExchange.segments(String.join("/", raw.subList(skip, raw.size())));
    }

    /** A parameter given repeatedly and/or as a comma list. */
    private static List<String> listParameter(OneproviderExchange exchange, String name) {
        return exchange.query(name)
                .stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::trim)
                .filter(value -> !value.isEmpty())
                .distinct()
                .toList();
    }

    private static Map<String, Object> only(Map<String, Object> all, List<String> wanted, String key) {
        Map<String, Object> selected = new LinkedHashMap<>();
        for (String name : wanted) {
            if (!all.containsKey(name)) {
                throw OneproviderError.of(400, "badValueListNotAllowed",
                        object("key", key, "allowed", List.copyOf(all.keySet())),
                        "Bad value: provided \"" + key + "\" must be a list containing zero or more of the allowed"
                                + " values.");
            }
            selected.put(name, all.get(name));
        }
        return selected;
    }

    private static int intParameter(OneproviderExchange exchange, String name, int fallback, int low, int high) {
        String value = exchange.queryFirst(name);
        if (value == null) {
            return fallback;
        }
        int number;
        try {
            number = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw OneproviderError.of(400, "badValueInteger", object("key", name),
                    "Bad value: provided \"" + name + "\" must be an integer.");
        }
        if (number < low || number > high) {
            throw OneproviderError.of(400, "badValueNotInRange", object("key", name, "low", low, "high", high),
                    "Bad value: provided \"" + name + "\" must be between " + low + " and " + high + ".");
        }
        return number;
    }

    private static Long longParameter(OneproviderExchange exchange, String name) {
        String value = exchange.queryFirst(name);
        try {
            long number = value == null ? 0 : Long.parseLong(value.trim());
            if (number < 0) {
                throw new NumberFormatException();
            }
            return value == null ? null : number;
        } catch (NumberFormatException e) {
            throw OneproviderError.of(400, "badValueInteger", object("key", name),
                    "Bad value: provided \"" + name + "\" must be a non-negative integer.");
        }
    }

    private static int pageToken(String token) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith("offset:")) {
                return Integer.parseInt(decoded.substring("offset:".length()));
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw OneproviderError.badValue("token", "not a page token of this server.");
    }
}
