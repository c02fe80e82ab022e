package io.wharf.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.wharf.testing.OneproviderTree.Stat;

/**
 * A stand-in for a Onedata Oneprovider, in memory, on plain HTTP: the CDMI interface ({@code /cdmi/<space>/<path>}),
 * the REST v3 API ({@code /api/v3/oneprovider/...}) including the deprecated endpoints OneTrigger polls, and the
 * metadata changes stream. No Oneprovider can run on this machine, so it is written from the protocol notes
 * ({@code shared/reference/protocols.md}, sections 3 to 5), not from op-worker; where the notes leave a choice open,
 * it answers the way a real Oneprovider most likely would.
 * <p>
 * Every route but {@code /cdmi/cdmi_capabilities/} needs a token ({@code X-Auth-Token} or
 * {@code Authorization: Bearer}) given to {@link #addSpace} or {@link #allow}, and a token sees only its own spaces.
 * Paths given to the Java methods are relative to the space, '/'-separated; leading and trailing '/' are ignored. A
 * {@code space} argument is a space id (as {@link #addSpace} returns it) or a space name. Thread-safe.
 */
public final class OneproviderServer implements AutoCloseable {

    private final OneproviderTree tree = new OneproviderTree();
    private final HttpServer http;
    private final ExecutorService executor;
    private final String host;
    private final OneproviderCdmi cdmi;
    private final OneproviderRest rest;
    private final Queue<Request> requests = new ConcurrentLinkedQueue<>();

    private record Request(String method, String rawPath) {
    }

    private OneproviderServer(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
        this.host = "127.0.0.1:" + http.getAddress().getPort();
        this.cdmi = new OneproviderCdmi(tree, url());
        this.rest = new OneproviderRest(tree, url());
    }

    /** Starts a server on 127.0.0.1, on a free port, on plain HTTP. */
    public static OneproviderServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            AtomicInteger threads = new AtomicInteger();
            ExecutorService executor = Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "oneprovider-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            OneproviderServer server = new OneproviderServer(http, executor);
            http.createContext("/", server::handle);
            http.setExecutor(executor);
            http.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL, {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String url() {
        return "http://" + host;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String host() {
        return host;
    }

    /** Creates a space that the given tokens may access and returns its (hex) space id. */
    public String addSpace(String name, String... tokens) {
        String spaceId = tree.addSpace(name);
        for (String token : tokens) {
            tree.grant(token, spaceId);
        }
        return spaceId;
    }

    /** Lets a token access a space too; a revoked token becomes valid again, with all the spaces it had. */
    public void allow(String token, String space) {
        tree.grant(token, space);
    }

    /** Makes a token invalid everywhere (401) until {@link #allow} is called for it again. */
    public void revoke(String token) {
        tree.revoke(token);
    }

    /** Creates or replaces a file, making its missing parent folders, as a user's upload would. */
    public void write(String space, String path, byte[] content) {
        call(space, path, () -> tree.write(spaceId(space), segments(path), content, null, null, true));
    }

    /** Grows a file by some bytes, as a half-done upload would; makes the file (and its folders) when missing. */
    public void append(String space, String path, byte[] more) {
        call(space, path, () -> tree.append(spaceId(space), segments(path), more));
    }

    /** Makes a folder and its missing parents; nothing happens when it exists. */
    public void mkdirs(String space, String path) {
        call(space, path, () -> tree.mkdir(spaceId(space), segments(path), true));
    }

    /** A file's content; empty when it is absent or a folder. */
    public Optional<byte[]> read(String space, String path) {
        return tree.content(spaceId(space), segments(path));
    }

    /** The names in a folder, sorted, folders with a trailing '/'; empty when it is absent or a file. */
    public List<String> list(String space, String folder) {
        String spaceId = spaceId(space);
        List<String> path = segments(folder);
        Optional<Stat> stat = tree.stat(spaceId, path);
        if (stat.isEmpty() || !stat.get().dir()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (Stat child : tree.children(spaceId, path)) {
            names.add(child.dir() ? child.name() + "/" : child.name());
        }
        return names;
    }

    /** How many requests the server answered with that method whose raw path starts with {@code pathPrefix}. */
    public int requestCount(String method, String pathPrefix) {
        return (int) requests.stream()
                .filter(request -> request.method().equalsIgnoreCase(method)
                        && request.rawPath().startsWith(pathPrefix))
                .count();
    }

    /** Ends every open changes stream and stops the server. */
    @Override
    public void close() {
        tree.close();
        http.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------------------------------------- HTTP

    private void handle(HttpExchange httpExchange) {
        OneproviderExchange exchange = new OneproviderExchange(httpExchange);
        requests.add(new Request(exchange.method(), httpExchange.getRequestURI().getRawPath()));
        try {
            route(exchange);
        } catch (OneproviderError e) {
            answer(exchange, e);
        } catch (IOException | RuntimeException e) {
            answer(exchange, OneproviderError.of(500, "internalServerError", Map.of(), String.valueOf(e)));
        } finally {
            httpExchange.close();
        }
    }

    private void route(OneproviderExchange exchange) throws IOException {
        String path = exchange.path();
        if (path.equals(OneproviderCdmi.CAPABILITIES_PATH)
                || path.startsWith(OneproviderCdmi.CAPABILITIES_PATH + "/")) {
            cdmi.capabilities(exchange);
            return;
        }
        String token = token(exchange);
        if (!tree.valid(token)) {
            throw OneproviderError.unauthorized();
        }
        if (path.startsWith("/cdmi/")) {
            cdmi.handle(exchange, token);
        } else if (path.equals(OneproviderRest.BASE) || path.startsWith(OneproviderRest.BASE + "/")) {
            rest.handle(exchange, token);
        } else {
            throw OneproviderError.notFound();
        }
    }

    /** The token of {@code X-Auth-Token}, {@code Authorization: Bearer} or the deprecated {@code Macaroon}. */
    private static String token(OneproviderExchange exchange) {
        String token = exchange.header("X-Auth-Token");
        String authorization = exchange.header("Authorization");
        if (token == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = authorization.substring(7);
        }
        if (token == null) {
            token = exchange.header("Macaroon");
        }
        return token == null ? null : token.trim();
    }

    private static void answer(OneproviderExchange exchange, OneproviderError error) {
        if (!exchange.responded()) {
            try {
                exchange.error(error);
            } catch (IOException e) {
                // the client is gone
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- Java API

    private String spaceId(String space) {
        return tree.space(space).id();
    }

    private static List<String> segments(String path) {
        List<String> segments = Arrays.stream(path.split("/")).filter(segment -> !segment.isEmpty()).toList();
        if (segments.contains(".") || segments.contains("..")) {
            throw new IllegalArgumentException("No '.' or '..' in paths: " + path);
        }
        return segments;
    }

    private static void call(String space, String path, Supplier<?> operation) {
        try {
            operation.get();
        } catch (OneproviderError e) {
            throw new IllegalStateException(e.getMessage() + " (" + space + ": " + path + ")", e);
        }
    }
}
