package io.wharf.gateway;

import static io.restassured.RestAssured.given;
import static io.wharf.gateway.Api.asUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.minio.GetBucketNotificationArgs;
import io.minio.MinioClient;
import io.minio.messages.NotificationConfiguration;
import io.minio.messages.QueueConfiguration;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.jetstream.FunctionStore;
import io.wharf.testing.MinioServer;
import io.wharf.testing.WharfTestResource;

@QuarkusTest
@WithTestResource(WharfTestResource.class)
class ServicesResourceTest {

    @Inject
    FunctionStore functions;

    @Test
    void shouldCreateAFunctionWithItsBucketsAndNotificationRules() throws Exception {
        asUser().body(Api.function("crud-a", "crud-bucket"))
                .when()
                .post("/system/services")
                .then()
                .statusCode(201)
                .body("name", equalTo("crud-a"))
                .body("token", notNullValue());

        NotificationConfiguration config = minio().getBucketNotification(
                GetBucketNotificationArgs.builder().bucket("crud-bucket").build());
        // the folder's rule for both targets: the durable webhook (queued) and the fast one (sent at once)
        assertThat(config.queueConfigurationList()).extracting(QueueConfiguration::queue)
                .containsExactly(MinioServer.WEBHOOK_ARN, MinioServer.FAST_WEBHOOK_ARN);
        assertThat(config.queueConfigurationList()).allSatisfy(q -> {
            assertThat(q.filterRuleList()).anySatisfy(r -> {
                assertThat(r.name()).isEqualTo("prefix");
                assertThat(r.value()).isEqualTo("in/");
            });
        });
        asUser().when()
                .get("/system/services/crud-a")
                .then()
                .statusCode(200)
                .body("input[0].path", equalTo("crud-bucket/in"))
                .body("owner", equalTo(WharfTestResource.USER));
        asUser().when().get("/system/services").then().statusCode(200).body("name", hasItem("crud-a"));
    }

    @Test
    void shouldShareOneRulePerFolderBetweenFunctionsOnTheSameBucket() throws Exception {
        Api.create("share-a", "shared-bucket");
        Api.create("share-b", "shared-bucket");

        // one folder, one rule for each of the two targets
        assertThat(minio().getBucketNotification(GetBucketNotificationArgs.builder().bucket("shared-bucket").build())
                .queueConfigurationList()).hasSize(2);

        asUser().when().delete("/system/services/share-a").then().statusCode(204);
        assertThat(rules("shared-bucket")).hasSize(2);
        asUser().when().delete("/system/services/share-b").then().statusCode(204);
        assertThat(rules("shared-bucket")).isEmpty();
        asUser().when().get("/system/services/share-b").then().statusCode(404);
    }

    @Test
    void shouldAcceptOscarServiceJsonWithoutAContentTypeAndUpdateItWithPut() throws Exception {
        String json = """
                {"name":"oscar-json","image":"img","script":"echo hi","cpu":"0.5","memory":"128Mi",
                 "input":[{"storage_provider":"minio.default","path":"oscar-json/in"}],
                 "output":[{"storage_provider":"minio.default","path":"oscar-json/out"}],
                 "storage_providers":{"minio":{}},"clusters":{"c":{"auth_user":"u","auth_password":"p"}}}""";
        assertThat(Api.withoutContentType("POST", "/system/services", json).statusCode()).isEqualTo(201);
        String token = asUser().when()
                .get("/system/services/oscar-json")
                .then()
                .body("revision", equalTo(1))
                .extract()
                .path("token");

        // a client's own revision is the platform's to set, like its owner and uid
        assertThat(Api.withoutContentType("PUT", "/system/services",
                json.replace("\"0.5\"", "\"1\"").replace("{\"name\"", "{\"revision\":40,\"name\""))
                .statusCode()).isEqualTo(204);

        asUser().when()
                .get("/system/services/oscar-json")
                .then()
                .statusCode(200)
                .body("cpu", equalTo("1"))
                .body("revision", equalTo(2))
                .body("token", equalTo(token))
                .body(not(containsString("auth_password")));
    }

