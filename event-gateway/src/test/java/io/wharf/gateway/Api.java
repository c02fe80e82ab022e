package io.wharf.gateway;

import static io.restassured.RestAssured.given;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.minio.MinioClient;
import io.nats.client.Connection;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
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

    /** Requests as the second test user, who owns none of the first one's functions or buckets. */
    static RequestSpecification asOther() {
        return given().auth().preemptive().basic(WharfTestResource.OTHER_USER, WharfTestResource.OTHER_PASSWORD);
    }

    /** A MinIO client with the user's own keys, as {@code /system/config} gives them to the user. */
    static MinioClient minioOf(RequestSpecification user) {
        JsonPath config = user.when().get("/system/config").then().statusCode(200).extract().jsonPath();
        return MinioClient.builder()
                .endpoint(config.getString("minio_provider.endpoint"))
                .credentials(config.getString("minio_provider.access_key"),
                        config.getString("minio_provider.secret_key"))
                .build();
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

    /**
     * Sends only the head of a POST that announces a body ({@code Expect: 100-continue}, {@code Content-Length}) and
     * returns what the server answers before any byte of the body is sent: a final status means the server decided
     * without reading the body; {@code 100} means it asked for the body.
     *
     * @param authorization the {@code Authorization} header, or {@code null}
     */
    static HeadAnswer answerBeforeBody(String path, String authorization, long contentLength) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/octet-stream\r\nExpect: 100-continue\r\nContent-Length: "
                    + contentLength + "\r\n");
            if (authorization != null) {
                head.append("Authorization: ").append(authorization).append("\r\n");
            }
            socket.getOutputStream().write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            int status = Integer.parseInt(in.readLine().split(" ")[1]);
            Map<String, String> headers = new HashMap<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).strip());
            }
            char[] body = new char[Integer.parseInt(headers.getOrDefault("content-length", "0"))];
            int read = 0;
            while (read < body.length) {
                int n = in.read(body, read, body.length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            return new HeadAnswer(status, headers, new String(body, 0, read));
        }
    }

    /** What a server answered to the head of a request. */
    record HeadAnswer(int status, Map<String, String> headers, String body) {
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
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
