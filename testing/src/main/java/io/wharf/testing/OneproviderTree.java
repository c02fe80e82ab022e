package io.wharf.testing;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * The in-memory file tree of the {@link OneproviderServer}: spaces, their files and folders, the tokens that may see
 * them and each space's change log. Every method is {@code synchronized}; callers get immutable snapshots
 * ({@link Stat}, {@link Change}), never the live nodes.
 */
final class OneproviderTree {

    static final String REG = "REG";
    static final String DIR = "DIR";
    static final String FILE_META = "fileMeta";
    static final String FILE_LOCATION = "fileLocation";
    static final String TIMES = "times";
    static final String DEFAULT_MIMETYPE = "application/octet-stream";

    /** Ids are never reused, not even across servers of one JVM: each holds a new counter value. */
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String salt = randomHex(8);
    final String ownerId = randomHex(32);
    final String providerId = randomHex(32);
    final String storageId = randomHex(32);
    final String userRootId = objectId("user_root_" + ownerId, ownerId);

    private final Map<String, Space> spaces = new LinkedHashMap<>();
    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<String, Set<String>> grants = new HashMap<>();
    private final Set<String> revoked = new HashSet<>();
    private boolean closed;

    /** A space as a token sees it. */
    record SpaceView(String id, String name, String rootId) {
    }

    /** A snapshot of one file or folder; {@code path} is relative to the space root (empty for the root). */
    record Stat(String id, String spaceId, String spaceName, List<String> path, String name, boolean dir, long size,
            long atime, long mtime, long ctime, String mimetype, String parentId, Map<String, Object> metadata) {

        String type() {
            return dir ? DIR : REG;
        }

        /** The canonical path, starting with the space name: {@code /space/a/b}. */
        String fullPath() {
            return "/" + spaceName + (path.isEmpty() ? "" : "/" + String.join("/", path));
        }

        boolean root() {
            return path.isEmpty();
        }
    }

    /** One entry of a space's change log; {@code docs} names the documents that changed. */
    record Change(long seq, Stat file, Set<String> docs, boolean deleted) {
    }

    /** What {@link #write} did. */
    record Written(Stat file, boolean created) {
    }

    private static final class Space {

        final String id;
        final String name;
        final List<Change> changes = new ArrayList<>();
        Node root;

