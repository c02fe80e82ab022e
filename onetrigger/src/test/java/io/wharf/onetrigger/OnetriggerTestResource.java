package io.wharf.onetrigger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.wharf.contracts.Json;
import io.wharf.testing.NatsServer;
import io.wharf.testing.OneproviderServer;
import io.wharf.testing.WharfTestResource;

/**
 * What onetrigger talks to, all real: a nats-server, the Oneprovider test server, and a small HTTP server standing
 * where the gateway is, which keeps every event onetrigger posts to {@code /events/onedata} and answers as told.
 */
public class OnetriggerTestResource implements QuarkusTestResourceLifecycleManager {

    static final String TOKEN = "onetrigger-test-token";

    private static NatsServer nats;
    private static OneproviderServer oneprovider;
    private static HttpServer gateway;
    private static final List<Posted> POSTED = new CopyOnWriteArrayList<>();
    private static volatile int answer = 200;
    private static volatile String refused = "\u0000";

    /** One event the gateway received: the function and uid it named, and the body. */
    record Posted(String function, String uid, String authorization, JsonNode event) {
    }

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "onetrigger-servers-");
            nats = new NatsServer(dir.resolve("nats")).start();
            oneprovider = OneproviderServer.start();
            gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            gateway.createContext("/events/onedata", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                Map<String, String> query = new java.util.HashMap<>();
                String raw = exchange.getRequestURI().getQuery();
                for (String pair : raw == null ? new String[0] : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    query.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
                JsonNode event = Json.json().readTree(body);
                int status = event.path("Key").asText().endsWith(refused) ? 400 : answer;
                if (status == 200) {
                    POSTED.add(new Posted(query.get("function"), query.get("uid"),
                            exchange.getRequestHeaders().getFirst("Authorization"), event));
                }
                byte[] reply = "{\"accepted\":1}".getBytes();
                exchange.sendResponseHeaders(status, reply.length);
                exchange.getResponseBody().write(reply);
                exchange.close();
            });
            gateway.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("wharf.nats.url", nats.url(),
                "wharf.secrets.key", WharfTestResource.SECRETS_KEY,
                "wharf.onetrigger.gateway-url", "http://127.0.0.1:" + gateway.getAddress().getPort(),
                "wharf.onetrigger.token", TOKEN);
    }

    @Override
    public void stop() {
        if (gateway != null) {
            gateway.stop(0);
        }
        if (oneprovider != null) {
            oneprovider.close();
        }
        if (nats != null) {
            nats.stop();
        }
    }

    static OneproviderServer oneprovider() {
        return oneprovider;
    }

    static List<Posted> posted() {
        return POSTED;
    }

    /** What the gateway answers from now on: 200, or e.g. 503 while it is "down". */
    static void answer(int status) {
        answer = status;
    }

    /** The gateway refuses (400, as a malformed event) every event whose key ends so. */
    static void refuse(String keySuffix) {
        refused = keySuffix;
    }
}
