package io.wharf.gateway;

import static io.restassured.RestAssured.given;
import static io.wharf.gateway.Api.asUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.MessageInfo;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.wharf.contracts.Names;
import io.wharf.jetstream.FunctionStore;
import io.wharf.testing.Streams;
import io.wharf.testing.WharfTestResource;

/**
 * Bad input of every kind a caller can send (REST, FDL, the webhook, NATS invocations, object keys): each gets a
 * precise 4xx problem naming what is wrong, or a dead letter with its reason; none gets a 500, and nothing is stored
 * where it must not be (no function, no envelope). Prints how many cases ran and passed.
 */
@QuarkusTest
@WithTestResource(WharfTestResource.class)
class BadInputTest {

    private static final String FN = "bad-input-fn";
    private static final String BUCKET = "bad-input-bucket";

    @Inject
    Connection connection;
    @Inject
    FunctionStore functions;

    /** A request and what it must answer: the status and a piece of the body (the field or the rule). */
    private record Case(String name, Supplier<Response> request, int status, String mentions) {
    }

    @Test
    void shouldRefuseEveryBadInputPrecisely() throws Exception {
        Api.create(FN, BUCKET);
        String token = asUser().when().get("/system/services/" + FN).then().extract().path("token");
        List<Case> cases = new ArrayList<>();

        // function definitions (FDL in YAML or JSON)
        fdl(cases, "empty body", "", 400, "must not be empty");
        fdl(cases, "not YAML at all", "{{{ :", 400, "");
        fdl(cases, "a list instead of a function", "[1, 2]", 400, "");
        fdl(cases, "no name", function(null, "localhost/x:1", BUCKET + "/in", BUCKET + "/out"), 400, "name");
        fdl(cases, "name with a space", function("bad name", "localhost/x:1", "bi-a/in", "bi-a/out"), 400, "name");
        fdl(cases, "name with a control character (JSON)", "{\"name\": \"bad\\u0007name\", \"image\": \"x:1\","
                + " \"script\": \"echo\"}", 400, "name");
        fdl(cases, "name of 300 characters", function("a".repeat(300), "localhost/x:1", "bi-a/in", "bi-a/out"), 400,
                "name");
        fdl(cases, "name traversing", function("../etc", "localhost/x:1", "bi-a/in", "bi-a/out"), 400, "name");
        fdl(cases, "no image", function("bi-noimage", null, "bi-a/in", "bi-a/out"), 400, "image");
        fdl(cases, "image that is an option", function("bi-opt", "--privileged", "bi-a/in", "bi-a/out"), 400, "image");
        fdl(cases, "image with a newline", function("bi-nl", "busybox\\n--rm", "bi-a/in", "bi-a/out"), 400, "image");
        fdl(cases, "path traversing", function("bi-trav", "localhost/x:1", "bi-a/../etc", "bi-a/out"), 400,
                "input[0].path");
        fdl(cases, "bucket name invalid", function("bi-bucket", "localhost/x:1", "Not_A_Bucket/in", "bi-a/out"), 400,
                "input[0].path");
        fdl(cases, "output feeding its own input", function("bi-loop", "localhost/x:1", "bi-a/in", "bi-a/in/out"),
                400, "output[0].path");
        fdl(cases, "cpu that is not a quantity", base("bi-cpu") + "cpu: lots\n", 400, "cpu");
        fdl(cases, "negative memory", base("bi-mem") + "memory: -5Gi\n", 400, "memory");
        fdl(cases, "negative timeout", base("bi-timeout") + "timeout: -1\n", 400, "timeout");
        fdl(cases, "timeout of the wrong type", base("bi-timeout-type") + "timeout: soon\n", 400, "timeout");
        fdl(cases, "variables of the wrong type", base("bi-vars") + "environment: {variables: [a, b]}\n", 400,
                "expected a mapping of names to values");
        fdl(cases, "a value in Wharf's sealed format", base("bi-sealed")
                + "environment: {secrets: {K: 'wharf:sealed:v2:AAAA'}}\n", 400, "secrets");
        fdl(cases, "token too short", base("bi-token") + "token: abc\n", 400, "token");
        fdl(cases, "unknown visibility", base("bi-vis") + "visibility: secretive\n", 400, "visibility");
        fdl(cases, "undefined storage provider", function("bi-prov", "localhost/x:1", "bi-a/in", "bi-a/out")
                .replace("storage_provider: minio.default", "storage_provider: minio.nowhere"), 400,
                "storage_provider");
        fdl(cases, "labels of the wrong type", base("bi-labels") + "labels: 5\n", 400, "labels");
        fdl(cases, "JSON nested 5000 deep", "{\"name\":" + "[".repeat(5000) + "]".repeat(5000) + "}", 400, "");
        fdl(cases, "YAML alias bomb", yamlBomb(), 400, "");
        cases.add(new Case("a function on another user's bucket", () -> Api.asOther()
                .contentType("text/plain")
                .body(Api.function("bi-steal", BUCKET))
                .post("/system/services"), 403, BUCKET));

        // names and ids in paths
        cases.add(new Case("function name with a space", () -> asUser().get("/system/services/a%20b"), 404, ""));
        cases.add(new Case("function name of dots", () -> asUser().get("/system/services/%2e%2e"), 404, ""));
        cases.add(new Case("execution id with a space", () -> asUser().get("/system/logs/" + FN + "/x%20y"), 404,
                ""));
        cases.add(new Case("execution id with a control character",
                () -> asUser().delete("/system/logs/" + FN + "/x%07y"), 404, ""));

        // /job bodies and headers
        job(cases, token, "a record without its s3 part", "{\"Records\":[{\"s3\":{}}]}", 400, "s3");
        job(cases, token, "a second record that is not an object", "{\"Records\":[{\"s3\":{\"bucket\":{\"name\":\""
                + BUCKET + "\"},\"object\":{\"key\":\"in/a\"}}}, 5]}", 400, "");
        job(cases, token, "more than 100 records", records(101, BUCKET, "in/x"), 400, "100");
        job(cases, token, "an object of another bucket", records(1, "victim-bucket", "in/s.txt"), 403,
                "victim-bucket");
        job(cases, token, "a key outside the input folder", records(1, BUCKET, "../out/s.txt"), 403, "");
        cases.add(new Case("an Idempotency-Key with a control character", () -> bearer(token)
                .header("Idempotency-Key", "key\tinside")
                .body("x")
                .post("/job/" + FN), 400, "Idempotency-Key"));
        cases.add(new Case("an Idempotency-Key of 1000 characters", () -> bearer(token)
                .header("Idempotency-Key", "k".repeat(1000))
                .body("x")
                .post("/job/" + FN), 400, "Idempotency-Key"));
        cases.add(new Case("a body over the limit", () -> bearer(token).contentType("application/octet-stream")
                .body(new byte[4 * 1024 * 1024 + 1])
                .post("/job/" + FN), 413, ""));

        // MinIO's webhook
        webhook(cases, "a webhook body that is not JSON", "not json", 400, "");
        webhook(cases, "webhook Records that are not a list", "{\"Records\": {}}", 400, "Records");
        webhook(cases, "a webhook record without a bucket", "{\"Records\":[{\"s3\":{\"object\":{\"key\":\"in/a\"}}}]}",
                400, "bucket");
        webhook(cases, "a webhook key that is not URL-encoded", records(1, BUCKET, "in/%zz"), 400, "key");
        webhook(cases, "a webhook record of 70 KB", records(1, BUCKET, "in/" + "k".repeat(70_000)), 400, "");

        // object keys Wharf must never turn into a local file name: accepted from MinIO, dead-lettered
        List<String> unsafeKeys = List.of("in/../../etc/passwd", "in/a\u0000b", "in/tab\tand\u001bescape",
                "in/" + "k".repeat(1100));
        for (int i = 0; i < unsafeKeys.size(); i++) {
            String key = unsafeKeys.get(i);
            String notification = Notifications.minio("s3:ObjectCreated:Put", BUCKET, key, "BADKEY" + i);
            cases.add(new Case("object key " + key.substring(0, Math.min(24, key.length())).replace('\u0000', '0'),
                    () -> given().header("Authorization", "Bearer " + WharfTestResource.WEBHOOK_TOKEN)
                            .contentType("application/json")
                            .body(notification)
                            .post("/events/minio"),
                    200, "\"deadLettered\":1"));
        }

        int passed = 0;
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            Response response = c.request().get();
            String body = response.asString();
            boolean ok = response.statusCode() == c.status()
                    && (c.status() < 400 || response.contentType().startsWith("application/problem+json"))
                    && body.contains(c.mentions());
            if (ok) {
                passed++;
            } else {
                failures.add(c.name() + ": " + response.statusCode() + " " + response.contentType() + " "
                        + body.substring(0, Math.min(300, body.length())));
            }
        }

