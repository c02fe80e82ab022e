package io.wharf.gateway;

import static io.wharf.gateway.Api.asUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.wharf.testing.Buckets;
import io.wharf.testing.WharfTestResource;

/**
 * OSCAR's bucket API against a real MinIO: a bucket is its owner's, shared buckets reach the users they are shared
 * with through their own MinIO keys, everyone else is told it does not exist, and bad input is a 400 naming the field.
 * The test user {@code wharf} is an operator; {@code other} is not.
 */
@QuarkusTest
@WithTestResource(WharfTestResource.class)
class BucketsResourceTest {

    private static final String OTHER = WharfTestResource.OTHER_USER;

    @Test
    void shouldCreateABucketWithItsFolderThatItsOwnerListsWithOwnerAndVisibility() throws Exception {
        create(Api.asOther(), "bk-create/in/sub", null, null);

        JsonPath list = Api.asOther().when().get("/system/buckets").then().statusCode(200).extract().jsonPath();
        assertThat(list.getList("bucket_name", String.class)).contains("bk-create");
        Map<String, Object> bucket = list.getMap("find { it.bucket_name == 'bk-create' }");
        assertThat(bucket).containsEntry("owner", OTHER)
                .containsEntry("visibility", "private")
                .containsEntry("allowed_users", List.of())
                .containsEntry("metadata", Map.of("service", "false"));
        assertThat(Buckets.list(minio(), "bk-create", "")).containsExactly("in/sub/");
        Map<String, Object> read = Api.asOther()
                .when()
                .get("/system/buckets/bk-create")
                .then()
                .statusCode(200)
                .body("bucket_name", equalTo("bk-create"))
                .body("owner", equalTo(OTHER))
                .body("objects.object_name", equalTo(List.of("in/sub/")))
                .body("objects[0].size_bytes", equalTo(0))
                .body("is_truncated", equalTo(false))
                .body("returned_items", equalTo(1))
                .extract()
                .jsonPath()
                .getMap("$");
        assertThat(read).doesNotContainKey("next_page");
    }

    @Test
    void shouldListBucketsAsAJsonArray() {
        assertThat(Api.asOther().when().get("/system/buckets").then().statusCode(200).extract().asString())
                .startsWith("[");
    }

    @Test
    void shouldRefuseABucketThatExistsInWharfOrOnlyInMinio() throws Exception {
        create(asUser(), "bk-taken", null, null);
        minio().makeBucket(MakeBucketArgs.builder().bucket("bk-outside").build());

        for (String name : List.of("bk-taken", "bk-taken/folder", "bk-outside")) {
            Api.asOther()
                    .contentType("application/json")
                    .body(Map.of("bucket_name", name))
                    .when()
                    .post("/system/buckets")
                    .then()
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("detail", containsString("bucket_name"))
                    .body("violations.field", hasItem("bucket_name"));
        }
        Api.asOther().when().get("/system/buckets").then().body("bucket_name", not(hasItem("bk-outside")));
        asUser().when().get("/system/buckets").then().body("bucket_name", not(hasItem("bk-outside")));
    }

    @Test
    void shouldHideAPrivateBucketFromOtherUsers() throws Exception {
        create(asUser(), "bk-private", "private", null);
        Buckets.put(minio(), "bk-private", "secret.txt", "mine\n");

        Api.asOther()
                .when()
                .get("/system/buckets")
                .then()
                .statusCode(200)
                .body("bucket_name", not(hasItem("bk-private")));
        Response hidden = Api.asOther().when().get("/system/buckets/bk-private");
        Response unknown = Api.asOther().when().get("/system/buckets/bk-no-such");
        assertThat(hidden.statusCode()).isEqualTo(404);
        assertThat(hidden.contentType()).startsWith("application/problem+json");
        assertThat(hidden.jsonPath().getString("detail").replace("bk-private", "X"))
                .isEqualTo(unknown.jsonPath().getString("detail").replace("bk-no-such", "X"));
        Api.asOther()
                .contentType("application/json")
                .body(Map.of("bucket_name", "bk-private", "visibility", "public"))
                .when()
                .put("/system/buckets")
                .then()
                .statusCode(404);
        Api.asOther().when().delete("/system/buckets/bk-private").then().statusCode(404);
        presign(Api.asOther(), "bk-private", Map.of("object_key", "secret.txt", "operation", "download")).then()
                .statusCode(404);
        assertDenied(() -> Buckets.read(Api.minioOf(Api.asOther()), "bk-private", "secret.txt"));
        assertThat(Buckets.read(Api.minioOf(asUser()), "bk-private", "secret.txt")).isEqualTo("mine\n");
    }

