package io.wharf.gateway;

import static io.restassured.RestAssured.given;
import static io.wharf.gateway.Api.asUser;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.wharf.testing.WharfTestResource;

/**
 * Walks the whole route table as an anonymous caller, as a second user, with a wrong token and with the first
 * user's function token: every route answers as it should, every refusal is a problem document, and no answer
 * carries anything of the first user's (the function's name in a listing, its token, its script, its bucket).
 */
@QuarkusTest
@WithTestResource(WharfTestResource.class)
class RouteTableTest {

    private static final String FN = "walk-fn";
    private static final String BUCKET = "walk-private-bucket";
    private static final String SCRIPT_MARK = "walk-script-mark";

    private static String token;
    private static String executionId;
    /** A build of the user's, pending (no build service runs here). */
    private static String buildId;

    @BeforeEach
    void firstUsersFunction() {
        if (token != null) {
            return;
        }
        asUser().contentType("text/plain")
                .body(Api.function(FN, BUCKET).replace("wc -l", "echo " + SCRIPT_MARK + "; wc -l"))
                .when()
                .post("/system/services")
                .then()
                .statusCode(201);
        token = asUser().when().get("/system/services/" + FN).then().statusCode(200).extract().path("token");
        executionId = asUser().body("input")
                .when()
                .post("/job/" + FN)
                .then()
                .statusCode(201)
                .extract()
                .path("executionId");
        buildId = asUser().contentType("application/json")
                .body("{\"dockerfile\": \"FROM localhost/wharf-busybox:1\\nRUN true\\n\"}")
                .when()
                .post("/system/builds")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    @Test
    void aBuildIsDeletedByItsOwnerOnlyAndOnlyOnceItHasEnded() {
        // another user's DELETE (in the walk) answers 404 and leaves it
        as("other").when().delete("/system/builds/" + buildId).then().statusCode(404);
        asUser().when().get("/system/builds/" + buildId).then().statusCode(200);

        asUser().when()
                .delete("/system/builds/" + buildId)
                .then()
                .statusCode(409)
                .body("detail", org.hamcrest.Matchers.containsString("is pending; delete it once it has ended"));
    }

    /** One route called one way, and the status it must answer. */
    private record Call(String who, String method, String path, String body, int expected) {
    }

    @Test
    void shouldAnswerEveryRouteAsItShouldToEveryone() {
        String other = "other";
        String anonymous = "anonymous";
        String wrong = "wrong-token";
        String fnToken = "function-token";
        List<Call> calls = new ArrayList<>();
        String ownFunction = Api.function("walk-other-fn", "walk-other-bucket");
        String stealing = Api.function("walk-steal", BUCKET);
        String replacing = Api.function(FN, "walk-other-bucket");
        for (String who : List.of(anonymous, wrong)) {
            calls.add(new Call(who, "GET", "/system/services", null, 401));
            calls.add(new Call(who, "POST", "/system/services", ownFunction, 401));
            calls.add(new Call(who, "PUT", "/system/services", replacing, 401));
            calls.add(new Call(who, "GET", "/system/services/" + FN, null, 401));
            calls.add(new Call(who, "PUT", "/system/services/" + FN, replacing, 401));
            calls.add(new Call(who, "DELETE", "/system/services/" + FN, null, 401));
            calls.add(new Call(who, "POST", "/job/" + FN, "x", 401));
            calls.add(new Call(who, "POST", "/job/no-such-fn", "x", 401));
            calls.add(new Call(who, "GET", "/system/logs/" + FN, null, 401));
            calls.add(new Call(who, "GET", "/system/logs/" + FN + "/" + executionId, null, 401));
            calls.add(new Call(who, "DELETE", "/system/logs/" + FN + "/" + executionId, null, 401));
            calls.add(new Call(who, "DELETE", "/system/logs/" + FN + "?all=true", null, 401));
            calls.add(new Call(who, "GET", "/system/info", null, 401));
            calls.add(new Call(who, "GET", "/system/config", null, 401));
            calls.add(new Call(who, "POST", "/events/minio", "{}", 401));
            calls.add(new Call(who, "POST", "/events/onedata", "{}", 401));
            calls.add(new Call(who, "GET", "/system/builds", null, 401));
            calls.add(new Call(who, "POST", "/system/builds", "{}", 401));
            calls.add(new Call(who, "GET", "/system/builds/0123456789abcdef", null, 401));
            calls.add(new Call(who, "DELETE", "/system/builds/" + buildId, null, 401));
            calls.add(new Call(who, "GET", "/system/services/" + FN + "/status", null, 401));
            calls.add(new Call(who, "GET", "/q/metrics", null, 401));
            calls.add(new Call(who, "GET", "/system/dlq", null, 401));
            calls.add(new Call(who, "GET", "/system/dlq/" + FN, null, 401));
            calls.add(new Call(who, "POST", "/system/dlq/" + FN + "/replay", null, 401));
            calls.add(new Call(who, "GET", "/system/buckets/" + BUCKET + "/objects/in/x.txt", null, 401));
            calls.add(new Call(who, "PUT", "/system/buckets/" + BUCKET + "/objects/in/x.txt", "x", 401));
            calls.add(new Call(who, "GET", "/health", null, 200));
        }
        // a second user: the first user's function does not exist for them
        calls.add(new Call(other, "GET", "/system/services", null, 200));
        calls.add(new Call(other, "GET", "/system/services/" + FN, null, 404));
        calls.add(new Call(other, "PUT", "/system/services/" + FN, replacing, 404));
        calls.add(new Call(other, "PUT", "/system/services", replacing, 404));
        calls.add(new Call(other, "DELETE", "/system/services/" + FN, null, 404));
        calls.add(new Call(other, "POST", "/system/services", stealing, 403));
        calls.add(new Call(other, "POST", "/job/" + FN, "x", 404));
        calls.add(new Call(other, "POST", "/job/no-such-fn", "x", 404));
        calls.add(new Call(other, "GET", "/system/logs/" + FN, null, 404));
        calls.add(new Call(other, "GET", "/system/logs/" + FN + "/" + executionId, null, 404));
        calls.add(new Call(other, "DELETE", "/system/logs/" + FN + "/" + executionId, null, 404));
        calls.add(new Call(other, "DELETE", "/system/logs/" + FN + "?all=true", null, 404));
        calls.add(new Call(other, "GET", "/system/info", null, 200));
        calls.add(new Call(other, "GET", "/system/config", null, 200));
        // only the webhook token authenticates /events: a user's password is no credential there
        calls.add(new Call(other, "POST", "/events/minio", "{}", 401));
        calls.add(new Call(other, "POST", "/events/onedata", "{}", 401));
        calls.add(new Call(other, "GET", "/system/builds/0123456789abcdef", null, 404));
        calls.add(new Call(other, "GET", "/system/builds/0123456789abcdef/logs", null, 404));
        calls.add(new Call(other, "GET", "/system/builds/not-an-id", null, 404));
        calls.add(new Call(other, "GET", "/system/builds/" + buildId, null, 404));
        calls.add(new Call(other, "DELETE", "/system/builds/" + buildId, null, 404));
        calls.add(new Call(other, "GET", "/system/services/" + FN + "/status", null, 404));
        calls.add(new Call(other, "GET", "/q/metrics", null, 403));
        calls.add(new Call(other, "GET", "/system/dlq", null, 200));
        calls.add(new Call(other, "GET", "/system/dlq/" + FN, null, 404));
        calls.add(new Call(other, "POST", "/system/dlq/" + FN + "/replay", null, 404));
        calls.add(new Call(other, "POST", "/system/dlq/" + FN + "/1/replay", null, 404));
        calls.add(new Call(other, "DELETE", "/system/dlq/" + FN + "/1", null, 404));
        // the first user's function token runs that function and nothing else: elsewhere it is no credential
        calls.add(new Call(fnToken, "GET", "/system/services", null, 401));
        calls.add(new Call(fnToken, "GET", "/system/services/" + FN, null, 401));
        calls.add(new Call(fnToken, "DELETE", "/system/services/" + FN, null, 401));
        calls.add(new Call(fnToken, "GET", "/system/logs/" + FN, null, 401));
        calls.add(new Call(fnToken, "GET", "/system/config", null, 401));
        calls.add(new Call(fnToken, "POST", "/job/no-such-fn", "x", 401));
        calls.add(new Call(fnToken, "POST", "/events/minio", "{}", 401));
        calls.add(new Call(fnToken, "POST", "/events/onedata", "{}", 401));
        calls.add(new Call(fnToken, "GET", "/system/builds", null, 401));
        calls.add(new Call(fnToken, "DELETE", "/system/builds/" + buildId, null, 401));
        calls.add(new Call(fnToken, "GET", "/system/services/" + FN + "/status", null, 401));
        calls.add(new Call(fnToken, "GET", "/system/buckets/" + BUCKET + "/objects/in/x.txt", null, 401));
        calls.add(new Call(fnToken, "PUT", "/system/buckets/" + BUCKET + "/objects/in/x.txt", "x", 401));

        List<String> wrongAnswers = new ArrayList<>();
        for (Call call : calls) {
            Response response = as(call.who()).contentType("text/plain")
                    .body(call.body() == null ? "" : call.body())
                    .request(call.method(), call.path());
            String body = response.asString();
            String answer = call.who() + " " + call.method() + " " + call.path() + " -> " + response.statusCode();
            if (response.statusCode() != call.expected()) {
                wrongAnswers.add(answer + " (expected " + call.expected() + "): " + body);
            }
            if (response.statusCode() >= 400 && !response.contentType().startsWith("application/problem+json")) {
                wrongAnswers.add(answer + " without a problem document: " + response.contentType());
            }
            if (body.contains(token) || body.contains(SCRIPT_MARK)
                    || (!call.who().equals(other) || !call.method().equals("POST")) && body.contains(BUCKET)
                    || call.path().equals("/system/services") && call.method().equals("GET") && body.contains(FN)) {
                wrongAnswers.add(answer + " leaks the first user's function: " + body);
            }
        }
        System.out.printf("route table: %d calls, %d answered as they should%n", calls.size(),
                calls.size() - wrongAnswers.size());
        assertThat(wrongAnswers).isEmpty();

        // and the first user's function is as it was
        asUser().when().get("/system/services/" + FN).then().statusCode(200);
    }

    @Test
    void shouldAnswerAnUnknownAndAnUnauthorisedFunctionAlike() {
        Response unknown = as("other").body("x").when().post("/job/no-such-fn");
        Response hidden = as("other").body("x").when().post("/job/" + FN);

        assertThat(hidden.statusCode()).isEqualTo(unknown.statusCode());
        assertThat(hidden.jsonPath().getString("title")).isEqualTo(unknown.jsonPath().getString("title"));
        assertThat(hidden.jsonPath().getString("detail").replace(FN, "X"))
                .isEqualTo(unknown.jsonPath().getString("detail").replace("no-such-fn", "X"));
    }

    private static RequestSpecification as(String who) {
        return switch (who) {
            case "anonymous" -> given();
            case "wrong-token" -> given().header("Authorization", "Bearer " + "w".repeat(40));
            case "function-token" -> given().header("Authorization", "Bearer " + token);
            case "other" -> given().auth()
                    .preemptive()
                    .basic(WharfTestResource.OTHER_USER, WharfTestResource.OTHER_PASSWORD);
            default -> throw new IllegalArgumentException(who);
        };
    }
}