        failures.forEach(f -> System.out.println("bad-input case failed: " + f));

        // NATS invocations: dead letters with their reason
        int natsCases = 0;
        try (Connection invoker = Nats.connect(Options.builder()
                .server(WharfTestResource.nats().serviceUrl())
                .userInfo("invoker", WharfTestResource.nats().password("invoker"))
                .build())) {
            invoker.publish(Names.invokeSubject(FN), "not json".getBytes(StandardCharsets.UTF_8));
            invoker.publish(Names.invokeSubject("bi-ghost"), "{}".getBytes(StandardCharsets.UTF_8));
            invoker.publish(Names.invokeSubject("Bad_Name"), "{}".getBytes(StandardCharsets.UTF_8));
            invoker.flush(Duration.ofSeconds(5));
            natsCases = 3;
        }
        Streams.messages(connection, Names.DLQ_STREAM, Names.dlqSubject(FN))
                .forEach(m -> System.out.println("DLQ "
                        + m.getHeaders().getFirst(Names.Headers.REASON) + " "
                        + m.getHeaders().getFirst(Names.Headers.DETAIL)));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(reasons(Names.dlqSubject(FN))).contains("malformed-event")
                    .filteredOn("unsafe-key"::equals)
                    .hasSize(unsafeKeys.size());
            assertThat(reasons(Names.dlqSubject("bi-ghost"))).contains("unknown-function");
            assertThat(reasons(Names.dlqSubject(Names.UNATTRIBUTED)).size()
                    + reasons(Names.dlqSubject("Bad_Name")).size()).isPositive();
        });
        passed += natsCases;

        int total = cases.size() + natsCases;
        System.out.printf("bad-input suite: %d cases ran, %d passed%n", total, passed);
        assertThat(failures).isEmpty();
        assertThat(total).isGreaterThanOrEqualTo(40);

        // nothing was stored: no function but the one created, no envelope for it
        assertThat(functions.list()).extracting(f -> f.name()).filteredOn(n -> n.startsWith("bi-")).isEmpty();
        assertThat(Api.envelopes(connection, FN)).isEmpty();
    }

    private List<String> reasons(String subject) {
        return Streams.messages(connection, Names.DLQ_STREAM, subject)
                .stream()
                .map(MessageInfo::getHeaders)
                .map(h -> h.getFirst(Names.Headers.REASON))
                .toList();
    }

    private static void fdl(List<Case> cases, String name, String body, int status, String mentions) {
        cases.add(new Case("FDL: " + name, () -> asUser().contentType("text/plain")
                .body(body)
                .post("/system/services"), status, mentions));
    }

    private static void job(List<Case> cases, String token, String name, String body, int status, String mentions) {
        cases.add(new Case("/job: " + name, () -> bearer(token).contentType("application/json")
                .body(body)
                .post("/job/" + FN), status, mentions));
    }

    private static void webhook(List<Case> cases, String name, String body, int status, String mentions) {
        cases.add(new Case("webhook: " + name, () -> given().header("Authorization",
                "Bearer " + WharfTestResource.WEBHOOK_TOKEN)
                .contentType("application/json")
                .body(body)
                .post("/events/minio"), status, mentions));
    }

    private static String base(String name) {
        return function(name, "localhost/x:1", "bi-a/in", "bi-a/out");
    }

    private static String function(String name, String image, String in, String out) {
        return (name == null ? "" : "name: \"" + name + "\"\n") + (image == null ? "" : "image: \"" + image + "\"\n")
                + "script: echo\n"
                + "input:\n- {storage_provider: minio, path: \"" + in + "\"}\n"
                + "output:\n- {storage_provider: minio.default, path: \"" + out + "\"}\n";
    }

    private static String records(int count, String bucket, String key) {
        StringBuilder s = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < count; i++) {
            s.append(i == 0 ? "" : ",")
                    .append("{\"eventName\":\"s3:ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"")
                    .append(bucket)
                    .append("\"},\"object\":{\"key\":\"")
                    .append(key)
                    .append("\",\"size\":1}}}");
        }
        return s.append("]}").toString();
    }

    private static String yamlBomb() {
        StringBuilder s = new StringBuilder("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'z'; c++) {
            s.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                s.append(i == 0 ? "" : ",").append('*').append(prev);
            }
            s.append("]\n");
            prev = c;
        }
        return s.toString();
    }

    private static RequestSpecification bearer(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

}