    @Test
    void shouldShareARestrictedBucketWithTheUsersItNamesUntilItIsPrivateAgain() throws Exception {
        create(asUser(), "bk-restricted", "restricted", List.of(OTHER));
        Buckets.put(minio(), "bk-restricted", "data/a.txt", "shared\n");

        JsonPath list = Api.asOther().when().get("/system/buckets").then().statusCode(200).extract().jsonPath();
        Map<String, Object> bucket = list.getMap("find { it.bucket_name == 'bk-restricted' }");
        assertThat(bucket).containsEntry("owner", WharfTestResource.USER)
                .containsEntry("visibility", "restricted")
                .containsEntry("allowed_users", List.of(OTHER));
        Api.asOther()
                .when()
                .get("/system/buckets/bk-restricted")
                .then()
                .statusCode(200)
                .body("objects.object_name", hasItem("data/a.txt"));
        MinioClient other = Api.minioOf(Api.asOther());
        assertThat(Buckets.read(other, "bk-restricted", "data/a.txt")).isEqualTo("shared\n");
        Buckets.put(other, "bk-restricted", "data/b.txt", "from other\n");
        assertThat(Buckets.read(minio(), "bk-restricted", "data/b.txt")).isEqualTo("from other\n");

        // shared, not handed over: only the owner changes or deletes it
        Api.asOther()
                .contentType("application/json")
                .body(Map.of("bucket_name", "bk-restricted", "visibility", "public"))
                .when()
                .put("/system/buckets")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        Api.asOther().when().delete("/system/buckets/bk-restricted").then().statusCode(403);
        presign(Api.asOther(), "bk-restricted", Map.of("object_key", "data/a.txt", "operation", "download")).then()
                .statusCode(200);

        asUser().contentType("application/json")
                .body(Map.of("bucket_name", "bk-restricted", "visibility", "private"))
                .when()
                .put("/system/buckets")
                .then()
                .statusCode(204);
        assertDenied(() -> Buckets.read(other, "bk-restricted", "data/a.txt"));
        Api.asOther().when().get("/system/buckets/bk-restricted").then().statusCode(404);
        asUser().when()
                .get("/system/buckets/bk-restricted")
                .then()
                .statusCode(200)
                .body("visibility", equalTo(
                        "private"))
                .body("allowed_users", equalTo(List.of()));
    }

    @Test
    void shouldNotShowARestrictedBucketToUsersItDoesNotName() throws Exception {
        create(asUser(), "bk-not-yours", "restricted", List.of("someone-else"));

        Api.asOther().when().get("/system/buckets").then().body("bucket_name", not(hasItem("bk-not-yours")));
        Api.asOther().when().get("/system/buckets/bk-not-yours").then().statusCode(404);
        assertDenied(() -> Buckets.list(Api.minioOf(Api.asOther()), "bk-not-yours", ""));
    }

