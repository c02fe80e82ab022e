package io.wharf.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.minio.PutObjectArgs;
import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.wharf.contracts.Names;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.testing.Streams;
import io.wharf.testing.WharfTestResource;

@QuarkusTest
@WithTestResource(WharfTestResource.class)
class EventsResourceTest {

    @Inject
    Connection connection;

    @Test
    void shouldAnswerMiniosLivenessProbe() {
        given().when().head("/events/minio").then().statusCode(200);
    }

    @Test
    void shouldRefuseAWebhookWithoutTheToken() {
        String body = Notifications.minio("s3:ObjectCreated:Put", "hook-bucket", "in/a.txt", "A1");
        given().body(body).when().post("/events/minio").then().statusCode(401);
        given().header("Authorization", "Bearer nope").body(body).when().post("/events/minio").then().statusCode(401);
    }

    @Test
    void shouldNormaliseANotificationIntoOneEnvelopeWithTheKeyDecoded() {
        Api.create("hook-fn", "hook-bucket");

        webhook(Notifications.minio("s3:ObjectCreated:Put", "hook-bucket", "in/photo 1+2 é.txt", "17CF1A2B3F8E0C21"))
                .body("accepted", equalTo(1));

        Envelope envelope = envelopes("hook-fn").get(0);
        assertThat(envelope.subject()).isEqualTo("in/photo 1+2 é.txt");
        assertThat(envelope.type()).isEqualTo(Envelope.TYPE_OBJECT_CREATED);
        assertThat(envelope.data().bucket()).isEqualTo("hook-bucket");
        assertThat(envelope.data().etag()).isEqualTo("9b2cf535f27731c974343645a3985328");
        assertThat(envelope.data().raw().path("EventName").asText()).isEqualTo("s3:ObjectCreated:Put");
        assertThat(envelope.source()).startsWith("minio://127.0.0.1:");
    }

    @Test
    void shouldStoreADuplicateDeliveryOnce() {
        Api.create("dup-hook", "dup-hook-bucket");
        String body = Notifications.minio("s3:ObjectCreated:CompleteMultipartUpload", "dup-hook-bucket", "in/x.bin",
                "17CF00000000AAAA");

        webhook(body).body("accepted", equalTo(1));
        webhook(body).body("accepted", equalTo(0)).body("duplicates", equalTo(1));

        assertThat(Streams.count(connection, Names.EVENTS_STREAM, Names.eventsSubject("dup-hook"))).isEqualTo(1);
    }

    @Test
    void shouldIgnoreTaggingRemovalsAndFolderMarkers() {
        Api.create("ignore-fn", "ignore-bucket");

        webhook(Notifications.minio("s3:ObjectCreated:PutTagging", "ignore-bucket", "in/a.txt", "B1"))
                .body("ignored", equalTo(1));
        webhook(Notifications.minio("s3:ObjectRemoved:Delete", "ignore-bucket", "in/a.txt", "B2"))
                .body("ignored", equalTo(1));
        webhook(Notifications.minio("s3:ObjectCreated:Put", "ignore-bucket", "in/folder/", "B3"))
                .body("ignored", equalTo(1));

        assertThat(Streams.count(connection, Names.EVENTS_STREAM, Names.eventsSubject("ignore-fn"))).isZero();
    }

    @Test
    void shouldAnnounceAnOutputAnExecutionWroteTwiceOnlyOnce() {
        Api.create("downstream-fn", "chain-bucket");

        // an upstream execution delivered, failed before it could record that, ran again and delivered again:
        // another upload of the key (another sequencer, maybe other bytes), by the same execution
        webhook(Notifications.minioOutput("chain-bucket", "in/result.txt", "AAA1", "etag-one",
                "upstream-0123456789abcdef"))
                .body("accepted", equalTo(1));
        webhook(Notifications.minioOutput("chain-bucket", "in/result.txt", "AAA2", "etag-two",
                "upstream-0123456789abcdef"))
                .body("duplicates", equalTo(1));
        // another execution writing the same key is another event
        webhook(Notifications.minioOutput("chain-bucket", "in/result.txt", "AAA3", "etag-one",
                "upstream-fedcba9876543210"))
                .body("accepted", equalTo(1));

        assertThat(Streams.count(connection, Names.EVENTS_STREAM, Names.eventsSubject("downstream-fn"))).isEqualTo(2);
    }

