package io.wharf.gateway;

import static io.wharf.gateway.Api.asUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.minio.DeleteBucketNotificationArgs;
import io.minio.StatObjectArgs;
import io.nats.client.Connection;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.gateway.ingest.InputSweep;
import io.wharf.gateway.storage.StorageReconciler;
import io.wharf.jetstream.ExecutionStore;
import io.wharf.testing.Buckets;
import io.wharf.testing.WharfTestResource;

/** Objects whose events were lost are found and started, once, under the id their notification would have had. */
@QuarkusTest
@WithTestResource(WharfTestResource.class)
class InputSweepTest {

    @Inject
    Connection connection;
    @Inject
    StorageReconciler reconciler;
    @Inject
    InputSweep sweep;
    @Inject
    ExecutionStore executions;

    @Test
    void shouldStartAnObjectWhoseEventWasLostOnceAndUnderItsNotificationsId() throws Exception {
        Api.create("sweep-fn", "sweep-bucket");
        var minio = WharfTestResource.minio().client();
        // the rule lost: MinIO says nothing of this upload
        minio.deleteBucketNotification(DeleteBucketNotificationArgs.builder().bucket("sweep-bucket").build());
        Buckets.put(minio, "sweep-bucket", "in/lost.txt", "lost\n");
        Buckets.put(minio, "sweep-bucket", "elsewhere/ignored.txt", "not an input\n");

        asUser().when()
                .get("/system/sweep/sweep-fn")
                .then()
                .statusCode(200)
                .body("unprocessed", contains("sweep-bucket/in/lost.txt"));
        assertThat(Api.envelopes(connection, "sweep-fn")).isEmpty();
        asUser().when()
                .post("/system/sweep/sweep-fn")
                .then()
                .statusCode(200)
                .body("started", contains("sweep-bucket/in/lost.txt"));
        asUser().when().post("/system/sweep/sweep-fn").then().statusCode(200);
        assertThat(Api.envelopes(connection, "sweep-fn")).singleElement()
                .satisfies(e -> assertThat(e.subject()).isEqualTo("in/lost.txt"));

        // an object whose notification does arrive: the sweep finds the same envelope, which JetStream drops
        reconciler.reconcile();
        Buckets.put(minio, "sweep-bucket", "in/announced.txt", "announced\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> Api.envelopes(connection, "sweep-fn").size() == 2);
        asUser().when().post("/system/sweep/sweep-fn").then().statusCode(200);
        assertThat(Api.envelopes(connection, "sweep-fn")).hasSize(2);

        asUser().when().get("/system/sweep/no-such-fn").then().statusCode(404);
    }

    @Test
    void shouldResumeEachRoundWhereThePreviousOneStoppedAndStartOverAtTheEnd() throws Exception {
        Api.create("resumed-fn", "resumed-bucket");
        var minio = WharfTestResource.minio().client();
        minio.deleteBucketNotification(DeleteBucketNotificationArgs.builder().bucket("resumed-bucket").build());
        for (int i = 1; i <= 5; i++) {
            Buckets.put(minio, "resumed-bucket", "in/lost-" + i + ".txt", "lost\n");
        }

        // two objects a round (sweep-batch=2 here): a round that started over would find the same two again
        sweep.round();
        assertThat(keys("resumed-fn")).containsExactly("in/lost-1.txt", "in/lost-2.txt");
        sweep.round();
        assertThat(keys("resumed-fn")).containsExactly("in/lost-1.txt", "in/lost-2.txt", "in/lost-3.txt",
                "in/lost-4.txt");
        sweep.round();
        assertThat(keys("resumed-fn")).hasSize(5);
        // past the end it starts over and finds an object stored meanwhile in the part already swept
        Buckets.put(minio, "resumed-bucket", "in/lost-0.txt", "lost\n");
        sweep.round();
        assertThat(keys("resumed-fn")).hasSize(6).contains("in/lost-0.txt");
    }

    @Test
    void shouldNotStartAnObjectWhoseExecutionItsOwnerDeleted() throws Exception {
        Api.create("cleaned-fn", "cleaned-bucket");
        var minio = WharfTestResource.minio().client();
        minio.deleteBucketNotification(DeleteBucketNotificationArgs.builder().bucket("cleaned-bucket").build());
        Buckets.put(minio, "cleaned-bucket", "in/done.txt", "done\n");
        asUser().when().post("/system/sweep/cleaned-fn").then().statusCode(200);
        Envelope envelope = Api.envelopes(connection, "cleaned-fn").get(0);
        String executionId = EnvelopeIds.executionId("cleaned-fn", envelope.id());
        // what the dispatcher leaves once it ran
        Instant now = Instant.now();
        executions.create(ExecutionRecord.queued(executionId, "cleaned-fn", envelope.id(), envelope.type(),
                "in/done.txt", "test", now).succeeded(now, 0, List.of()));

        asUser().when().delete("/system/logs/cleaned-fn/" + executionId).then().statusCode(204);

        asUser().when().get("/system/sweep/cleaned-fn").then().statusCode(200).body("unprocessed", empty());
    }

    @Test
    void shouldLeaveObjectsStoredBeforeTheFolderBecameAnInput() throws Exception {
        var minio = WharfTestResource.minio().client();
        Api.create("older-writer", "older-bucket");
        minio.deleteBucketNotification(DeleteBucketNotificationArgs.builder().bucket("older-bucket").build());
        Buckets.put(minio, "older-bucket", "out/before.txt", "before\n");
        long stored = minio.statObject(StatObjectArgs.builder().bucket("older-bucket").object("out/before.txt").build())
                .lastModified()
                .toEpochSecond();
        // the sweep counts an object of the very second a folder became an input as the function's
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().getEpochSecond() > stored);

        // a second function reads what the first wrote, from now on
        asUser().contentType("text/plain")
                .body(Api.function("older-reader", "older-bucket")
                        .replace("older-bucket/out\n", "older-bucket/results\n")
                        .replace("older-bucket/in", "older-bucket/out"))
                .when()
                .post("/system/services")
                .then()
                .statusCode(201);
        minio.deleteBucketNotification(DeleteBucketNotificationArgs.builder().bucket("older-bucket").build());
        Buckets.put(minio, "older-bucket", "out/after.txt", "after\n");

        asUser().when()
                .get("/system/sweep/older-reader")
                .then()
                .statusCode(200)
                .body("unprocessed", contains("older-bucket/out/after.txt"));
    }

    private List<String> keys(String function) {
        return Api.envelopes(connection, function).stream().map(Envelope::subject).sorted().toList();
    }

    @Test
    void shouldReportNothingWhenEveryObjectHasItsEnvelopeOrExecution() {
        Api.create("swept-fn", "swept-bucket");

        asUser().when().get("/system/sweep/swept-fn").then().statusCode(200).body("unprocessed", empty());
    }
}
