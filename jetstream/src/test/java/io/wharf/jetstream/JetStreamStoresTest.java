package io.wharf.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nats.client.Connection;
import io.nats.client.api.PublishAck;
import io.wharf.contracts.Names;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.envelope.EventData;
import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.contracts.execution.ExecutionState;
import io.wharf.contracts.function.FdlReader;
import io.wharf.testing.NatsServer;

class JetStreamStoresTest {

    private static NatsServer nats;
    private static Connection connection;

    @BeforeAll
    static void start(@TempDir Path dir) {
        nats = new NatsServer(dir).start();
        connection = NatsConnections.connect(nats.url(), "test", Optional.empty(), Optional.empty());
        Topology.ensure(connection, Duration.ofMinutes(10), 1);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        connection.close();
        nats.stop();
    }

    @Test
    void shouldSetUpTheTopologyIdempotently() throws Exception {
        Topology.ensure(connection, Duration.ofMinutes(10), 1);

        assertThat(connection.jetStreamManagement().getStreamNames()).contains(Names.EVENTS_STREAM,
                Names.DLQ_STREAM, Names.EXECUTIONS_STREAM, Names.INGEST_STREAM);
        assertThat(connection.keyValueManagement().getBucketNames()).contains(Names.FUNCTIONS_BUCKET,
                Names.EXECUTIONS_BUCKET);
    }

    @Test
    void shouldCreateAnExecutionOnlyOnceAndRefuseStaleUpdates() {
        ExecutionStore store = new ExecutionStore(connection);
        ExecutionRecord queued = ExecutionRecord.queued("once-0123456789abcdef", "once", "e", Envelope.TYPE_INVOCATION,
                null, "me", Instant.now().truncatedTo(ChronoUnit.MILLIS));

        long revision = store.create(queued);

        assertThatThrownBy(() -> store.create(queued)).isInstanceOf(ConflictException.class);
        long next = store.update(queued.running(Instant.now(), 1), revision);
        assertThatThrownBy(() -> store.update(queued.running(Instant.now(), 1), revision))
                .isInstanceOf(ConflictException.class);
        assertThat(store.get("once", queued.id())).get().satisfies(v -> {
            assertThat(v.revision()).isEqualTo(next);
            assertThat(v.value().state()).isEqualTo(ExecutionState.RUNNING);
        });
        assertThat(store.list("once")).extracting(ExecutionRecord::id).containsExactly(queued.id());
        assertThat(store.list("other")).isEmpty();
    }

    @Test
    void shouldDropASecondPublishOfTheSameEnvelope() {
        Publisher publisher = new Publisher(connection, 3, Duration.ofMillis(50));
        String id = EnvelopeIds.forObject("dedup", "minio://m/b", "k", "v");
        Envelope envelope = Envelope.of(id, "minio://m/b", Envelope.TYPE_OBJECT_CREATED, "k", Instant.now(), "dedup",
                EventData.object("minio", "default", "b", "k", 1L, "v", null, null));

        PublishAck first = publisher.publishEnvelope(envelope);
        PublishAck second = publisher.publishEnvelope(envelope);

        assertThat(first.isDuplicate()).isFalse();
        assertThat(second.isDuplicate()).isTrue();
        assertThat(second.getSeqno()).isEqualTo(first.getSeqno());
    }

    @Test
    void shouldKeepFunctionsAndLogsAcrossAServerCrash(@TempDir Path dir) throws Exception {
        FunctionStore functions = new FunctionStore(connection);
        functions.create(FdlReader.readOne("{name: durable, image: i, script: s}"));
        Path log = Files.writeString(dir.resolve("log"), "hello log");
        new LogStore(connection).put("durable-1", log);

        nats.kill();
        nats.start();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> connection.getStatus() == Connection.Status.CONNECTED);
        assertThat(new FunctionStore(connection).get("durable")).isPresent();
        assertThat(new LogStore(connection).get("durable-1")).get().extracting(String::new).isEqualTo("hello log");
        assertThat(new LogStore(connection).get("missing")).isEmpty();
    }
}