    @Test
    void shouldRejectAnInvalidDefinitionNamingEveryField() {
        asUser().contentType("text/plain")
                .body("name: Bad Name\nimage: ''\nscript: x\nmemory: lots\n")
                .when()
                .post("/system/services")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("violations.field", hasItems("name", "image", "memory"))
                .body(not(containsString("at io.")));
        asUser().contentType("text/plain")
                .body("name: [broken")
                .when()
                .post("/system/services")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("(document)"));
    }

    @Test
    void shouldRefuseADuplicateAndAMismatchedName() {
        Api.create("dup", "dup-bucket");

        asUser().body(Api.function("dup", "dup-bucket")).when().post("/system/services").then().statusCode(409);
        asUser().body(Api.function("dup", "dup-bucket")).when().put("/system/services/other").then().statusCode(400);
        asUser().body(Api.function("missing", "dup-bucket")).when().put("/system/services").then().statusCode(404);
    }

    @Test
    void shouldLetUsersAFunctionIsSharedWithSeeAndRunItButNeverChangeIt() {
        asUser().contentType("text/plain")
                .body(Api.function("shared-fn", "shared-fn-bucket") + "visibility: restricted\nallowed_users: ["
                        + WharfTestResource.OTHER_USER + "]\nenvironment: {secrets: {API_KEY: hunter2}}\n")
                .when()
                .post("/system/services")
                .then()
                .statusCode(201);
        String token = asUser().when().get("/system/services/shared-fn").then().extract().path("token");

        Api.asOther()
                .when()
                .get("/system/services/shared-fn")
                .then()
                .statusCode(200)
                .body(not(containsString(token)))
                .body(not(containsString("hunter2")));
        Api.asOther().body("x").when().post("/job/shared-fn").then().statusCode(201);
        Api.asOther().when().get("/system/services/shared-fn/auth").then().statusCode(200);
        Api.asOther()
                .contentType("text/plain")
                .body(Api.function("shared-fn", "shared-fn-bucket").replace("wc -l", "cat /etc/shadow; wc -l"))
                .when()
                .put("/system/services/shared-fn")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        Api.asOther().when().delete("/system/services/shared-fn").then().statusCode(403);
        assertThat(functions.get("shared-fn").orElseThrow().value().script()).doesNotContain("shadow");
    }

    @Test
    void shouldTellWhoMayUseAFunctionAsOscarsAuthCheckDoes() {
        Api.create("auth-private", "auth-private-bucket");

        asUser().when().get("/system/services/auth-private/auth").then().statusCode(200);
        Api.asOther().when().get("/system/services/auth-private/auth").then().statusCode(404);
        asUser().when().get("/system/services/no-such-function/auth").then().statusCode(404);
        given().when().get("/system/services/auth-private/auth").then().statusCode(401);
    }

    @Test
    void shouldRedactSecretsInResponses() {
        asUser().contentType("text/plain").body("""
                name: secretive
                image: img
                script: echo
                environment:
                  secrets: {API_KEY: hunter2}
                """).when().post("/system/services").then().statusCode(201).body(not(containsString("hunter2")));

        asUser().when()
                .get("/system/services/secretive")
                .then()
                .body("environment.secrets.API_KEY",
                        equalTo("********"));
    }

    @Test
    void shouldStoreSecretsSealedAndKeepThoseAClientSendsBackRedacted() {
        asUser().contentType("text/plain")
                .body("name: sealed-fn\nimage: img\nscript: echo\n"
                        + "environment: {secrets: {API_KEY: hunter2, OTHER: first}}\n")
                .when()
                .post("/system/services")
                .then()
                .statusCode(201);
        String stored = functions.get("sealed-fn").orElseThrow().value().environment().secrets().get("API_KEY");
        assertThat(stored).startsWith(SecretCipher.PREFIX).doesNotContain("hunter2");

        asUser().contentType("text/plain")
                .body("name: sealed-fn\nimage: img2\nscript: echo\n"
                        + "environment: {secrets: {API_KEY: '********', OTHER: second}}\n")
                .when()
                .put("/system/services/sealed-fn")
                .then()
                .statusCode(204);

        SecretCipher cipher = SecretCipher.fromBase64(WharfTestResource.SECRETS_KEY);
        assertThat(functions.get("sealed-fn").orElseThrow().value().opened(cipher).environment().secrets())
                .containsEntry("API_KEY", "hunter2")
                .containsEntry("OTHER", "second");
    }

    @Test
    void shouldRequireAuthentication() {
        given().when().get("/system/services").then().statusCode(401);
        given().auth()
                .preemptive()
                .basic(WharfTestResource.USER, "wrong")
                .when()
                .get("/system/services")
                .then()
                .statusCode(401);
        given().when().get("/system/config").then().statusCode(401);
    }

    @Test
    void shouldGiveItsOwnerTheKeysOfTheFunctionsOwnStoresAndNobodyElse() {
        asUser().contentType("text/plain").body("""
                name: keys-fn
                image: localhost/wharf-busybox:1
                script: 'true'
                visibility: public
                environment: {secrets: {API_KEY: env-secret-value}}
                input: [{storage_provider: minio, path: keys-bucket/in}]
                output: [{storage_provider: minio.archive, path: archive/out}]
                storage_providers:
                  minio:
                    archive: {endpoint: 'https://s3.example.org', access_key: archive-key, secret_key: archive-secret}
                """).when().post("/system/services").then().statusCode(201);

        // oscar-cli reads them to put, get, list and delete files on the named provider, as OSCAR gives them
        asUser().when()
                .get("/system/services/keys-fn")
                .then()
                .statusCode(200)
                .body("storage_providers.minio.archive.secret_key", equalTo("archive-secret"))
                .body("environment.secrets.API_KEY", equalTo(FunctionDefinition.REDACTED));
        given().auth()
                .preemptive()
                .basic(WharfTestResource.OTHER_USER, WharfTestResource.OTHER_PASSWORD)
                .when()
                .get("/system/services/keys-fn")
                .then()
                .statusCode(200)
                .body("storage_providers.minio.archive.secret_key", equalTo(FunctionDefinition.REDACTED))
                .body("token", equalTo(FunctionDefinition.REDACTED));
    }

    @Test
    void shouldGiveOscarClientsTheInfoAndTheMinioProvider() {
        asUser().when()
                .get("/system/config")
                .then()
                .statusCode(200)
                .body("minio_provider.endpoint", equalTo(WharfTestResource.minio().endpoint()))
                .body("minio_provider.access_key", not(equalTo(MinioServer.ACCESS_KEY)))
                .body("minio_provider.secret_key", notNullValue())
                .body("minio_provider.region", equalTo("us-east-1"));
        asUser().when().get("/system/info").then().statusCode(200).body("version", notNullValue());
        given().when().get("/health").then().statusCode(200).body(equalTo("Ok"));
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    static List<QueueConfiguration> rules(String bucket) throws Exception {
        return minio().getBucketNotification(GetBucketNotificationArgs.builder().bucket(bucket).build())
                .queueConfigurationList();
    }

    static MinioClient minio() {
        return WharfTestResource.minio().client();
    }
}
