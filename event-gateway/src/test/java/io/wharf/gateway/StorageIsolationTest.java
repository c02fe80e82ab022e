package io.wharf.gateway;

import static io.restassured.RestAssured.given;
import static io.wharf.gateway.Api.asUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import io.nats.client.Connection;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.contracts.storage.StorageCredentials;
import io.wharf.jetstream.CredentialStore;
import io.wharf.jetstream.Versioned;
import io.wharf.testing.Buckets;
import io.wharf.testing.MinioServer;
import io.wharf.testing.WharfTestResource;

/**
 * Per-user storage against a real MinIO: each user's own keys reach only their buckets, a function reads and writes
 * only its owner's buckets, and its executions' keys only its input and output folders.
 */
@QuarkusTest
@WithTestResource(WharfTestResource.class)
class StorageIsolationTest {

    @Inject
    Connection connection;

    @Test
    void shouldGiveEachUserKeysThatReachOnlyTheirOwnBuckets() throws Exception {
        Api.create("iso-owned", "iso-alice");
        MinioClient alice = Api.minioOf(asUser());
        MinioClient other = Api.minioOf(Api.asOther());

        Buckets.put(alice, "iso-alice", "in/mine.txt", "alice's data\n");
        assertThat(Buckets.list(alice, "iso-alice", "in/")).containsExactly("in/mine.txt");
        assertThat(Buckets.read(alice, "iso-alice", "in/mine.txt")).isEqualTo("alice's data\n");

        assertDenied(() -> Buckets.list(other, "iso-alice", ""));
        assertDenied(() -> Buckets.read(other, "iso-alice", "in/mine.txt"));
        assertDenied(() -> Buckets.put(other, "iso-alice", "in/planted.txt", "x"));
    }

    @Test
    void shouldNeverHandOutTheRootKeys() {
        JsonPath config = asUser().when().get("/system/config").then().statusCode(200).extract().jsonPath();

        assertThat(config.getString("minio_provider.access_key")).isNotEqualTo(MinioServer.ACCESS_KEY);
        assertThat(config.getString("minio_provider.secret_key")).isNotEqualTo(MinioServer.SECRET_KEY);
        assertThat(Api.asOther()
                .when()
                .get("/system/config")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("minio_provider.access_key")).isNotEqualTo(config.getString("minio_provider.access_key"));
        given().when().get("/system/config").then().statusCode(401);
    }

    @Test
    void shouldRefuseAFunctionOnAnotherUsersBucket() {
        Api.create("iso-first", "iso-taken");

        Api.asOther()
                .contentType("text/plain")
                .body(Api.function("iso-intruder", "iso-taken"))
                .when()
                .post("/system/services")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("bucket 'iso-taken' belongs to another user"));
        asUser().when().get("/system/services/iso-intruder").then().statusCode(404);
    }

    @Test
    void shouldRefuseABucketCreatedOutsideWharf() throws Exception {
        minio().makeBucket(MakeBucketArgs.builder().bucket("iso-preexisting").build());

        asUser().contentType("text/plain")
                .body(Api.function("iso-squatter", "iso-preexisting"))
                .when()
                .post("/system/services")
                .then()
                .statusCode(403)
                .body("detail", containsString("belongs to no Wharf user"));
    }

    @Test
    void shouldLimitAFunctionsOwnKeysToItsInputsAndOutputs() throws Exception {
        Api.create("iso-scoped", "iso-scoped");
        Api.create("iso-neighbour", "iso-neighbour");
        Buckets.put(minio(), "iso-scoped", "in/input.txt", "in\n");
        Buckets.put(minio(), "iso-scoped", "private/notes.txt", "owner only\n");
        Buckets.put(minio(), "iso-neighbour", "in/other.txt", "neighbour\n");
        MinioClient function = functionClient("iso-scoped");

        assertThat(Buckets.read(function, "iso-scoped", "in/input.txt")).isEqualTo("in\n");
        Buckets.put(function, "iso-scoped", "out/result.txt", "done\n");
        assertThat(Buckets.read(minio(), "iso-scoped", "out/result.txt")).isEqualTo("done\n");

        assertDenied(() -> Buckets.read(function, "iso-scoped", "private/notes.txt"));
        assertDenied(() -> Buckets.put(function, "iso-scoped", "in/loop.txt", "x"));
        assertDenied(() -> Buckets.list(function, "iso-scoped", ""));
        assertDenied(() -> Buckets.read(function, "iso-neighbour", "in/other.txt"));
    }

    @Test
    void shouldLetUsersAFunctionIsSharedWithUploadToItsInputsUntilItIsNoLongerShared() throws Exception {
        Api.create("iso-shared", "iso-shared");
        MinioClient other = Api.minioOf(Api.asOther());
        assertDenied(() -> Buckets.put(other, "iso-shared", "in/from-other.txt", "x"));

        asUser().contentType("text/plain")
                .body(Api.function("iso-shared", "iso-shared") + "visibility: restricted\nallowed_users: ["
                        + WharfTestResource.OTHER_USER + "]\n")
                .when()
                .put("/system/services/iso-shared")
                .then()
                .statusCode(204);
        Buckets.put(other, "iso-shared", "in/from-other.txt", "shared\n");
        assertDenied(() -> Buckets.put(other, "iso-shared", "elsewhere/x.txt", "x"));

        asUser().contentType("text/plain")
                .body(Api.function("iso-shared", "iso-shared"))
                .when()
                .put("/system/services/iso-shared")
                .then()
                .statusCode(204);
        assertDenied(() -> Buckets.read(other, "iso-shared", "in/from-other.txt"));
    }

    @Test
    void shouldTakeAwayADeletedFunctionsKeys() throws Exception {
        Api.create("iso-gone", "iso-gone");
        Buckets.put(minio(), "iso-gone", "in/a.txt", "a\n");
        MinioClient function = functionClient("iso-gone");
        assertThat(Buckets.read(function, "iso-gone", "in/a.txt")).isEqualTo("a\n");

        asUser().when().delete("/system/services/iso-gone").then().statusCode(204);

        assertThat(CredentialStore.functions(connection).get("iso-gone")).isEmpty();
        assertThatThrownBy(() -> Buckets.read(function, "iso-gone", "in/a.txt"))
                .isInstanceOf(ErrorResponseException.class);
        asUser().when().get("/system/services").then().body("name", not(equalTo("iso-gone")));
    }

    private static void assertDenied(ThrowingCall call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ErrorResponseException.class,
                e -> assertThat(e.errorResponse().code()).isEqualTo("AccessDenied"));
    }

    private interface ThrowingCall {

        void run() throws Exception;
    }

    private MinioClient functionClient(String name) {
        Versioned<StorageCredentials> grant = CredentialStore.functions(connection).get(name).orElseThrow();
        StorageCredentials g = grant.value();
        String secret = SecretCipher.fromBase64(WharfTestResource.SECRETS_KEY)
                .open(g.secretKey(),
                        g.sealingContext());
        assertThat(g.accessKey()).isNotEqualTo(MinioServer.ACCESS_KEY);
        return MinioClient.builder().endpoint(minioEndpoint()).credentials(g.accessKey(), secret).build();
    }

    private static MinioClient minio() {
        return WharfTestResource.minio().client();
    }

    private static String minioEndpoint() {
        return WharfTestResource.minio().endpoint();
    }
}
