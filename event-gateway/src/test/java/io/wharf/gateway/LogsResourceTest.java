package io.wharf.gateway;

import static io.restassured.RestAssured.given;
import static io.wharf.gateway.Api.asUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.jetstream.ExecutionStore;
import io.wharf.jetstream.LogStore;
import io.wharf.testing.WharfTestResource;

@QuarkusTest
@WithTestResource(WharfTestResource.class)
class LogsResourceTest {

    @Inject
    ExecutionStore executions;

    @Inject
    LogStore logs;

    @Test
    void shouldHideExecutionsOfAnEarlierFunctionOfTheSameName() throws Exception {
        Api.create("reused-fn", "reused-bucket");
        Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
        // left by a function of this name that was deleted (its removal interrupted), or created by a late dispatcher
        ExecutionRecord earlier = ExecutionRecord.queued("reused-fn-00000000000000ee", "reused-fn", "e1",
                Envelope.TYPE_INVOCATION, null, "d", t0)
                .ofFunction("0000000000000000")
                .failed(t0.plusSeconds(1), 1, "the script exited with 1", List.of());
        executions.create(earlier);
        Path log = Files.createTempFile("log", ".txt");
        Files.writeString(log, "the previous owner's secret output\n");
        logs.put(earlier.id(), log);

        asUser().when()
                .get("/system/logs/reused-fn")
                .then()
                .statusCode(200)
                .body("jobs.'reused-fn-00000000000000ee'", nullValue());
        asUser().when().get("/system/logs/reused-fn/" + earlier.id()).then().statusCode(404);
        asUser().when().delete("/system/logs/reused-fn/" + earlier.id()).then().statusCode(404);
    }

    @Test
    void shouldListExecutionsInOscarsJobShapeAndServeTheirLogs() throws Exception {
        Api.create("logs-fn", "logs-bucket");
        Instant t0 = Instant.parse("2026-11-23T10:00:00.250Z");
        ExecutionRecord done = ExecutionRecord.queued("logs-fn-00000000000000aa", "logs-fn", "e1",
                Envelope.TYPE_OBJECT_CREATED, "in/a.txt", "d", t0)
                .running(t0.plusSeconds(1))
                .succeeded(t0.plusSeconds(3), 0, List.of("logs-bucket/out/lines.txt"));
        ExecutionRecord failed = ExecutionRecord.queued("logs-fn-00000000000000bb", "logs-fn", "e2",
                Envelope.TYPE_INVOCATION, null, "d", t0)
                .running(t0.plusSeconds(1))
                .failed(t0.plusSeconds(2), 3, "the script exited with 3", List.of());
        executions.create(done);
        executions.create(failed);
        Path log = Files.createTempFile("log", ".txt");
        Files.writeString(log, "line one\nline two\n");
        logs.put(done.id(), log);

        asUser().when()
                .get("/system/logs/logs-fn")
                .then()
                .statusCode(200)
                .body("jobs.'logs-fn-00000000000000aa'.status", equalTo("Succeeded"))
                .body("jobs.'logs-fn-00000000000000aa'.creation_time", equalTo("2026-11-23T10:00:00Z"))
                .body("jobs.'logs-fn-00000000000000aa'.finish_time", equalTo("2026-11-23T10:00:03Z"))
                .body("jobs.'logs-fn-00000000000000aa'.outputs[0]", equalTo("logs-bucket/out/lines.txt"))
                .body("jobs.'logs-fn-00000000000000bb'.status", equalTo("Failed"))
                .body("jobs.'logs-fn-00000000000000bb'.exit_code", equalTo(3));
        assertThat(asUser().when()
                .get("/system/logs/logs-fn/" + done.id())
                .then()
                .statusCode(200)
                .extract()
                .asString()).isEqualTo("line one\nline two\n");
        asUser().when().get("/system/logs/logs-fn/logs-fn-ffffffffffffffff").then().statusCode(404);
        asUser().when().get("/system/logs/no-such-fn").then().statusCode(404);

        asUser().when().delete("/system/logs/logs-fn").then().statusCode(204);
        asUser().when()
                .get("/system/logs/logs-fn")
                .then()
                .body("jobs.'logs-fn-00000000000000aa'", nullValue())
                .body("jobs.'logs-fn-00000000000000bb'.status", equalTo("Failed"));
        asUser().when().delete("/system/logs/logs-fn/" + failed.id()).then().statusCode(204);
        assertThat(executions.list("logs-fn")).isEmpty();
        assertThat(logs.get(done.id())).isEmpty();
    }

    @Test
    void shouldHideAFunctionFromUsersItDoesNotBelongTo() {
        given().auth()
                .preemptive()
                .basic(WharfTestResource.OTHER_USER, WharfTestResource.OTHER_PASSWORD)
                .contentType("text/plain")
                .body(Api.function("private-fn", "private-bucket"))
                .when()
                .post("/system/services")
                .then()
                .statusCode(201);

        asUser().when().get("/system/services/private-fn").then().statusCode(404);
        asUser().when().get("/system/logs/private-fn").then().statusCode(404);
        asUser().body("x").when().post("/job/private-fn").then().statusCode(404);
        asUser().when().delete("/system/services/private-fn").then().statusCode(404);
        asUser().when().get("/system/services").then().body("name", not(hasItem("private-fn")));
        given().when().get("/system/logs/private-fn").then().statusCode(401);
    }
}
