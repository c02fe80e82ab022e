package io.wharf.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.minio.PutObjectArgs;
import io.minio.SetBucketNotificationArgs;
import io.minio.messages.EventType;
import io.minio.messages.NotificationConfiguration;
import io.minio.messages.QueueConfiguration;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.contracts.Names;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.testing.MinioServer;
import io.wharf.testing.Streams;
import io.wharf.testing.WharfTestResource;

@QuarkusTest
@WithTestResource(WharfTestResource.class)
class NatsIngestTest {

    @Inject
    Connection connection;

    @Test
    void shouldRunAJsonBodyPublishedWithAPlainNatsClientOnce() throws Exception {
        Api.create("nats-fn", "nats-bucket");

        try (Connection plain = Nats.connect(WharfTestResource.nats().url())) {
            plain.publish(Names.invokeSubject("nats-fn"), "{\"reading\": 21.5}".getBytes(StandardCharsets.UTF_8));
            plain.flush(Duration.ofSeconds(5));
        }

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(envelopes("nats-fn")).singleElement()
                        .satisfies(e -> {
                            assertThat(e.type()).isEqualTo(Envelope.TYPE_INVOCATION);
                            assertThat(new String(Base64.getDecoder().decode(e.data().body()), StandardCharsets.UTF_8))
                                    .isEqualTo("{\"reading\": 21.5}");
                            assertThat(e.source()).isEqualTo("nats://wharf.invoke.nats-fn");
                        }));
    }

    @Test
    void shouldTakeACloudEventsDataAsTheInputAndDeduplicateOnItsId() throws Exception {
        Api.create("ce-fn", "ce-bucket");
        String event = """
                {"specversion":"1.0","id":"reading-42","source":"sensors://hall","type":"org.example.reading",
                 "datacontenttype":"application/json","data":{"t":19}}""";

        try (Connection plain = Nats.connect(WharfTestResource.nats().url())) {
            plain.publish(Names.invokeSubject("ce-fn"), event.getBytes(StandardCharsets.UTF_8));
            plain.publish(Names.invokeSubject("ce-fn"), event.getBytes(StandardCharsets.UTF_8));
            plain.flush(Duration.ofSeconds(5));
        }

        await().atMost(Duration.ofSeconds(20))
                .until(() -> Streams.count(connection, Names.INGEST_STREAM,
                        Names.invokeSubject("ce-fn")) == 0);
        assertThat(envelopes("ce-fn")).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo("sensors://hall");
            assertThat(new String(Base64.getDecoder().decode(e.data().body()), StandardCharsets.UTF_8))
                    .isEqualTo("{\"t\":19}");
        });
    }

    @Test
    void shouldDeadLetterAMalformedOrUnknownInvocationWithItsReason() throws Exception {
        Api.create("bad-nats-fn", "bad-nats-bucket");

        try (Connection plain = Nats.connect(WharfTestResource.nats().url())) {
            plain.publish(Names.invokeSubject("bad-nats-fn"), "not json at all".getBytes(StandardCharsets.UTF_8));
            plain.publish(Names.invokeSubject("ghost-fn"), "{}".getBytes(StandardCharsets.UTF_8));
            plain.flush(Duration.ofSeconds(5));
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(Streams.messages(connection, Names.DLQ_STREAM, Names.dlqSubject("bad-nats-fn")))
                    .singleElement()
                    .satisfies(m -> {
                        assertThat(m.getHeaders().getFirst(Names.Headers.REASON)).isEqualTo("malformed-event");
                        assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("not json at all");
                    });
            assertThat(Streams.messages(connection, Names.DLQ_STREAM, Names.dlqSubject("ghost-fn")))
                    .singleElement()
                    .satisfies(m -> assertThat(m.getHeaders().getFirst(Names.Headers.REASON))
                            .isEqualTo("unknown-function"));
        });
        assertThat(envelopes("bad-nats-fn")).isEmpty();
    }

    @Test
    void shouldTakeMiniosOwnNatsNotifications() throws Exception {
        Api.create("minio-nats", "minio-nats-bucket");
        QueueConfiguration queue = new QueueConfiguration();
        queue.setQueue(MinioServer.NATS_ARN);
        queue.setEvents(List.of(EventType.OBJECT_CREATED_PUT));
        queue.setPrefixRule("in/");
        NotificationConfiguration config = new NotificationConfiguration();
        config.setQueueConfigurationList(List.of(queue));
        ServicesResourceTest.minio()
                .setBucketNotification(SetBucketNotificationArgs.builder()
                        .bucket("minio-nats-bucket")
                        .config(config)
                        .build());
        byte[] content = "via nats\n".getBytes(StandardCharsets.UTF_8);

        ServicesResourceTest.minio()
                .putObject(PutObjectArgs.builder()
                        .bucket("minio-nats-bucket")
                        .object("in/through nats.txt")
                        .stream(new ByteArrayInputStream(content), content.length, -1)
                        .build());

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(envelopes("minio-nats"))
                        .singleElement()
                        .satisfies(e -> assertThat(e.subject()).isEqualTo("in/through nats.txt")));
    }

    private List<Envelope> envelopes(String function) {
        return Api.envelopes(connection, function);
    }
}