        Space(String id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    private static final class Node {

        final String id;
        final Space space;
        final Node parent;
        final String name;
        final boolean dir;
        final TreeMap<String, Node> children = new TreeMap<>();
        final Map<String, Object> metadata = new LinkedHashMap<>();
        byte[] content = new byte[0];
        String mimetype = DEFAULT_MIMETYPE;
        long atime;
        long mtime;
        long ctime;

        Node(String id, Space space, Node parent, String name, boolean dir) {
            this.id = id;
            this.space = space;
            this.parent = parent;
            this.name = name;
            this.dir = dir;
            long now = now();
            atime = now;
            mtime = now;
            ctime = now;
        }
    }

    // ---------------------------------------------------------------------------------------------- spaces, tokens

    synchronized String addSpace(String name) {
        if (name == null || name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("Bad space name: " + name);
        }
        if (spaces.values().stream().anyMatch(s -> s.name.equals(name))) {
            throw new IllegalArgumentException("Space exists: " + name);
        }
        String spaceId = uuid();
        Space space = new Space(spaceId, name);
        space.root = new Node(objectId("space_" + spaceId, spaceId), space, null, name, true);
        spaces.put(spaceId, space);
        nodes.put(space.root.id, space.root);
        return spaceId;
    }

    synchronized void grant(String token, String space) {
        grants.computeIfAbsent(token, t -> new HashSet<>()).add(space(space).id);
        revoked.remove(token);
    }

    synchronized void revoke(String token) {
        revoked.add(token);
    }

    synchronized boolean valid(String token) {
        return token != null && grants.containsKey(token) && !revoked.contains(token);
    }

    synchronized List<SpaceView> spaces(String token) {
        List<SpaceView> views = new ArrayList<>();
        for (Space space : spaces.values()) {
            if (visible(token, space)) {
                views.add(view(space));
            }
        }
        return views;
    }

    synchronized Optional<SpaceView> spaceByName(String token, String name) {
        return spaces.values()
                .stream()
                .filter(s -> s.name.equals(name) && visible(token, s))
                .findFirst()
                .map(OneproviderTree::view);
    }

    synchronized Optional<SpaceView> spaceById(String token, String id) {
        Space space = spaces.get(id);
        return space != null && visible(token, space) ? Optional.of(view(space)) : Optional.empty();
    }

    /** A space by id or, failing that, by name, for the server's Java API. */
    synchronized SpaceView space(String idOrName) {
        return view(spaceOf(idOrName));
    }

    // ---------------------------------------------------------------------------------------------- reading

    synchronized Optional<Stat> stat(String spaceId, List<String> path) {
        return Optional.ofNullable(find(spaces.get(spaceId), path)).map(this::stat);
    }

    /** A file or folder by object id (a space id stands for its root folder), if the token may see it. */
    synchronized Optional<Stat> statById(String token, String id) {
        Node node = nodes.get(id);
        if (node == null && spaces.containsKey(id)) {
            node = spaces.get(id).root;
        }
        return node != null && visible(token, node.space) ? Optional.of(stat(node)) : Optional.empty();
    }

    /** The children of a folder, sorted by name; {@code enoent} or {@code enotdir} otherwise. */
    synchronized List<Stat> children(String spaceId, List<String> path) {
        Node node = existing(spaces.get(spaceId), path);
        if (!node.dir) {
            throw OneproviderError.posix("enotdir");
        }
        return node.children.values().stream().map(this::stat).toList();
    }

    /** A file's bytes; empty when absent or a folder. */
    synchronized Optional<byte[]> content(String spaceId, List<String> path) {
        Node node = find(spaces.get(spaceId), path);
        return node == null || node.dir ? Optional.empty() : Optional.of(node.content.clone());
    }

    // ---------------------------------------------------------------------------------------------- writing

    /**
     * Makes a folder. Without {@code parents}: {@code eexist} when the path exists, {@code enoent} when the parent is
     * missing, {@code enotdir} when it is a file. With {@code parents}: makes the missing folders on the way.
     */
    synchronized Stat mkdir(String spaceId, List<String> path, boolean parents) {
        Space space = spaces.get(spaceId);
        Node existing = find(space, path);
        if (existing != null) {
            if (parents && existing.dir) {
                return stat(existing);
            }
            throw OneproviderError.posix("eexist");
        }
        Node parent = parentOf(space, path, parents);
        return stat(create(parent, last(path), true));
    }

    /**
     * Writes a file: with no {@code offset} it replaces the content, otherwise it writes at that offset (growing the
     * file). A {@code null} mimetype keeps the stored one. Without {@code parents} the parent folder must exist.
     */
    synchronized Written write(String spaceId, List<String> path, byte[] data, String mimetype, Long offset,
            boolean parents) {
        Space space = spaces.get(spaceId);
        Node node = find(space, path);
        boolean created = node == null;
        if (created) {
            node = create(parentOf(space, path, parents), last(path), false);
        } else if (node.dir) {
            throw OneproviderError.posix("eisdir");
        }
        node.content = offset == null ? data.clone() : overlay(node.content, data, offset);
        if (mimetype != null) {
            node.mimetype = mimetype;
        }
        node.mtime = now();
        node.atime = node.mtime;
        record(node, created ? Set.of(FILE_META, FILE_LOCATION, TIMES) : Set.of(FILE_LOCATION, TIMES), false);
        return new Written(stat(node), created);
    }

    /** Grows a file by {@code more} bytes, making it (and its folders) when missing. */
    synchronized Written append(String spaceId, List<String> path, byte[] more) {
        Node node = find(spaces.get(spaceId), path);
        long offset = node == null || node.dir ? 0 : node.content.length;
        return write(spaceId, path, more, null, offset, true);
    }

    /** Replaces a node's CDMI user metadata (keys starting with {@code cdmi_} are the server's own and ignored). */
    synchronized void setMetadata(String spaceId, List<String> path, Map<String, Object> metadata) {
        Node node = existing(spaces.get(spaceId), path);
        node.metadata.clear();
        metadata.forEach((key, value) -> {
            if (!key.startsWith("cdmi_")) {
                node.metadata.put(key, value);
            }
        });
    }

    /** Deletes a file or a folder with everything in it; the space root cannot be deleted ({@code eperm}). */
    synchronized void delete(String spaceId, List<String> path) {
        Node node = existing(spaces.get(spaceId), path);
        if (node.parent == null) {
            throw OneproviderError.posix("eperm");
        }
        node.parent.children.remove(node.name);
        node.parent.mtime = now();
        forget(node);
    }

    private void forget(Node node) {
        for (Node child : List.copyOf(node.children.values())) {
            forget(child);
        }
        nodes.remove(node.id);
        record(node, Set.of(FILE_META), true);
    }

    // ---------------------------------------------------------------------------------------------- changes

    synchronized long currentSeq(String spaceId) {
        return spaces.get(spaceId).changes.size();
    }

    /**
     * The changes of a space with a sequence number above {@code after}, waiting for one until {@code deadline}
     * (epoch millis). Empty when the deadline passed or the server closed.
     */
    synchronized List<Change> awaitChanges(String spaceId, long after, long deadline) throws InterruptedException {
        List<Change> changes = spaces.get(spaceId).changes;
        long from = Math.max(after, 0);
        while (!closed && changes.size() <= from) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return List.of();
            }
            wait(left);
        }
        return closed ? List.of() : List.copyOf(changes.subList((int) from, changes.size()));
    }