    @Test
    void shouldShowAPublicBucketToEveryUser() throws Exception {
        // as oscar-cli sends bodies: without a content type
        HttpResponse<String> created = Api.withoutContentType("POST", "/system/buckets",
                "{\"bucket_name\":\"bk-public\",\"visibility\":\"PUBLIC\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).isEmpty();
        Buckets.put(minio(), "bk-public", "open.txt", "for all\n");

        Api.asOther()
                .when()
                .get("/system/buckets")
                .then()
                .body("find { it.bucket_name == 'bk-public' }.visibility", equalTo("public"));
        assertThat(Buckets.read(Api.minioOf(Api.asOther()), "bk-public", "open.txt")).isEqualTo("for all\n");
    }

    @Test
    void shouldShowOperatorsEveryBucket() {
        create(Api.asOther(), "bk-others", null, null);

        asUser().when()
                .get("/system/buckets")
                .then()
                .body("find { it.bucket_name == 'bk-others' }.owner", equalTo(OTHER));
        asUser().when().get("/system/buckets/bk-others").then().statusCode(200);
        asUser().contentType("application/json")
                .body(Map.of("bucket_name", "bk-others", "visibility", "restricted", "allowed_users", List.of(OTHER,
                        "third")))
                .when()
                .put("/system/buckets")
                .then()
                .statusCode(204);
        Api.asOther()
                .when()
                .get("/system/buckets/bk-others")
                .then()
                .body("owner", equalTo(OTHER))
                .body("allowed_users", equalTo(List.of("third")));
    }

    @Test
    void shouldPageThroughABucketWithPageAndNextPage() throws Exception {
        create(asUser(), "bk-paged", null, null);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 75; i++) {
            keys.add("obj-%03d.txt".formatted(i));
            Buckets.put(minio(), "bk-paged", keys.get(i), "x");
        }

        JsonPath first = asUser().when().get("/system/buckets/bk-paged").then().statusCode(200).extract().jsonPath();
        assertThat(first.getInt("returned_items")).isEqualTo(70);
        assertThat(first.getBoolean("is_truncated")).isTrue();
        String next = first.getString("next_page");
        assertThat(next).isNotBlank();
        JsonPath second = asUser().queryParam("page", next)
                .when()
                .get("/system/buckets/bk-paged")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(second.getInt("returned_items")).isEqualTo(5);
        assertThat(second.getBoolean("is_truncated")).isFalse();
        assertThat(second.getMap("$")).doesNotContainKey("next_page");
        List<String> all = new ArrayList<>(first.getList("objects.object_name", String.class));
        all.addAll(second.getList("objects.object_name", String.class));
        assertThat(all).isEqualTo(keys);
        assertThat(first.getString("objects[0].last_modified")).endsWith("Z");
    }

