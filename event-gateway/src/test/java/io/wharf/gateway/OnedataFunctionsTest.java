package io.wharf.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.nats.client.Connection;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.contracts.Json;
import io.wharf.contracts.Names;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.contracts.onedata.OneTriggerEvent;
import io.wharf.contracts.onedata.OnedataWatch;
import io.wharf.jetstream.OnedataStores;
import io.wharf.testing.OneproviderServer;
import io.wharf.testing.Streams;
import io.wharf.testing.WharfTestResource;

/**
 * A function with Onedata locations, against the Oneprovider test server: it is stored only once its token opens the
 * space, its folders are made, its inputs are registered with onetrigger, and onetrigger's events become envelopes.
 */
@QuarkusTest
@WithTestResource(WharfTestResource.class)
class OnedataFunctionsTest {

    private static final String SPACE = "gw-space";
    private static final String TOKEN = "gw-token";
    private static OneproviderServer oneprovider;

    @Inject
    Connection connection;

    @Inject
    SecretCipher cipher;

    @BeforeAll
    static void startProvider() {
        oneprovider = OneproviderServer.start();
        oneprovider.addSpace(SPACE, TOKEN);
    }

    @AfterAll
    static void stopProvider() {
        oneprovider.close();
    }

    @Test
    void creatingAFunctionMakesItsFoldersAndRegistersItsInputWithOnetrigger() {
        Api.asUser()
                .contentType("text/plain")
                .body(function("od-made", "made/in", "made/out", TOKEN))
                .when()
                .post("/system/services")
                .then()
                .statusCode(201);

        assertThat(oneprovider.list(SPACE, "made")).containsExactly("in/", "out/");
        OnedataWatch watch = new OnedataStores.Watches(connection).get("od-made").orElseThrow();
        assertThat(watch.folders()).hasSize(1);
        OnedataWatch.Folder folder = watch.folders().get(0);
        assertThat(folder.space()).isEqualTo(SPACE);
        assertThat(folder.path()).isEqualTo("made/in");
        assertThat(folder.since()).isBefore(Instant.now().plusSeconds(1));
        assertThat(folder.token()).as("sealed at rest").startsWith(SecretCipher.PREFIX).doesNotContain(TOKEN);
        assertThat(cipher.open(folder.token(), OnedataWatch.tokenContext(watch.uid(), "lab"))).isEqualTo(TOKEN);

        Api.asUser()
                .when()
                .get("/system/services/od-made/status")
                .then()
                .statusCode(200)
                .body("onedata[0].folder", equalTo(SPACE + "/made/in"))
                .body("onedata[0].state", equalTo("pending"));
        Api.asOther().when().get("/system/services/od-made/status").then().statusCode(404);
    }

    @Test
    void anUpdateKeepsWhenTheFolderBecameAnInputAndADeleteWithdrawsTheWatch() {
        Api.asUser()
                .contentType("text/plain")
                .body(function("od-kept", "kept/in", "kept/out", TOKEN))
                .when()
                .post("/system/services")
                .then()
                .statusCode(201);
        OnedataStores.Watches watches = new OnedataStores.Watches(connection);
        Instant since = watches.get("od-kept").orElseThrow().folders().get(0).since();

        Api.asUser()
                .contentType("text/plain")
                .body(function("od-kept", "kept/in", "kept/out", TOKEN).replace("memory: 64Mi", "memory: 128Mi"))
                .when()
                .put("/system/services/od-kept")
                .then()
                .statusCode(204);
        assertThat(watches.get("od-kept").orElseThrow().folders().get(0).since()).isEqualTo(since);

        Api.asUser().when().delete("/system/services/od-kept").then().statusCode(204);
        assertThat(watches.get("od-kept")).isEmpty();
    }