    /** Ends every waiting changes stream. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    // ---------------------------------------------------------------------------------------------- internals

    private void record(Node node, Set<String> docs, boolean deleted) {
        List<Change> changes = node.space.changes;
        changes.add(new Change(changes.size() + 1L, stat(node), docs, deleted));
        notifyAll();
    }

    /** Adds a node; a folder's creation is recorded here, a file's by the write that follows. */
    private Node create(Node parent, String name, boolean dir) {
        Node node = new Node(objectId(uuid(), parent.space.id), parent.space, parent, name, dir);
        parent.children.put(name, node);
        parent.mtime = node.mtime;
        nodes.put(node.id, node);
        if (dir) {
            record(node, Set.of(FILE_META, TIMES), false);
        }
        return node;
    }

    /** The folder that is to hold {@code path}'s last segment. */
    private Node parentOf(Space space, List<String> path, boolean makeMissing) {
        if (path.isEmpty()) {
            throw OneproviderError.posix("eexist");
        }
        Node node = space.root;
        for (String segment : path.subList(0, path.size() - 1)) {
            Node child = node.children.get(segment);
            if (child == null && makeMissing) {
                child = create(node, segment, true);
            }
            if (child == null) {
                throw OneproviderError.posix("enoent");
            }
            if (!child.dir) {
                throw OneproviderError.posix("enotdir");
            }
            node = child;
        }
        return node;
    }

    private Node existing(Space space, List<String> path) {
        Node node = find(space, path);
        if (node == null) {
            throw OneproviderError.posix("enoent");
        }
        return node;
    }

    private static Node find(Space space, List<String> path) {
        if (space == null) {
            return null;
        }
        Node node = space.root;
        for (String segment : path) {
            node = node.dir ? node.children.get(segment) : null;
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    private Space spaceOf(String idOrName) {
        Space space = spaces.get(idOrName);
        if (space == null) {
            space = spaces.values().stream().filter(s -> s.name.equals(idOrName)).findFirst().orElse(null);
        }
        if (space == null) {
            throw new IllegalArgumentException("No such space: " + idOrName);
        }
        return space;
    }

    private boolean visible(String token, Space space) {
        return valid(token) && grants.get(token).contains(space.id);
    }

    private static SpaceView view(Space space) {
        return new SpaceView(space.id, space.name, space.root.id);
    }

    private Stat stat(Node node) {
        List<String> path = new ArrayList<>();
        for (Node n = node; n.parent != null; n = n.parent) {
            path.add(0, n.name);
        }
        String parentId = node.parent == null ? userRootId : node.parent.id;
        return new Stat(node.id, node.space.id, node.space.name, List.copyOf(path), node.name, node.dir, size(node),
                node.atime, node.mtime, node.ctime, node.mimetype, parentId,
                Collections.unmodifiableMap(new LinkedHashMap<>(node.metadata)));
    }

    private static long size(Node node) {
        if (!node.dir) {
            return node.content.length;
        }
        return node.children.values().stream().mapToLong(OneproviderTree::size).sum();
    }

    private static byte[] overlay(byte[] content, byte[] data, long offset) {
        byte[] result = Arrays.copyOf(content, (int) Math.max(content.length, offset + data.length));
        System.arraycopy(data, 0, result, (int) offset, data.length);
        return result;
    }

    private static String last(List<String> path) {
        return path.get(path.size() - 1);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private String uuid() {
        return salt + String.format("%08x", COUNTER.incrementAndGet()) + randomHex(16);
    }

    /** An object id shaped like Onedata's: ten zeros, a checksum, then the hex of {@code guid#<uuid>#<space>}. */
    private static String objectId(String uuid, String spaceId) {
        byte[] guid = ("guid#" + uuid + "#" + spaceId).getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(guid);
        StringBuilder id = new StringBuilder("0000000000").append(String.format("%04X", crc.getValue() & 0xffff));
        for (byte b : guid) {
            id.append(String.format("%02X", b));
        }
        return id.toString();
    }

    private static String randomHex(int length) {
        byte[] bytes = new byte[length / 2];
        RANDOM.nextBytes(bytes);
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }
}
