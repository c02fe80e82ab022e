package io.wharf.gateway;

import static io.wharf.gateway.Api.asUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.minio.DeleteBucketNotificationArgs;
import io.nats.client.Connection;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.gateway.storage.StorageReconciler;
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
    void shouldReportNothingWhenEveryObjectHasItsEnvelopeOrExecution() {
        Api.create("swept-fn", "swept-bucket");

        asUser().when().get("/system/sweep/swept-fn").then().statusCode(200).body("unprocessed", empty());
    }
}
