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
import io.wharf.contracts.execution.ExecutionState;
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
    void shouldPageExecutionsAsOscarDoes() {
        Api.create("paged-fn", "paged-bucket");
        Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
        for (int i = 0; i < 5; i++) {
            executions.create(ExecutionRecord.queued("paged-fn-00000000000000" + i + "0", "paged-fn", "e" + i,
                    Envelope.TYPE_INVOCATION, null, "d", t0.plusSeconds(i))
                    .failed(t0.plusSeconds(9), 1, "x", List.of()));
        }

        io.restassured.path.json.JsonPath first = asUser().when()
                .get("/system/logs/paged-fn?limit=2")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(first.getMap("jobs")).hasSize(2);
        assertThat(first.getInt("remaining_jobs")).isEqualTo(3);
        io.restassured.path.json.JsonPath second = asUser().when()
                .get("/system/logs/paged-fn?limit=2&page=" + first.getString("next_page"))
                .then()
                .extract()
                .jsonPath();
        io.restassured.path.json.JsonPath third = asUser().when()
                .get("/system/logs/paged-fn?limit=2&page=" + second.getString("next_page"))
                .then()
                .extract()
                .jsonPath();
        assertThat(third.getMap("jobs")).hasSize(1);
        assertThat(third.getString("next_page")).isNull();
        assertThat(third.getInt("remaining_jobs")).isZero();
        java.util.Set<String> all = new java.util.HashSet<>(first.<String, Object>getMap("jobs").keySet());
        all.addAll(second.<String, Object>getMap("jobs").keySet());
        all.addAll(third.<String, Object>getMap("jobs").keySet());
        assertThat(all).hasSize(5);
        asUser().when().get("/system/logs/paged-fn?limit=0").then().statusCode(400);
        asUser().when().get("/system/logs/paged-fn?page=../x").then().statusCode(400);
    }

    @Test
    void shouldRemoveAnUnfinishedExecutionAsOscarRemovesAJobLeavingItsDispatcherAMarkToStopIt() {
        Api.create("unfinished-fn", "unfinished-bucket");
        ExecutionRecord running = ExecutionRecord.queued("unfinished-fn-00000000000000cc", "unfinished-fn", "e1",
                Envelope.TYPE_INVOCATION, null, "d", Instant.now()).running(Instant.now(), 1);
        ExecutionRecord waiting = ExecutionRecord.queued("unfinished-fn-00000000000000dd", "unfinished-fn", "e2",
                Envelope.TYPE_INVOCATION, null, "d", Instant.now());
        executions.create(running);
        executions.create(waiting);

        asUser().when().delete("/system/logs/unfinished-fn/" + running.id()).then().statusCode(204);
        assertThat(executions.get("unfinished-fn", running.id())).hasValueSatisfying(
                v -> assertThat(v.value().state()).isEqualTo(ExecutionState.REMOVED));
        asUser().when()
                .get("/system/logs/unfinished-fn")
                .then()
                .statusCode(200)
                .body("jobs", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey(running.id())));
        asUser().when().get("/system/logs/unfinished-fn/" + running.id()).then().statusCode(404);

        // ?all=true removes pending work too
        asUser().when().delete("/system/logs/unfinished-fn?all=true").then().statusCode(204);
        assertThat(executions.get("unfinished-fn", waiting.id())).hasValueSatisfying(
                v -> assertThat(v.value().state()).isEqualTo(ExecutionState.REMOVED));
        asUser().when()
                .get("/system/logs/unfinished-fn")
                .then()
                .statusCode(200)
                .body("jobs", org.hamcrest.Matchers.anEmptyMap());
    }

    @Test
    void shouldLetTheOwnerRemoveAnExecutionNoDispatcherWorksOnAnyMore() {
        Api.create("abandoned-fn", "abandoned-bucket");
        Instant longAgo = Instant.now().minus(java.time.Duration.ofHours(2));
        ExecutionRecord abandoned = ExecutionRecord.queued("abandoned-fn-00000000000000aa", "abandoned-fn", "e1",
                Envelope.TYPE_INVOCATION, null, "d", longAgo);
        ExecutionRecord active = ExecutionRecord.queued("abandoned-fn-00000000000000bb", "abandoned-fn", "e2",
                Envelope.TYPE_INVOCATION, null, "d", Instant.now());
        executions.create(abandoned);
        executions.create(active);

        asUser().when().delete("/system/logs/abandoned-fn/" + abandoned.id()).then().statusCode(204);
        // nothing holds it any more: it goes at once, no mark left for a dispatcher
        assertThat(executions.get("abandoned-fn", abandoned.id())).isEmpty();
        assertThat(executions.get("abandoned-fn", active.id())).isPresent();
    }

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
                .running(t0.plusSeconds(1), 1)
                .succeeded(t0.plusSeconds(3), 0, List.of("logs-bucket/out/lines.txt"));
        ExecutionRecord failed = ExecutionRecord.queued("logs-fn-00000000000000bb", "logs-fn", "e2",
                Envelope.TYPE_INVOCATION, null, "d", t0)
                .running(t0.plusSeconds(1), 1)
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