    @Test
    void shouldUploadAndDownloadThroughPresignedUrls() throws Exception {
        create(asUser(), "bk-presign", null, null);
        Instant before = Instant.now();

        JsonPath upload = presign(asUser(), "bk-presign", Map.of("object_key", "/docs/hello.txt",
                "operation", "Upload", "content_type", "text/plain")).then()
                .statusCode(200)
                .body("object_key", equalTo("docs/hello.txt"))
                .body("operation", equalTo("upload"))
                .body("method", equalTo("PUT"))
                .body("headers.Content-Type", equalTo("text/plain"))
                .extract()
                .jsonPath();
        assertThat(Instant.parse(upload.getString("expires_at")))
                .isBetween(before.plusSeconds(899), Instant.now().plusSeconds(901));
        HttpResponse<String> put = http().send(HttpRequest.newBuilder(URI.create(upload.getString("url")))
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("hello through a presigned URL\n"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(Buckets.read(minio(), "bk-presign", "docs/hello.txt")).isEqualTo("hello through a presigned URL\n");

        // extra headers are signed: the client sends them as they were given
        JsonPath tagged = presign(asUser(), "bk-presign", Map.of("object_key", "docs/tagged.txt", "operation",
                "upload", "extra_headers", Map.of("x-amz-meta-colour", "blue"))).then()
                .statusCode(200)
                .body("headers", equalTo(Map.of("X-Amz-Meta-Colour", "blue")))
                .extract()
                .jsonPath();
        HttpResponse<String> withHeader = http().send(HttpRequest.newBuilder(URI.create(tagged.getString("url")))
                .header("X-Amz-Meta-Colour", "blue")
                .PUT(HttpRequest.BodyPublishers.ofString("tagged\n"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withHeader.statusCode()).as(withHeader.body()).isEqualTo(200);
        assertThat(minio().statObject(StatObjectArgs.builder().bucket("bk-presign").object("docs/tagged.txt").build())
                .userMetadata()).containsEntry("colour", "blue");
        HttpResponse<String> withoutHeader = http().send(HttpRequest.newBuilder(URI.create(tagged.getString("url")))
                .PUT(HttpRequest.BodyPublishers.ofString("untagged\n"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withoutHeader.statusCode()).isIn(400, 403);

        JsonPath download = presign(asUser(), "bk-presign", Map.of("object_key", "docs/hello.txt",
                "operation", "DOWNLOAD", "expires_in", 60, "content_type", "application/x-wharf-test")).then()
                .statusCode(200)
                .body("method", equalTo("GET"))
                .extract()
                .jsonPath();
        assertThat(download.getMap("$")).doesNotContainKey("headers");
        assertThat(Instant.parse(download.getString("expires_at"))).isBefore(Instant.now().plusSeconds(61));
        assertThat(download.getString("url")).contains("response-content-type=");
        HttpResponse<String> get = http().send(HttpRequest.newBuilder(URI.create(download.getString("url")))
                .GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("hello through a presigned URL\n");
        assertThat(get.headers().firstValue("Content-Type")).hasValue("application/x-wharf-test");
    }

    @Test
    void shouldRefuseBadInputNamingTheField() {
        create(asUser(), "bk-bad", null, null);
        List<Object[]> cases = List.of(
                new Object[]{"POST", "/system/buckets", "{\"bucket_name\":\"Bad_Name\"}", "bucket_name"},
                new Object[]{"POST", "/system/buckets", "{\"bucket_name\":\"ab\"}", "bucket_name"},
                new Object[]{"POST", "/system/buckets", "{\"bucket_name\":\"bk-dots..x\"}", "bucket_name"},
                new Object[]{"POST", "/system/buckets", "{\"bucket_name\":\"bk-x/../up\"}", "bucket_name"},
                new Object[]{"POST", "/system/buckets", "{\"visibility\":\"private\"}", "bucket_name"},
                new Object[]{"POST", "/system/buckets", "{\"bucket_name\":\"bk-vis\",\"visibility\":\"secret\"}",
                        "visibility"},
                new Object[]{"POST", "/system/buckets", "{\"bucket_name\":\"bk-users\",\"allowed_users\":[\"\"]}",
                        "allowed_users[0]"},
                new Object[]{"POST", "/system/buckets", "{\"bucket_name\":\"bk-users\",\"allowed_users\":{}}",
                        "allowed_users"},
                new Object[]{"POST", "/system/buckets", "{\"bucket_name\":", "body"},
                new Object[]{"POST", "/system/buckets", "[1]", "body"},
                new Object[]{"POST", "/system/buckets", "", "body"},
                new Object[]{"PUT", "/system/buckets", "{\"bucket_name\":\"bk-bad\",\"visibility\":\"open\"}",
                        "visibility"},
                new Object[]{"PUT", "/system/buckets", "{\"bucket_name\":\"bk-bad/folder\"}", "bucket_name"},
                new Object[]{"PUT", "/system/buckets", "not json", "body"},
                new Object[]{"POST", "/system/buckets/bk-bad/presign", "{\"operation\":\"upload\"}", "object_key"},
                new Object[]{"POST", "/system/buckets/bk-bad/presign", "{\"object_key\":\"a\"}", "operation"},
                new Object[]{"POST", "/system/buckets/bk-bad/presign", "{\"object_key\":\"a\",\"operation\":\"copy\"}",
                        "operation"},
                new Object[]{"POST", "/system/buckets/bk-bad/presign",
                        "{\"object_key\":\"a\",\"operation\":\"upload\",\"expires_in\":604801}", "expires_in"},
                new Object[]{"POST", "/system/buckets/bk-bad/presign",
                        "{\"object_key\":\"a\",\"operation\":\"upload\",\"expires_in\":-5}", "expires_in"},
                new Object[]{"POST", "/system/buckets/bk-bad/presign",
                        "{\"object_key\":\"a\",\"operation\":\"upload\",\"expires_in\":\"soon\"}", "expires_in"},
                new Object[]{"POST", "/system/buckets/bk-bad/presign",
                        "{\"object_key\":\"a\",\"operation\":\"upload\",\"expires_in\":1e30}", "expires_in"},
                new Object[]{"POST", "/system/buckets/bk-bad/presign",
                        "{\"object_key\":\"a\",\"operation\":\"upload\",\"content_type\":\"not a type\"}",
                        "content_type"},
                new Object[]{"POST", "/system/buckets/bk-bad/presign",
                        "{\"object_key\":\"a\",\"operation\":\"upload\",\"extra_headers\":{\"Bad Header\":\"x\"}}",
                        "extra_headers.Bad Header"},
                new Object[]{"POST", "/system/buckets/bk-bad/presign",
                        "{\"object_key\":\"a\",\"operation\":\"upload\",\"extra_headers\":[\"x\"]}", "extra_headers"},
                new Object[]{"POST", "/system/buckets/bk-bad/presign", "{\"object_key\":", "body"},
                new Object[]{"GET", "/system/buckets/bk-bad?page=%01", null, "page"},
                new Object[]{"GET", "/system/buckets/bk-bad?page=not-a-token", null, "page"});
        List<String> wrong = new ArrayList<>();
        for (Object[] c : cases) {
            RequestSpecification request = asUser().contentType("application/json").urlEncodingEnabled(false);
            if (c[2] != null) {
                request.body(c[2]);
            }
            Response response = request.request((String) c[0], (String) c[1]);
            String answer = c[0] + " " + c[1] + " " + c[2] + " -> " + response.statusCode() + " "
                    + response.asString();
            if (response.statusCode() != 400 || !response.contentType().startsWith("application/problem+json")) {
                wrong.add(answer);
            } else if (!response.jsonPath().getList("violations.field").contains(c[3])
                    || !response.jsonPath().getString("detail").contains((String) c[3])) {
                wrong.add(answer + " (does not name " + c[3] + ")");
            }
        }
        assertThat(wrong).isEmpty();
        asUser().when().get("/system/buckets").then().body("bucket_name", not(hasItem("bk-vis")));
    }

    @Test
    void shouldDeleteABucketWithItsObjectsAndFreeItsName() throws Exception {
        create(asUser(), "bk-delete/in", null, null);
        for (int i = 0; i < 3; i++) {
            Buckets.put(minio(), "bk-delete", "in/file-" + i + ".txt", "x");
        }

        asUser().when().delete("/system/buckets/bk-delete").then().statusCode(204);

        assertThat(minio().bucketExists(BucketExistsArgs.builder().bucket("bk-delete").build())).isFalse();
        asUser().when().get("/system/buckets/bk-delete").then().statusCode(404);
        asUser().when().get("/system/buckets").then().body("bucket_name", not(hasItem("bk-delete")));
        asUser().when().delete("/system/buckets/bk-delete").then().statusCode(404);
        create(Api.asOther(), "bk-delete", null, null);
        Api.asOther().when().get("/system/buckets/bk-delete").then().statusCode(200).body("owner", equalTo(OTHER));
    }

    @Test
    void shouldRefuseToDeleteABucketAFunctionUses() throws Exception {
        Api.create("bk-fn", "bk-used");

        asUser().when()
                .delete("/system/buckets/bk-used")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("bk-fn"));
        assertThat(minio().bucketExists(BucketExistsArgs.builder().bucket("bk-used").build())).isTrue();
        asUser().when()
                .get("/system/buckets")
                .then()
                .body("find { it.bucket_name == 'bk-used' }.metadata.service", equalTo("true"));

        asUser().when().delete("/system/services/bk-fn").then().statusCode(204);
        asUser().when().delete("/system/buckets/bk-used").then().statusCode(204);
    }

    private static void create(RequestSpecification as, String name, String visibility, List<String> allowed) {
        StringBuilder body = new StringBuilder("{\"bucket_name\":\"" + name + "\"");
        if (visibility != null) {
            body.append(",\"visibility\":\"").append(visibility).append('"');
        }
        if (allowed != null) {
            body.append(",\"allowed_users\":[")
                    .append(String.join(",", allowed.stream().map(u -> '"' + u + '"').toList()))
                    .append(']');
        }
        as.contentType("application/json")
                .body(body.append('}').toString())
                .when()
                .post("/system/buckets")
                .then()
                .statusCode(201);
    }

    private static Response presign(RequestSpecification as, String bucket, Map<String, Object> body) {
        return as.contentType("application/json").body(body).when().post("/system/buckets/" + bucket + "/presign");
    }

    private static void assertDenied(ThrowingCall call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ErrorResponseException.class,
                e -> assertThat(e.errorResponse().code()).isEqualTo("AccessDenied"));
    }

    private interface ThrowingCall {

        void run() throws Exception;
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static MinioClient minio() {
        return WharfTestResource.minio().client();
    }
}
