package io.wharf.dispatcher;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.contracts.Hashes;
import io.wharf.contracts.Json;
import io.wharf.contracts.Names;
import io.wharf.contracts.capacity.CapacityReport;
import io.wharf.contracts.capacity.FunctionLoad;
import io.wharf.contracts.capacity.Resources;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeCodec;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.envelope.EventData;
import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.contracts.execution.ExecutionRecordCodec;
import io.wharf.contracts.execution.ExecutionState;
import io.wharf.contracts.function.FdlReader;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.contracts.storage.StorageCredentials;
import io.wharf.dispatcher.execution.DispatcherIdentity;
import io.wharf.jetstream.CredentialStore;
import io.wharf.jetstream.ExecutionStore;
import io.wharf.jetstream.FunctionStore;
import io.wharf.jetstream.LogStore;
import io.wharf.jetstream.Publisher;
import io.wharf.jetstream.Versioned;
import io.wharf.testing.Buckets;
import io.wharf.testing.MinioServer;
import io.wharf.testing.Streams;
import io.wharf.testing.WharfTestResource;

@QuarkusTest
@WithTestResource(value = WharfTestResource.class, initArgs = @ResourceArg(name = WharfTestResource.SERVICE, value = "dispatcher"))
class DispatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String STORED_UID = "00112233aabbccdd";
    private static final SecretCipher CIPHER = SecretCipher.fromBase64(WharfTestResource.SECRETS_KEY);

    @Inject
    Connection connection;
    @Inject
    FunctionStore functions;
    @Inject
    ExecutionStore executions;
    @Inject
    LogStore logs;
    @Inject
    Publisher publisher;
    @Inject
    DispatcherIdentity dispatcherIdentity;

    @Test
    void shouldRunAnObjectEventAndDeliverItsOutput() throws Exception {
        deploy("count", "count-bucket", """
                echo "counting $STORAGE_OBJECT_KEY as $(id -u)"
                wc -l < "$INPUT_FILE_PATH" | tr -d ' ' > "$TMP_OUTPUT_DIR/lines.txt"
                sha256sum < "$INPUT_FILE_PATH" | cut -d' ' -f1 > "$TMP_OUTPUT_DIR/sha256.txt"
                """, null);
        Buckets.put(minio(), "count-bucket", "in/three lines.txt", "a\nb\nc\n");

        ExecutionRecord done = awaitFinal("count", publishObject("count", "count-bucket", "in/three lines.txt"));

        assertThat(done.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(done.exitCode()).isZero();
        assertThat(done.attempt()).isEqualTo(1);
        assertThat(done.outputs()).containsExactlyInAnyOrder("count-bucket/out/lines.txt",
                "count-bucket/out/sha256.txt");
        assertThat(Buckets.read(minio(), "count-bucket", "out/lines.txt").strip()).isEqualTo("3");
        assertThat(Buckets.read(minio(), "count-bucket", "out/sha256.txt").strip())
                .isEqualTo(Hashes.sha256Hex("a\nb\nc\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(new String(logs.get(done.id()).orElseThrow(), StandardCharsets.UTF_8))
                .contains("counting in/three lines.txt as ", "succeeded; 2 output(s) delivered");
        assertThat(done.startedAt()).isAfterOrEqualTo(done.createdAt());
        assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());
    }

    @Test
    void shouldRecordAFailingScriptWithItsExitCodeAndLog() throws Exception {
        deploy("fails", "fails-bucket", "echo 'something went wrong' >&2\nexit 3\n", null);

        ExecutionRecord done = awaitFinal("fails", publishInvocation("fails", "{}"));

        assertThat(done.state()).isEqualTo(ExecutionState.FAILED);
        assertThat(done.exitCode()).isEqualTo(3);
        assertThat(done.reason()).isEqualTo("the script exited with 3");
        assertThat(done.outputs()).isEmpty();
        assertThat(new String(logs.get(done.id()).orElseThrow(), StandardCharsets.UTF_8))
                .contains("something went wrong");
    }

    @Test
    void shouldKillAScriptOverItsTimeoutAndMarkItFailed() throws Exception {
        deploy("slow", "slow-bucket", "echo started\nsleep 120\necho never\n", 2);

        ExecutionRecord done = awaitFinal("slow", publishInvocation("slow", "{}"));

        assertThat(done.state()).isEqualTo(ExecutionState.FAILED);
        assertThat(done.reason()).isEqualTo("timed out after 2s and was killed");
        assertThat(Duration.between(done.startedAt(), done.finishedAt())).isLessThan(Duration.ofSeconds(30));
        assertThat(new String(logs.get(done.id()).orElseThrow(), StandardCharsets.UTF_8)).contains("started")
                .doesNotContain("never");
    }

    @Test
    void shouldRunARedeliveredEnvelopeOnce() throws Exception {
        deploy("once", "once-bucket", "echo run > \"$TMP_OUTPUT_DIR/run-$(date +%s%N).txt\"\n", null);
        Envelope envelope = invocation("once", "{}");

        publisher.publishEnvelope(envelope);
        ExecutionRecord done = awaitFinal("once", envelope);
        // the same envelope again, after JetStream's duplicate window: a redelivery only the dispatcher can catch
        Headers headers = new Headers().put(Names.Headers.MSG_ID, "redelivery-" + envelope.id());
        connection.jetStream().publish(Names.eventsSubject("once"), headers, EnvelopeCodec.encode(envelope));

        await().atMost(WAIT)
                .until(() -> Streams.count(connection, Names.EVENTS_STREAM,
                        Names.eventsSubject("once")) == 0);
        assertThat(executions.list("once")).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo(done.id());
            assertThat(r.attempt()).isEqualTo(1);
        });
        assertThat(Buckets.list(minio(), "once-bucket", "out/")).hasSize(1);
    }

    @Test
    void shouldMaterialiseAnInvocationBodyAsTheInput() throws Exception {
        deploy("echo-body", "echo-body-bucket", "cp \"$INPUT_FILE_PATH\" \"$TMP_OUTPUT_DIR/body.json\"\n", null);

        awaitFinal("echo-body", publishInvocation("echo-body", "{\"reading\": 7}"));

        assertThat(Buckets.read(minio(), "echo-body-bucket", "out/body.json")).isEqualTo("{\"reading\": 7}");
    }

    @Test
    void shouldRetryAPlatformFailureAndThenDeadLetterIt() throws Exception {
        deploy("missing-input", "missing-bucket", "echo never\n", null);

        Envelope envelope = publishObject("missing-input", "missing-bucket", "in/not-there.txt");

        ExecutionRecord done = awaitFinal("missing-input", envelope);
        assertThat(done.state()).isEqualTo(ExecutionState.FAILED);
        assertThat(done.reason()).startsWith("gave up after 3 failures");
        assertThat(done.attempt()).isEqualTo(3);
        // the dead letter is written before the record turns final: a crash between them loses neither
        assertThat(Streams.messages(connection, Names.DLQ_STREAM, Names.dlqSubject("missing-input")))
                .singleElement()
                .satisfies(m -> assertThat(m.getHeaders().getFirst(Names.Headers.REASON))
                        .isEqualTo("execution-failed"));
    }

    @Test
    void shouldDeadLetterAnEnvelopeForAnUnknownFunctionOrAMalformedOne() throws Exception {
        publisher.publishEnvelope(invocation("ghost", "{}"));
        connection.jetStream().publish(Names.eventsSubject("garbled"), "not an envelope".getBytes());

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(Streams.messages(connection, Names.DLQ_STREAM, Names.dlqSubject("ghost"))).singleElement()
                    .satisfies(m -> assertThat(m.getHeaders().getFirst(Names.Headers.REASON))
                            .isEqualTo("unknown-function"));
            assertThat(Streams.messages(connection, Names.DLQ_STREAM, Names.dlqSubject("garbled"))).singleElement()
                    .satisfies(m -> assertThat(m.getHeaders().getFirst(Names.Headers.REASON))
                            .isEqualTo("malformed-envelope"));
        });
    }

    @Test
    void shouldPublishEveryStateChange() throws Exception {
        deploy("states", "states-bucket", "true\n", null);

        ExecutionRecord done = awaitFinal("states", publishInvocation("states", "{}"));

        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(Streams
                        .messages(connection, Names.EXECUTIONS_STREAM, Names.executionsSubject("states"))
                        .stream()
                        .map(m -> ExecutionRecordCodec.decode(m.getData()))
                        .filter(r -> r.id().equals(done.id()))
                        .map(ExecutionRecord::state))
                        .containsExactly(ExecutionState.QUEUED, ExecutionState.RUNNING, ExecutionState.SUCCEEDED));
    }

    @Test
    void shouldGiveTheScriptItsSecretsOpened() throws Exception {
        minio().makeBucket(MakeBucketArgs.builder().bucket("secret-bucket").build());
        store(FdlReader.readOne("name: with-secret\nimage: localhost/wharf-busybox:1\n"
                + "script: printf '%s' \"$API_KEY\" > \"$TMP_OUTPUT_DIR/key.txt\"\n"
                + "environment: {secrets: {API_KEY: hunter2}}\n"
                + "output: [{storage_provider: minio, path: secret-bucket/out}]\n"));

        awaitFinal("with-secret", publishInvocation("with-secret", "{}"));

        assertThat(Buckets.read(minio(), "secret-bucket", "out/key.txt")).isEqualTo("hunter2");
    }

    @Test
    void shouldDropWorkQueuedForAFunctionThatWasDeletedAndCreatedAgain() throws Exception {
        deploy("reborn", "reborn-bucket", "true\n", null);
        Envelope stale = invocation("reborn", "{\"old\": true}").forFunctionUid("0000000000000000");
        publisher.publishEnvelope(stale);
        Envelope current = invocation("reborn", "{}").forFunctionUid(STORED_UID);
        publisher.publishEnvelope(current);

        awaitFinal("reborn", current);
        await().atMost(WAIT)
                .untilAsserted(() -> given().when()
                        .get("/q/metrics")
                        .then()
                        .body(containsString("wharf_envelopes_orphaned_total 1.0")));
        assertThat(executions.get("reborn", EnvelopeIds.executionId("reborn", stale.id()))).isEmpty();
        assertThat(Streams.messages(connection, Names.DLQ_STREAM, Names.dlqSubject("reborn"))).isEmpty();
    }

    @Test
    void shouldRefuseToDialAPrivateAddressAFunctionNamesAsItsStorage() throws Exception {
        store(FdlReader.readOne("""
                name: ssrf
                image: localhost/wharf-busybox:1
                script: cat "$INPUT_FILE_PATH"
                input: [{storage_provider: minio.inside, path: internal/in}]
                output: [{storage_provider: minio.inside, path: internal/out}]
                storage_providers:
                  minio:
                    inside: {endpoint: "http://169.254.169.254", access_key: a, secret_key: bbbbbbbb}
                """));

        ExecutionRecord done = awaitFinal("ssrf", publisher(Envelope.of(
                EnvelopeIds.forObject("ssrf", "minio://inside/internal", "in/x", "1"), "minio://inside/internal",
                Envelope.TYPE_OBJECT_CREATED, "in/x", Instant.now(), "ssrf",
                EventData.object("minio", "inside", "internal", "in/x", null, null, null, null))));

        assertThat(done.state()).isEqualTo(ExecutionState.FAILED);
        assertThat(done.reason()).contains("169.254.169.254").contains("private address");
        assertThat(Streams.messages(connection, Names.DLQ_STREAM, Names.dlqSubject("ssrf"))).singleElement()
                .satisfies(m -> assertThat(m.getHeaders().getFirst(Names.Headers.REASON))
                        .isEqualTo("forbidden-endpoint"));
    }

    @Test
    void shouldStopARunningExecutionWhoseRecordIsRemovedAndDeliverNothing() throws Exception {
        deploy("doomed", "doomed-bucket", "sleep 60\necho late > \"$TMP_OUTPUT_DIR/late.txt\"\n", null);
        Envelope envelope = publishInvocation("doomed", "{}");
        String id = EnvelopeIds.executionId("doomed", envelope.id());
        await().atMost(WAIT)
                .until(() -> executions.get("doomed", id)
                        .filter(r -> r.value().state() == ExecutionState.RUNNING)
                        .isPresent());

        // what deleting the function does to its executions
        executions.delete("doomed", id);

        // stopped at the next heartbeat (2 s here), long before the script's 60 s
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().when()
                        .get("/q/metrics")
                        .then()
                        .body(containsString("wharf_executions_cancelled_total{function=\"doomed\"} 1.0")));
        assertThat(Buckets.list(minio(), "doomed-bucket", "out/")).isEmpty();
        assertThat(executions.get("doomed", id)).isEmpty();
    }

    @Test
    void shouldStopARunningExecutionItsOwnerRemovesAndRemoveItForGood() throws Exception {
        deploy("unwanted", "unwanted-bucket", "sleep 60\necho late > \"$TMP_OUTPUT_DIR/late.txt\"\n", null);
        Envelope envelope = publishInvocation("unwanted", "{}");
        String id = EnvelopeIds.executionId("unwanted", envelope.id());
        Versioned<ExecutionRecord> running = await().atMost(WAIT)
                .until(() -> executions.get("unwanted", id).orElse(null),
                        r -> r != null && r.value().state() == ExecutionState.RUNNING);

        // what DELETE /system/logs/unwanted/<id> does to an unfinished execution (OSCAR removes its job)
        executions.update(running.value().removed(Instant.now()), running.revision());

        // stopped at the next heartbeat, long before the script's 60 s; the mark goes with it, the envelope is acked
        await().atMost(Duration.ofSeconds(20)).until(() -> executions.get("unwanted", id).isEmpty());
        assertThat(Buckets.list(minio(), "unwanted-bucket", "out/")).isEmpty();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Streams.count(connection, Names.EVENTS_STREAM, Names.eventsSubject("unwanted")) == 0);
    }

    @Test
    void shouldFinishARunningExecutionWithTheDefinitionItStartedWithAndRecordEachRevision() throws Exception {
        deploy("evolving", "evolving-bucket", """
                sleep 3
                echo one > "$TMP_OUTPUT_DIR/first.txt"
                """, null);
        Envelope first = publishInvocation("evolving", "{}");
        String firstId = EnvelopeIds.executionId("evolving", first.id());
        await().atMost(WAIT)
                .until(() -> executions.get("evolving", firstId)
                        .filter(r -> r.value().state() == ExecutionState.RUNNING)
                        .isPresent());

        // the owner updates the script while the first execution runs
        Versioned<FunctionDefinition> current = functions.get("evolving").orElseThrow();
        FunctionDefinition v2 = current.value()
                .withScript("echo two > \"$TMP_OUTPUT_DIR/second.txt\"\n")
                .managedBy(current.value().owner(), current.value().token(), current.value().uid(),
                        current.value().nextRevision());
        functions.update(v2, current.revision());
        ExecutionRecord second = awaitFinal("evolving", publishInvocation("evolving", "{}"));

        ExecutionRecord firstDone = awaitFinal("evolving", first);
        assertThat(firstDone.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(firstDone.functionRevision()).isEqualTo(1);
        assertThat(firstDone.outputs()).containsExactly("evolving-bucket/out/first.txt");
        assertThat(second.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(second.functionRevision()).isEqualTo(2);
        assertThat(second.outputs()).containsExactly("evolving-bucket/out/second.txt");
    }

    @Test
    void shouldWaitForStorageToComeBackWithoutUsingUpItsRetries() throws Exception {
        deploy("patient", "patient-bucket", "wc -c < \"$INPUT_FILE_PATH\" | tr -d ' ' > \"$TMP_OUTPUT_DIR/size.txt\"\n",
                null);
        Buckets.put(minio(), "patient-bucket", "in/a.txt", "abc");
        Envelope envelope;
        String id;
        WharfTestResource.minio().stop();
        try {
            envelope = publishObject("patient", "patient-bucket", "in/a.txt");
            id = EnvelopeIds.executionId("patient", envelope.id());
            // twice as many deliveries as max-deliver (3) allows failures, and still waiting, nothing dead-lettered
            ExecutionRecord waiting = await().atMost(WAIT)
                    .until(() -> executions.get("patient", id).map(v -> v.value()).orElse(null),
                            r -> r != null && r.attempt() > 6);
            assertThat(waiting.state()).isNotIn(ExecutionState.FAILED, ExecutionState.SUCCEEDED);
            assertThat(waiting.failures()).isZero();
            assertThat(Streams.messages(connection, Names.DLQ_STREAM, Names.dlqSubject("patient"))).isEmpty();
        } finally {
            WharfTestResource.minio().start();
        }

        ExecutionRecord done = awaitFinal("patient", envelope);
        assertThat(done.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(Buckets.read(minio(), "patient-bucket", "out/size.txt").strip()).isEqualTo("3");
    }

    private Envelope publisher(Envelope envelope) {
        publisher.publishEnvelope(envelope);
        return envelope;
    }

    @Test
    void shouldReportTheRunningWorkOfEachFunctionAndThisMachinesCapacityInTheCapacityBucket() throws Exception {
        deploy("capacity-fn", "capacity-bucket", "sleep 8\n", 30);
        Envelope envelope = publishInvocation("capacity-fn", "{}");

        // while it runs: the function's execution and what it requests (the platform's defaults: 1 CPU, 512Mi)
        CapacityReport running = await().atMost(WAIT)
                .until(this::capacityReport,
                        r -> r != null && r.functions()
                                .stream()
                                .anyMatch(f -> f.function().equals("capacity-fn") && f.running() == 1));
        FunctionLoad load = running.functions()
                .stream()
                .filter(f -> f.function().equals("capacity-fn"))
                .findFirst()
                .orElseThrow();
        assertThat(load.queued()).isEqualTo(1);
        assertThat(load.perExecution()).isEqualTo(new Resources(1000, 512L << 20, 0));
        assertThat(running.executor()).isEqualTo("process");
        assertThat(running.nodes()).singleElement().satisfies(machine -> {
            assertThat(machine.allocatable().cpuMillis()).isEqualTo(Runtime.getRuntime().availableProcessors() * 1000L);
            assertThat(machine.free().cpuMillis()).isLessThanOrEqualTo(machine.allocatable().cpuMillis() - 1000);
        });
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("wharf_function_running{function=\"capacity-fn\"}"))
                .body(containsString("wharf_node_cpu_allocatable_cores{node="));

        awaitFinal("capacity-fn", envelope);
        await().atMost(WAIT)
                .until(this::capacityReport, r -> r != null && r.functions()
                        .stream()
                        .noneMatch(f -> f.function().equals("capacity-fn")));
    }

    private CapacityReport capacityReport() throws Exception {
        var entry = connection.keyValue(Names.CAPACITY_BUCKET)
                .get(
                        dispatcherIdentity.instanceId().replaceAll("[^-_.A-Za-z0-9]", "_"));
        return entry == null ? null : Json.json().readValue(entry.getValue(), CapacityReport.class);
    }

    @Test
    void shouldFailAtOnceAFunctionAskingForVolumesWhichOnlyTheKubernetesExecutorMounts() throws Exception {
        store(FdlReader.readOne("""
                name: wants-volume
                image: localhost/wharf-busybox:1
                script: ls /data
                volumes: [{name: survey-data, mount_path: /data}]
                """));

        ExecutionRecord done = awaitFinal("wants-volume", publishInvocation("wants-volume", "{}"));

        assertThat(done.state()).isEqualTo(ExecutionState.FAILED);
        assertThat(done.attempt()).isEqualTo(1);
        assertThat(done.reason()).isEqualTo("volumes are mounted only by the Kubernetes executor, and this platform "
                + "runs executions with the process executor");
        // the dead letter is written before the record turns final: a crash between them loses neither
        assertThat(Streams.messages(connection, Names.DLQ_STREAM, Names.dlqSubject("wants-volume")))
                .singleElement()
                .satisfies(m -> assertThat(m.getHeaders().getFirst(Names.Headers.REASON))
                        .isEqualTo("volumes-unsupported"));
    }

    @Test
    void shouldExposeExecutionMetricsAndHealth() throws Exception {
        deploy("metered", "metered-bucket", "true\n", null);

        awaitFinal("metered", publishInvocation("metered", "{}"));

        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("wharf_executions_total{function=\"metered\",outcome=\"succeeded\"} 1.0"))
                .body(containsString("wharf_execution_duration_seconds_count{function=\"metered\"}"))
                .body(containsString("wharf_dispatch_latency_seconds_count"))
                .body(containsString("wharf_queue_depth"));
        given().when().get("/q/health/ready").then().statusCode(200);
        given().when().get("/q/health/live").then().statusCode(200);
    }

    private void deploy(String name, String bucket, String script, Integer timeout) throws Exception {
        if (!minio().bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            minio().makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
        StringBuilder yaml = new StringBuilder()
                .append("name: ")
                .append(name)
                .append('\n')
                .append("image: localhost/wharf-busybox:1\n")
                .append(timeout == null ? "" : "timeout: " + timeout + "\n")
                .append("script: |\n");
        script.lines().forEach(l -> yaml.append("  ").append(l).append('\n'));
        yaml.append("input:\n- {storage_provider: minio, path: ")
                .append(bucket)
                .append("/in}\n")
                .append("output:\n- {storage_provider: minio, path: ")
                .append(bucket)
                .append("/out}\n");
        store(FdlReader.readOne(yaml.toString()));
    }

    /**
     * Stores the function as the gateway would: owned, with a uid, secrets sealed, and storage credentials of its own
     * (here MinIO's root keys: which keys the gateway issues is the gateway's test).
     */
    private void store(FunctionDefinition requested) {
        FunctionDefinition fn = requested.managedBy("tester", "t".repeat(32), STORED_UID, 1).sealed(CIPHER);
        functions.create(fn);
        StorageCredentials grant = new StorageCredentials(fn.name(), fn.uid(), MinioServer.ACCESS_KEY, null);
        CredentialStore.functions(connection)
                .create(grant.withSecretKey(CIPHER.seal(MinioServer.SECRET_KEY, grant.sealingContext())));
    }

    private Envelope publishObject(String function, String bucket, String key) {
        String source = "minio://test/" + bucket;
        Envelope envelope = Envelope.of(EnvelopeIds.forObject(function, source, key, Instant.now().toString()), source,
                Envelope.TYPE_OBJECT_CREATED, key, Instant.now(), function,
                EventData.object("minio", "default", bucket, key, null, null, null, null));
        publisher.publishEnvelope(envelope);
        return envelope;
    }

    private Envelope publishInvocation(String function, String body) {
        Envelope envelope = invocation(function, body);
        publisher.publishEnvelope(envelope);
        return envelope;
    }

    private static Envelope invocation(String function, String body) {
        return Envelope.of(EnvelopeIds.forInvocation(function, "test://", Instant.now() + body), "test://",
                Envelope.TYPE_INVOCATION, null, Instant.now(), function, EventData.invocation("api",
                        Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)), null, null));
    }

    private ExecutionRecord awaitFinal(String function, Envelope envelope) {
        String id = EnvelopeIds.executionId(function, envelope.id());
        return await().atMost(WAIT)
                .until(() -> executions.get(function, id).map(v -> v.value()).orElse(null),
                        r -> r != null && r.state().isTerminal());
    }

    private static MinioClient minio() {
        return WharfTestResource.minio().client();
    }
}
