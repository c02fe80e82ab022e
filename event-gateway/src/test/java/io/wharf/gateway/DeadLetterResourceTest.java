package io.wharf.gateway;

import static io.restassured.RestAssured.given;
import static io.wharf.gateway.Api.asUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.nats.client.Connection;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.contracts.Names;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeCodec;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.envelope.EventData;
import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.contracts.execution.ExecutionState;
import io.wharf.jetstream.ExecutionStore;
import io.wharf.jetstream.FunctionStore;
import io.wharf.jetstream.Publisher;
import io.wharf.testing.Streams;
import io.wharf.testing.WharfTestResource;

@QuarkusTest
@WithTestResource(WharfTestResource.class)
class DeadLetterResourceTest {

    @Inject
    Connection connection;
    @Inject
    Publisher publisher;
    @Inject
    ExecutionStore executions;
    @Inject
    FunctionStore functions;

    @Test
    void shouldShowDeadLettersToTheOwnerAndReplayOneAsANewAttemptOfTheSameExecution() {
        Api.create("dlq-fn", "dlq-bucket");
        String uid = functions.get("dlq-fn").orElseThrow().value().uid();
        Envelope envelope = Envelope.of(EnvelopeIds.forInvocation("dlq-fn", "test://", "one"), "test://",
                Envelope.TYPE_INVOCATION, null, Instant.now(), "dlq-fn",
                EventData.invocation("api", "aGVsbG8=", "text/plain", null)).forFunctionUid(uid);
        String executionId = EnvelopeIds.executionId("dlq-fn", envelope.id());
        Instant t0 = Instant.now();
        ExecutionRecord failed = ExecutionRecord.queued(executionId, "dlq-fn", envelope.id(), envelope.type(), null,
                "d", t0).ofFunction(uid);
        failed = failed.released(t0, "x", true)
                .released(t0, "x", true)
                .claimedBy("d", t0, "again")
                .failed(t0, null, "gave up after 3 failures: storage said no", List.of());
        executions.create(failed);
        publisher.deadLetter("dlq-fn", Names.eventsSubject("dlq-fn"), EnvelopeCodec.encode(envelope),
                "execution-failed", "gave up after 3 failures: storage said no");
        publisher.deadLetter("dlq-fn", "minio/webhook", "{\"raw\":true}".getBytes(StandardCharsets.UTF_8),
                "unsafe-key", "object key 'in/..' contains a '..' segment");

        long sequence = asUser().when()
                .get("/system/dlq/dlq-fn")
                .then()
                .statusCode(200)
                .body("dead_letters", hasSize(2))
                .body("dead_letters[0].reason", equalTo("execution-failed"))
                .body("dead_letters[0].message.id", equalTo(envelope.id()))
                .body("dead_letters[1].not_replayable", containsString("raw event"))
                .extract()
                .jsonPath()
                .getLong("dead_letters[0].sequence");
        long raw = asUser().when()
                .get("/system/dlq/dlq-fn")
                .then()
                .extract()
                .jsonPath()
                .getLong("dead_letters[1].sequence");
        asUser().when().get("/system/dlq").then().statusCode(200).body("'dlq-fn'", equalTo(2));
        given().auth()
                .preemptive()
                .basic(WharfTestResource.OTHER_USER, WharfTestResource.OTHER_PASSWORD)
                .when()
                .get("/system/dlq/dlq-fn")
                .then()
                .statusCode(404);

        asUser().when()
                .post("/system/dlq/dlq-fn/" + raw + "/replay")
                .then()
                .statusCode(409)
                .contentType("application/problem+json");
        asUser().when()
                .post("/system/dlq/dlq-fn/" + sequence + "/replay")
                .then()
                .statusCode(202)
                .body("executionId", equalTo(executionId));

        ExecutionRecord requeued = executions.get("dlq-fn", executionId).orElseThrow().value();
        assertThat(requeued.state()).isEqualTo(ExecutionState.QUEUED);
        assertThat(requeued.failures()).isZero();
        assertThat(requeued.attempt()).isEqualTo(failed.attempt());
        assertThat(Api.envelopes(connection, "dlq-fn")).singleElement()
                .satisfies(e -> assertThat(e.id()).isEqualTo(envelope.id()));
        asUser().when().get("/system/dlq/dlq-fn").then().body("dead_letters", hasSize(1));

        asUser().when().delete("/system/dlq/dlq-fn/" + raw).then().statusCode(204);
        assertThat(Streams.messages(connection, Names.DLQ_STREAM, Names.dlqSubject("dlq-fn"))).isEmpty();
    }
}
