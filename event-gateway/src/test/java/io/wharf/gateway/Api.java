package io.wharf.gateway;

import static io.restassured.RestAssured.given;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import io.nats.client.Connection;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.wharf.contracts.Names;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeCodec;
import io.wharf.testing.Streams;
import io.wharf.testing.WharfTestResource;

/** Requests as the test user, and function definitions to create. */
final class Api {

    private Api() {
    }

    static RequestSpecification asUser() {
        return given().auth().preemptive().basic(WharfTestResource.USER, WharfTestResource.PASSWORD);
    }

    /** A request as oscar-cli sends it: basic auth, a body, and no Content-Type at all. */
    static HttpResponse<String> withoutContentType(String method, String path, String body) throws Exception {
        String credentials = Base64.getEncoder()
                .encodeToString(
                        (WharfTestResource.USER + ":" + WharfTestResource.PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + path))
                .header("Authorization", "Basic " + credentials)
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A function reading {@code <bucket>/in} and writing {@code <bucket>/out}, as YAML. */
    static String function(String name, String bucket) {
        return """
                name: %s
                image: localhost/wharf-busybox:1
                script: |
                  wc -l < "$INPUT_FILE_PATH" > "$TMP_OUTPUT_DIR/lines.txt"
                input:
                - storage_provider: minio
                  path: %s/in
                output:
                - storage_provider: minio.default
                  path: %s/out
                """.formatted(name, bucket, bucket);
    }

    /** The envelopes stored for a function, oldest first. */
    static List<Envelope> envelopes(Connection connection, String function) {
        return Streams.messages(connection, Names.EVENTS_STREAM, Names.eventsSubject(function))
                .stream()
                .map(m -> EnvelopeCodec.decode(m.getData()))
                .toList();
    }

    static void create(String name, String bucket) {
        asUser().contentType("text/plain")
                .body(function(name, bucket))
                .when()
                .post("/system/services")
                .then()
                .statusCode(201);
    }
}
