package io.wharf.gateway;

import static io.restassured.RestAssured.given;
import static io.wharf.gateway.Api.asUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.nats.client.Connection;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.contracts.Names;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.testing.Streams;
import io.wharf.testing.WharfTestResource;

@QuarkusTest
@WithTestResource(WharfTestResource.class)
class JobResourceTest {

    @Inject
    Connection connection;

    @Test
    void shouldStoreAnInvocationWhoseBodyBecomesTheInput() {
        Api.create("job-fn", "job-bucket");
        String body = Base64.getEncoder().encodeToString("a file\n".getBytes(StandardCharsets.UTF_8));

        String executionId = asUser().body(body)
                .when()
                .post("/job/job-fn")
                .then()
                .statusCode(201)
                .header("Location", containsString("/system/logs/job-fn/job-fn-"))
                .extract()
                .path("executionId");

        Envelope envelope = envelopes("job-fn").get(0);
        assertThat(envelope.type()).isEqualTo(Envelope.TYPE_INVOCATION);
        assertThat(new String(Base64.getDecoder().decode(envelope.data().body()), StandardCharsets.UTF_8))
                .isEqualTo(body);
        assertThat(EnvelopeIds.executionId("job-fn", envelope.id())).isEqualTo(executionId);
    }

    @Test
    void shouldAcceptTheFunctionsOwnTokenAsOscarCliSendsIt() {
        Api.create("token-fn", "token-bucket");
        String token = asUser().when().get("/system/services/token-fn").then().extract().path("token");

        given().header("Authorization", "Bearer " + token)
                .body("x")
                .when()
                .post("/job/token-fn")
                .then()
                .statusCode(201);
        given().header("Authorization", "Bearer wrong")
                .body("x")
                .when()
                .post("/job/token-fn")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        given().body("x").when().post("/job/token-fn").then().statusCode(401);
        asUser().body("x")
                .when()
                .post("/job/no-such-fn")
                .then()
                .statusCode(404)
                .body("detail", equalTo("no function named 'no-such-fn'"));
    }

    @Test
    void shouldRunARetriedRequestWithTheSameIdempotencyKeyOnce() {
        Api.create("idem-fn", "idem-bucket");

        String first = asUser().header("Idempotency-Key", "req-1")
                .body("x")
                .when()
                .post("/job/idem-fn")
                .then()
                .statusCode(201)
                .extract()
                .path("executionId");
        String second = asUser().header("Idempotency-Key", "req-1")
                .body("x")
                .when()
                .post("/job/idem-fn")
                .then()
                .statusCode(201)
                .extract()
                .path("executionId");

        assertThat(second).isEqualTo(first);
        assertThat(Streams.count(connection, Names.EVENTS_STREAM, Names.eventsSubject("idem-fn"))).isEqualTo(1);
    }

    @Test
    void shouldRefuseABodyOverTheLimitFromItsLengthBeforeReadingIt() throws Exception {
        Api.create("big-fn", "big-bucket");

        Api.HeadAnswer answer = Api.answerBeforeBody("/job/big-fn",
                Api.basic(WharfTestResource.USER, WharfTestResource.PASSWORD), 4 * 1024 * 1024 + 1);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.headers()).containsEntry("content-type", "application/problem+json");
        assertThat(answer.body()).contains("at most 4194304 bytes");
    }

    @Test
    void shouldRefuseAWrongTokenBeforeReadingTheBody() throws Exception {
        Api.create("early-fn", "early-bucket");

        Api.HeadAnswer wrongToken = Api.answerBeforeBody("/job/early-fn", "Bearer " + "0".repeat(64), 1 << 20);
        Api.HeadAnswer unknownFunction = Api.answerBeforeBody("/job/no-such-function", "Bearer " + "0".repeat(64),
                1 << 20);
        Api.HeadAnswer anonymous = Api.answerBeforeBody("/job/early-fn", null, 1 << 20);

        for (Api.HeadAnswer answer : List.of(wrongToken, unknownFunction, anonymous)) {
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.headers()).containsEntry("content-type", "application/problem+json");
        }
        assertThat(unknownFunction.body()).as("an unknown name answers as a wrong token does")
                .isEqualTo(wrongToken.body());
        assertThat(Streams.count(connection, Names.EVENTS_STREAM, Names.eventsSubject("early-fn"))).isZero();
    }

    @Test
    void shouldRunTheFunctionForANotificationPostedToItsJobPath() {
        Api.create("oscar-hook", "oscar-hook-bucket");

        asUser().contentType("application/json")
                .body(Notifications.minio("s3:ObjectCreated:Put", "oscar-hook-bucket", "in/a.txt", "D1"))
                .when()
                .post("/job/oscar-hook")
                .then()
                .statusCode(201)
                .body("accepted", equalTo(1));

        assertThat(envelopes("oscar-hook")).singleElement()
                .satisfies(e -> assertThat(e.type()).isEqualTo(Envelope.TYPE_OBJECT_CREATED));
    }

    private List<Envelope> envelopes(String function) {
        return Api.envelopes(connection, function);
    }
}
