package io.wharf.gateway.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.wharf.contracts.Json;

/**
 * An OpenID provider's discovery document ({@code <issuer>/.well-known/openid-configuration}): where its keys, its
 * login page and its token endpoint are. Read once per issuer and kept; a failed read is tried again next time.
 */
@ApplicationScoped
public class OidcDiscovery {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, JsonNode> documents = new ConcurrentHashMap<>();

    /**
     * @throws IOException when the provider cannot be reached, or answers with anything but its document
     */
    public JsonNode document(String issuer) throws IOException, InterruptedException {
        JsonNode known = documents.get(issuer);
        if (known != null) {
            return known;
        }
        URI uri = uri(issuer);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("OpenID discovery at " + uri + " answered " + response.statusCode());
        }
        JsonNode document = Json.json().readTree(response.body());
        documents.put(issuer, document);
        return document;
    }

    static URI uri(String issuer) {
        return URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
    }
}