    @Test
    void aTokenTheProviderRefusesIsAValidationErrorAndNothingIsStored() {
        Api.asUser()
                .contentType("text/plain")
                .body(function("od-bad", "bad/in", "bad/out", "wrong"))
                .when()
                .post("/system/services")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("storage_providers.onedata.lab.token"))
                .body("violations[0].rule", containsString("refused"));

        Api.asUser().when().get("/system/services/od-bad").then().statusCode(404);
        assertThat(new OnedataStores.Watches(connection).get("od-bad")).isEmpty();
        assertThat(oneprovider.list(SPACE, "")).doesNotContain("bad/");
    }

    @Test
    void aSpaceTheTokenDoesNotOpenIsAValidationErrorNamingTheSpace() {
        oneprovider.addSpace("someone-elses", "their-token");
        Api.asUser()
                .contentType("text/plain")
                .body(function("od-space", "x/in", "x/out", TOKEN).replace("space: " + SPACE, "space: someone-elses"))
                .when()
                .post("/system/services")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("storage_providers.onedata.lab.space"));
    }

    @Test
    void anUnreachableProviderIsAValidationErrorNamingTheHost() {
        Api.asUser()
                .contentType("text/plain")
                .body(function("od-host", "x/in", "x/out", TOKEN).replace(oneprovider.url(), "http://127.0.0.1:1"))
                .when()
                .post("/system/services")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("storage_providers.onedata.lab.oneprovider_host"))
                .body("violations[0].rule", containsString("cannot reach"));
    }

    @Test
    void onetriggersEventBecomesAnEnvelopeOfTheFunctionOnce() throws Exception {
        Api.asUser()
                .contentType("text/plain")
                .body(function("od-events", "ev/in", "ev/out", TOKEN))
                .when()
                .post("/system/services")
                .then()
                .statusCode(201);
        String event = Json.json()
                .writeValueAsString(OneTriggerEvent.of(SPACE, "ev/in/sub/cat 1.jpg", "0000f1",
                        Instant.parse("2026-12-04T10:00:00.123Z")));

        onetrigger(event, "od-events").statusCode(200).body("accepted", equalTo(1));
        onetrigger(event, "od-events").statusCode(200).body("duplicates", equalTo(1));
        // an announcement made for an earlier incarnation of the name runs nothing
        given().header("Authorization", "Bearer " + WharfTestResource.ONETRIGGER_TOKEN)
                .contentType("application/json")
                .body(event)
                .queryParam("function", "od-events")
                .queryParam("uid", "0000000000000000")
                .when()
                .post("/events/onedata")
                .then()
                .statusCode(200)
                .body("ignored", equalTo(1));

        List<Envelope> envelopes = Api.envelopes(connection, "od-events");
        assertThat(envelopes).hasSize(1);
        Envelope envelope = envelopes.get(0);
        assertThat(envelope.source()).isEqualTo("onedata://" + oneprovider.host() + "/" + SPACE);
        assertThat(envelope.data().provider()).isEqualTo("onedata");
        assertThat(envelope.data().providerId()).isEqualTo("lab");
        assertThat(envelope.data().bucket()).isEqualTo(SPACE);
        assertThat(envelope.data().key()).isEqualTo("ev/in/sub/cat 1.jpg");
        assertThat(envelope.data().raw().path("Records").path(0).path("eventSource").asText())
                .isEqualTo("OneTrigger");
    }

    @Test
    void aFileOutsideTheFunctionsInputIsDeadLetteredNotRun() throws Exception {
        Api.asUser()
                .contentType("text/plain")
                .body(function("od-outside", "out-side/in", "out-side/out",
                        TOKEN))
                .when()
                .post("/system/services")
                .then()
                .statusCode(201);
        String event = Json.json()
                .writeValueAsString(OneTriggerEvent.of(SPACE, "elsewhere/x.txt", "0000f2",
                        Instant.now()));

        onetrigger(event, "od-outside").statusCode(200).body("deadLettered", equalTo(1));

        assertThat(Streams.count(connection, Names.EVENTS_STREAM, Names.eventsSubject("od-outside"))).isZero();
        assertThat(Streams.count(connection, Names.DLQ_STREAM, Names.dlqSubject("od-outside"))).isEqualTo(1);
    }

    @Test
    void onlyOnetriggersTokenMayPostOnedataEvents() {
        String event = "{\"Key\":\"/" + SPACE + "/ev/in/a.txt\",\"Records\":[{\"objectKey\":\"a.txt\"}]}";
        given().body(event).when().post("/events/onedata").then().statusCode(401);
        given().header("Authorization", "Bearer " + WharfTestResource.WEBHOOK_TOKEN)
                .body(event)
                .when()
                .post("/events/onedata")
                .then()
                .statusCode(401);
        given().header("Authorization", "Bearer " + WharfTestResource.ONETRIGGER_TOKEN)
                .body("{}")
                .when()
                .post("/events/minio")
                .then()
                .statusCode(401);
        Api.asUser().body(event).when().post("/events/onedata").then().statusCode(401);
    }

    @Test
    void aMalformedEventIsRefusedNamingTheField() {
        String fine = "{\"Key\":\"/" + SPACE + "/a.txt\",\"Records\":[{\"objectKey\":\"a.txt\"}]}";
        onetrigger(fine, null).statusCode(400).body("violations[0].field", equalTo("function"));
        onetrigger(fine, "Not A.Name>").statusCode(400).body("violations[0].field", equalTo("function"));
        onetrigger("{\"Records\":[]}", "any-fn").statusCode(400).body("detail", containsString("Key"));
        onetrigger("{\"Key\":\"/" + SPACE + "/../etc/passwd\",\"Records\":[{}]}", "any-fn").statusCode(400)
                .body("detail", containsString("'..'"));
        onetrigger("{\"Key\":\"/" + SPACE + "/a.txt\",\"Records\":[]}", "any-fn").statusCode(400)
                .body("detail", containsString("Records"));
        onetrigger("{\"Key\":\"/" + SPACE + "/a.txt\",\"Records\":[null]}", "any-fn").statusCode(400)
                .body("detail", containsString("Records[0]"));
        onetrigger("[1]", "any-fn").statusCode(400);
    }

    @Test
    void anEventForAFunctionThatDoesNotExistIsDeadLetteredUnattributed() throws Exception {
        String event = Json.json()
                .writeValueAsString(OneTriggerEvent.of(SPACE, "x/in/a b.txt", "0000f3",
                        Instant.now()));
        long before = Streams.count(connection, Names.DLQ_STREAM, Names.dlqSubject(Names.UNATTRIBUTED));

        onetrigger(event, "no-such-function").statusCode(200).body("deadLettered", equalTo(1));

        assertThat(Streams.count(connection, Names.DLQ_STREAM, Names.dlqSubject(Names.UNATTRIBUTED)))
                .isEqualTo(before + 1);
    }

    private static io.restassured.response.ValidatableResponse onetrigger(String body, String function) {
        var request = given().header("Authorization", "Bearer " + WharfTestResource.ONETRIGGER_TOKEN)
                .contentType("application/json")
                .body(body);
        if (function != null) {
            request = request.queryParam("function", function);
        }
        return request.when().post("/events/onedata").then();
    }

    private static String function(String name, String input, String output, String token) {
        return """
                name: %s
                image: localhost/wharf-busybox:1
                memory: 64Mi
                script: cp "$INPUT_FILE_PATH" "$TMP_OUTPUT_DIR/"
                input:
                - storage_provider: onedata.lab
                  path: %s
                output:
                - storage_provider: onedata.lab
                  path: %s
                storage_providers:
                  onedata:
                    lab:
                      oneprovider_host: %s
                      token: %s
                      space: %s
                """.formatted(name, input, output, oneprovider.url(), token, SPACE);
    }
}