    @Test
    void shouldDeadLetterAnUnsafeKeyAndAnUnwatchedBucketWithTheirReasons() {
        Api.create("unsafe-fn", "unsafe-bucket");

        webhook(Notifications.minio("s3:ObjectCreated:Put", "unsafe-bucket", "in/../../etc/passwd", "C1"))
                .body("deadLettered", equalTo(1));
        webhook(Notifications.minio("s3:ObjectCreated:Put", "nobody-watches", "in/a.txt", "C2"))
                .body("deadLettered", equalTo(1));

        List<MessageInfo> unsafe = Streams.messages(connection, Names.DLQ_STREAM, Names.dlqSubject("unsafe-fn"));
        assertThat(unsafe).singleElement()
                .satisfies(m -> assertThat(m.getHeaders().getFirst(Names.Headers.REASON))
                        .isEqualTo("unsafe-key"));
        assertThat(Streams.messages(connection, Names.DLQ_STREAM, Names.dlqSubject(Names.UNATTRIBUTED)))
                .anySatisfy(m -> assertThat(m.getHeaders().getFirst(Names.Headers.REASON)).isEqualTo("no-function"));
        assertThat(Streams.count(connection, Names.EVENTS_STREAM, Names.eventsSubject("unsafe-fn"))).isZero();
    }

    @Test
    void shouldRejectABodyThatIsNotANotification() {
        given().header("Authorization", "Bearer " + WharfTestResource.WEBHOOK_TOKEN)
                .body("{\"hello\":1}")
                .when()
                .post("/events/minio")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        Api.asUser()
                .when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("wharf_events_rejected_total{reason=\"malformed-event\"}"));
    }

    @Test
    void shouldTurnARealMinioUploadIntoAnEnvelopeThroughTheRealWebhook() throws Exception {
        Api.create("real-hook", "real-hook-bucket");
        byte[] content = "from a real upload\n".getBytes(StandardCharsets.UTF_8);

        ServicesResourceTest.minio()
                .putObject(PutObjectArgs.builder()
                        .bucket("real-hook-bucket")
                        .object("in/sub dir/real file.txt")
                        .stream(new ByteArrayInputStream(content), content.length, -1)
                        .build());
        ServicesResourceTest.minio()
                .putObject(PutObjectArgs.builder()
                        .bucket("real-hook-bucket")
                        .object("out/not-watched.txt")
                        .stream(new ByteArrayInputStream(content), content.length, -1)
                        .build());

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(envelopes("real-hook"))
                        .singleElement()
                        .satisfies(e -> {
                            assertThat(e.subject()).isEqualTo("in/sub dir/real file.txt");
                            assertThat(e.data().size()).isEqualTo(content.length);
                        }));
    }

    @Test
    void shouldRecogniseTheProducerInMiniosOwnNotificationOfAnOutput() throws Exception {
        Api.create("real-chain", "real-chain-bucket");

        for (String content : List.of("first delivery", "the re-run's delivery")) {
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            ServicesResourceTest.minio()
                    .putObject(PutObjectArgs.builder()
                            .bucket("real-chain-bucket")
                            .object("in/result.txt")
                            .userMetadata(java.util.Map.of("wharf-execution", "upstream-00000000000000aa"))
                            .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
                            .build());
        }
        byte[] other = "a user's upload".getBytes(StandardCharsets.UTF_8);
        ServicesResourceTest.minio()
                .putObject(PutObjectArgs.builder()
                        .bucket("real-chain-bucket")
                        .object("in/marker.txt")
                        .stream(new ByteArrayInputStream(other), other.length, -1)
                        .build());

        // the user's upload comes after both deliveries: once it is here, both were announced
        await().atMost(Duration.ofSeconds(30))
                .until(() -> envelopes("real-chain").stream().anyMatch(e -> e.subject().equals("in/marker.txt")));
        assertThat(envelopes("real-chain")).filteredOn(e -> e.subject().equals("in/result.txt")).hasSize(1);
    }

    private ValidatableResponse webhook(String body) {
        return given().header("Authorization", "Bearer " + WharfTestResource.WEBHOOK_TOKEN)
                .contentType("application/json")
                .body(body)
                .when()
                .post("/events/minio")
                .then()
                .statusCode(200);
    }

    private List<Envelope> envelopes(String function) {
        return Api.envelopes(connection, function);
    }
}
