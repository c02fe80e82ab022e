package io.wharf.gateway;

import static io.restassured.RestAssured.given;
import static io.wharf.gateway.Api.asUser;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.contracts.Json;
import io.wharf.contracts.Names;
import io.wharf.contracts.capacity.CapacityReport;
import io.wharf.contracts.capacity.FunctionLoad;
import io.wharf.contracts.capacity.NodeCapacity;
import io.wharf.contracts.capacity.Resources;
import io.wharf.testing.WharfTestResource;

/**
 * {@code GET /system/status} from the dispatchers' capacity reports, which the test writes into the bucket as two
 * dispatchers would: OSCAR's figures summed over the nodes, and only the caller's own functions' work.
 */
@QuarkusTest
@WithTestResource(WharfTestResource.class)
class SystemStatusTest {

    @Test
    void shouldPutTheDispatchersReportsTogetherInOscarsShapeShowingEachUserOnlyTheirOwnFunctions() throws Exception {
        Api.create("status-mine", "status-bucket");
        Resources perExecution = new Resources(500, 256L << 20, 0);
        List<NodeCapacity> nodes = List.of(
                new NodeCapacity("node-a", new Resources(4000, 8L << 30, 1), new Resources(3000, 6L << 30, 1)),
                new NodeCapacity("node-b", new Resources(2000, 4L << 30, 0), new Resources(2000, 4L << 30, 0)));
        // the queue is the same for both dispatchers; each runs its share. "status-theirs" is another user's.
        report(new CapacityReport("dispatcher-1", "kubernetes", 4, 2, 2, 5, List.of(
                new FunctionLoad("status-mine", 6, 2, perExecution),
                new FunctionLoad("status-theirs", 1, 0, perExecution)), nodes, Instant.now()));
        report(new CapacityReport("dispatcher-2", "kubernetes", 4, 1, 3, 5, List.of(
                new FunctionLoad("status-mine", 6, 1, perExecution)), nodes, Instant.now()));

        asUser().when()
                .get("/system/status")
                .then()
                .statusCode(200)
                .body("cluster.nodes_count", equalTo(2))
                .body("cluster.metrics.cpu.total_free_cores", equalTo(5000))
                .body("cluster.metrics.cpu.max_free_on_node_cores", equalTo(3000))
                .body("cluster.metrics.memory.total_free_bytes", equalTo(10L << 30))
                .body("cluster.metrics.gpu.total_gpu", equalTo(1))
                .body("cluster.nodes[0].name", equalTo("node-a"))
                .body("cluster.nodes[0].cpu.capacity_cores", equalTo(4000))
                .body("cluster.nodes[0].cpu.request_cores", equalTo(1000))
                .body("cluster.nodes[0].status", equalTo("Ready"))
                .body("oscar.ready", equalTo(true))
                .body("oscar.deployment.replicas", equalTo(2))
                // wharf is an operator: the totals of every function's work (7 queued, 3 of them running)
                .body("oscar.jobs_count", equalTo(7))
                .body("oscar.pods.states.Running", equalTo(3))
                .body("oscar.pods.states.Pending", equalTo(4))
                .body("wharf.dispatchers.id", contains("dispatcher-1", "dispatcher-2"))
                .body("wharf.functions.function", contains("status-mine"))
                .body("wharf.functions[0].running", equalTo(3))
                .body("wharf.functions[0].waiting", equalTo(3))
                .body("wharf.functions[0].per_execution.cpu_millis", equalTo(500));

        // another user sees the cluster, none of these functions, and no totals
        given().auth()
                .preemptive()
                .basic(WharfTestResource.OTHER_USER, WharfTestResource.OTHER_PASSWORD)
                .when()
                .get("/system/status")
                .then()
                .statusCode(200)
                .body("cluster.nodes_count", equalTo(2))
                .body("wharf.functions", empty())
                .body("oscar.jobs_count", equalTo(0));
        given().when().get("/system/status").then().statusCode(401);
    }

    private static void report(CapacityReport report) throws Exception {
        try (Connection dispatcher = Nats.connect(WharfTestResource.nats().url())) {
            dispatcher.keyValue(Names.CAPACITY_BUCKET).put(report.dispatcher(), Json.json().writeValueAsBytes(report));
        }
    }
}
