package io.wharf.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

@Timeout(30)
class OneproviderServerTest {

    private static final String TOKEN = "token-alice";
    private static final String SPACE = "my-space";
    private static final String VERSION = "X-CDMI-Specification-Version";
    private static final String REST = "/api/v3/oneprovider";

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final ObjectMapper json = new ObjectMapper();
    private OneproviderServer server;
    private String spaceId;

    @BeforeEach
    void start() {
        server = OneproviderServer.start();
        spaceId = server.addSpace(SPACE, TOKEN);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---------------------------------------------------------------------------------------------- auth

    @Test
    void tokensAreCheckedRevokedAndAllowedAgain() throws Exception {
        HttpResponse<byte[]> none = send(HttpRequest.newBuilder(uri(REST + "/spaces")).GET().build());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(body(none).at("/error/id").asText()).isEqualTo("unauthorized");
        assertThat(get(REST + "/spaces", "X-Auth-Token", "wrong").statusCode()).isEqualTo(401);
        assertThat(get(REST + "/spaces", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);

        assertThat(get(REST + "/spaces", "X-Auth-Token", TOKEN).statusCode()).isEqualTo(200);
        assertThat(get(REST + "/spaces", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);

        server.revoke(TOKEN);
        assertThat(get(REST + "/spaces", "X-Auth-Token", TOKEN).statusCode()).isEqualTo(401);
        assertThat(get("/cdmi/" + SPACE + "/", "X-Auth-Token", TOKEN, VERSION, "1.1.1").statusCode()).isEqualTo(401);

        server.allow(TOKEN, SPACE);
        HttpResponse<byte[]> spaces = get(REST + "/spaces", "X-Auth-Token", TOKEN);
        assertThat(spaces.statusCode()).isEqualTo(200);
        assertThat(body(spaces).get(0).get("spaceId").asText()).isEqualTo(spaceId);
        assertThat(body(spaces).get(0).get("name").asText()).isEqualTo(SPACE);
    }

    @Test
    void capabilitiesNeedNoToken() throws Exception {
        HttpResponse<byte[]> root = get("/cdmi/cdmi_capabilities/", VERSION, "1.1.1");
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.headers().firstValue("Content-Type")).hasValue("application/cdmi-capability");
        assertThat(body(root).get("children").toString()).isEqualTo("[\"container/\",\"dataobject/\"]");
        assertThat(get("/cdmi/cdmi_capabilities/container/", VERSION, "1.1.1").statusCode()).isEqualTo(200);
        assertThat(get("/cdmi/cdmi_capabilities/dataobject/", VERSION, "1.1.1").statusCode()).isEqualTo(200);
    }

    @Test
    void anotherTokensSpaceIsAbsent() throws Exception {
        String secret = server.addSpace("secret", "token-bob");
        String root = rootId("token-bob", "secret");

        assertThat(cdmi("GET", "/cdmi/secret/", null, VERSION, "1.1.1").statusCode()).isEqualTo(404);
        assertThat(cdmi("PUT", "/cdmi/secret/x/", null).statusCode()).isEqualTo(404);
        assertThat(rest("GET", "/spaces/" + secret, null).statusCode()).isEqualTo(404);
        assertThat(rest("POST", "/lookup-file-id/secret", null).statusCode()).isEqualTo(404);
        assertThat(rest("GET", "/data/" + root + "/children", null).statusCode()).isEqualTo(404);
        assertThat(rest("POST", "/changes/metadata/" + secret + "?timeout=100", "{\"fileMeta\":{}}").statusCode())
                .isEqualTo(404);
        assertThat(body(rest("GET", "/spaces", null)).findValuesAsText("name")).containsExactly(SPACE);

        HttpResponse<byte[]> bob = get("/cdmi/secret/", "X-Auth-Token", "token-bob", VERSION, "1.1.1");
        assertThat(bob.statusCode()).isEqualTo(200);
        server.allow(TOKEN, secret);
        assertThat(cdmi("GET", "/cdmi/secret/", null, VERSION, "1.1.1").statusCode()).isEqualTo(200);
    }

    // ---------------------------------------------------------------------------------------------- CDMI

    @Test
    void cdmiMkdirCreatesOnceAndNeedsTheParent() throws Exception {
        assertThat(cdmi("PUT", "/cdmi/my-space/in/", null).statusCode()).isEqualTo(201);

        HttpResponse<byte[]> again = cdmi("PUT", "/cdmi/my-space/in/", null);
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(body(again).at("/error/id").asText()).isEqualTo("posix");
        assertThat(body(again).at("/error/details/errno").asText()).isEqualTo("eexist");

        HttpResponse<byte[]> nested = cdmi("PUT", "/cdmi/my-space/missing/deeper/", null);
        assertThat(nested.statusCode()).isEqualTo(400);
        assertThat(body(nested).at("/error/details/errno").asText()).isEqualTo("enoent");
        assertThat(server.list(SPACE, "/")).containsExactly("in/");
    }

    @Test
    void cdmiContainerPutWithVersionAnswersJsonThenNoContent() throws Exception {
        HttpResponse<byte[]> created = cdmi("PUT", "/cdmi/my-space/fn-in/", "{\"metadata\":{\"color\":\"red\"}}",
                VERSION, "1.1.1", "Content-Type", "application/cdmi-container");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(body(created).get("objectName").asText()).isEqualTo("fn-in/");
        assertThat(body(created).at("/metadata/color").asText()).isEqualTo("red");
        assertThat(cdmi("PUT", "/cdmi/my-space/fn-in/", "{}", VERSION, "1.1.1", "Content-Type",
                "application/cdmi-container").statusCode()).isEqualTo(204);
        assertThat(cdmi("PUT", "/cdmi/my-space/other/", "{}", "Content-Type", "application/cdmi-container")
                .statusCode()).isEqualTo(400);
    }

    @Test
    void rawPutReplacesAndRawGetAnswersTheBytes() throws Exception {
        server.mkdirs(SPACE, "in");
        String path = "/cdmi/my-space/in/cat%20photo.jpg";
        assertThat(cdmi("PUT", path, "first", "Content-Type", "image/jpeg").statusCode()).isEqualTo(201);
        assertThat(cdmi("PUT", path, "second", "Content-Type", "image/jpeg").statusCode()).isEqualTo(204);
        assertThat(server.read(SPACE, "in/cat photo.jpg")).hasValueSatisfying(
                bytes -> assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("second"));

        HttpResponse<byte[]> raw = cdmi("GET", path, null);
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(text(raw)).isEqualTo("second");

        HttpResponse<byte[]> range = cdmi("GET", path, null, "Range", "bytes=1-3");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(text(range)).isEqualTo("eco");

        HttpResponse<byte[]> orphan = cdmi("PUT", "/cdmi/my-space/nowhere/x.txt", "x");
        assertThat(orphan.statusCode()).isEqualTo(400);
        assertThat(body(orphan).at("/error/details/errno").asText()).isEqualTo("enoent");
        assertThat(cdmi("GET", "/cdmi/my-space/in/missing.jpg", null).statusCode()).isEqualTo(404);
        assertThat(cdmi("GET", "/cdmi/my-space/in/../secret", null).statusCode()).isEqualTo(400);
    }

    @Test
    void repeatedSlashesAreCollapsed() throws Exception {
        assertThat(cdmi("PUT", "/cdmi/my-space//out/", null).statusCode()).isEqualTo(201);
        assertThat(cdmi("PUT", "/cdmi/my-space//out//result.txt", "done").statusCode()).isEqualTo(201);
        assertThat(server.read(SPACE, "out/result.txt")).isPresent();
        assertThat(text(cdmi("GET", "/cdmi//my-space/out/result.txt", null))).isEqualTo("done");
        assertThat(server.requestCount("PUT", "/cdmi/my-space//out/")).isEqualTo(2);
    }

    @Test
    void containerListingShowsChildrenWithSlashesForFolders() throws Exception {
        server.write(SPACE, "in/b.txt", "bb".getBytes(StandardCharsets.UTF_8));
        server.mkdirs(SPACE, "in/a-folder");
        HttpResponse<byte[]> listing = cdmi("GET", "/cdmi/my-space/in/", null, VERSION, "1.1, 1.1.1");
        assertThat(listing.statusCode()).isEqualTo(200);
        assertThat(listing.headers().firstValue("Content-Type")).hasValue("application/cdmi-container");
        assertThat(listing.headers().firstValue(VERSION)).hasValue("1.1.1");
        JsonNode container = body(listing);
        assertThat(container.get("objectType").asText()).isEqualTo("application/cdmi-container");
        assertThat(container.get("objectName").asText()).isEqualTo("in/");
        assertThat(container.get("parentURI").asText()).isEqualTo("/my-space/");
        assertThat(container.get("parentID").asText()).isEqualTo(rootId(TOKEN, SPACE));
        assertThat(container.get("completionStatus").asText()).isEqualTo("Complete");
        assertThat(container.at("/metadata/cdmi_size").asText()).isEqualTo("2");
        assertThat(container.get("childrenrange").asText()).isEqualTo("0-1");
        assertThat(container.get("children").toString()).isEqualTo("[\"a-folder/\",\"b.txt\"]");

        JsonNode selected = body(cdmi("GET", "/cdmi/my-space/in/?children:1-1;childrenrange", null, VERSION, "1.1.1"));
        assertThat(selected.toString()).isEqualTo("{\"children\":[\"b.txt\"],\"childrenrange\":\"1-1\"}");
        assertThat(cdmi("GET", "/cdmi/my-space/in/?children:0-2", null, VERSION, "1.1.1").statusCode())
                .isEqualTo(400);

        JsonNode root = body(cdmi("GET", "/cdmi/my-space/?children", null, VERSION, "1.1.1"));
        assertThat(root.get("children").toString()).isEqualTo("[\"in/\"]");
        assertThat(server.list(SPACE, "in")).containsExactly("a-folder/", "b.txt");
    }

    @Test
    void containerNeedsVersionAndSlashMismatchesRedirect() throws Exception {
        server.write(SPACE, "in/a.txt", "a".getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> noVersion = cdmi("GET", "/cdmi/my-space/in/", null);
        assertThat(noVersion.statusCode()).isEqualTo(400);

        HttpResponse<byte[]> folder = cdmi("GET", "/cdmi/my-space/in", null, VERSION, "1.1.1");
        assertThat(folder.statusCode()).isEqualTo(302);
        assertThat(folder.headers().firstValue("Location")).hasValue(server.url() + "/cdmi/my-space/in/");

        HttpResponse<byte[]> file = cdmi("GET", "/cdmi/my-space/in/a.txt/", null);
        assertThat(file.statusCode()).isEqualTo(302);
        assertThat(file.headers().firstValue("Location")).hasValue(server.url() + "/cdmi/my-space/in/a.txt");
    }

    @Test
    void cdmiObjectsAsJson() throws Exception {
        server.mkdirs(SPACE, "in");
        HttpResponse<byte[]> created = cdmi("PUT", "/cdmi/my-space/in/hello.txt",
                "{\"value\":\"Hello\",\"mimetype\":\"text/plain\"}", VERSION, "1.1.1", "Content-Type",
                "application/cdmi-object");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(body(created).get("objectName").asText()).isEqualTo("hello.txt");

        JsonNode object = body(cdmi("GET", "/cdmi/my-space/in/hello.txt", null, VERSION, "1.1.1"));
        assertThat(object.get("value").asText()).isEqualTo("Hello");
        assertThat(object.get("valuetransferencoding").asText()).isEqualTo("utf-8");
        assertThat(object.get("valuerange").asText()).isEqualTo("0-4");
        assertThat(object.get("mimetype").asText()).isEqualTo("text/plain");
        assertThat(object.at("/metadata/cdmi_size").asText()).isEqualTo("5");

        server.write(SPACE, "in/bin", new byte[]{(byte) 0xff, 0, 1});
        JsonNode binary = body(cdmi("GET", "/cdmi/my-space/in/bin", null, VERSION, "1.1.1"));
        assertThat(binary.get("valuetransferencoding").asText()).isEqualTo("base64");
        assertThat(binary.get("value").asText()).isEqualTo("/wAB");
        assertThat(cdmi("PUT", "/cdmi/my-space/in/hello.txt", "{\"value\":\"Bye\"}", VERSION, "1.1.1",
                "Content-Type", "application/cdmi-object").statusCode()).isEqualTo(204);
        assertThat(text(cdmi("GET", "/cdmi/my-space/in/hello.txt", null))).isEqualTo("Bye");
    }

    @Test
    void deleteIsRecursiveAndMissingIsNotFound() throws Exception {
        server.write(SPACE, "out/deep/x.txt", "x".getBytes(StandardCharsets.UTF_8));
        assertThat(cdmi("DELETE", "/cdmi/my-space/out/", null).statusCode()).isEqualTo(204);
        assertThat(server.list(SPACE, "")).isEmpty();
        HttpResponse<byte[]> missing = cdmi("DELETE", "/cdmi/my-space/out/", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------- REST

    @Test
    void restLookupChildrenAndAttributes() throws Exception {
        server.write(SPACE, "in/a.txt", "aaa".getBytes(StandardCharsets.UTF_8));
        server.write(SPACE, "in/b.txt", "b".getBytes(StandardCharsets.UTF_8));
        server.mkdirs(SPACE, "in/sub");
        String dirId = body(rest("POST", "/lookup-file-id/my-space/in", null)).get("fileId").asText();
        assertThat(dirId).startsWith("0000000000").hasSizeGreaterThan(50);
        HttpResponse<byte[]> missing = rest("POST", "/lookup-file-id/my-space/nope", null);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(body(missing).at("/error/details/errno").asText()).isEqualTo("enoent");

        JsonNode page = body(rest("GET", "/data/" + dirId + "/children?limit=2&offset=0", null));
        assertThat(page.get("children").findValuesAsText("name")).containsExactly("a.txt", "b.txt");
        assertThat(page.get("isLast").asBoolean()).isFalse();
        JsonNode rest = body(rest("GET", "/data/" + dirId + "/children?limit=2&offset=2", null));
        assertThat(rest.get("children").findValuesAsText("name")).containsExactly("sub");
        assertThat(rest.get("isLast").asBoolean()).isTrue();
        assertThat(rest("GET", "/data/" + dirId + "/children?limit=0", null).statusCode()).isEqualTo(400);
        assertThat(rest("GET", "/data/" + dirId + "/children?limit=1001", null).statusCode()).isEqualTo(400);

        JsonNode withAttrs = body(rest("GET", "/data/" + dirId + "/children?attributes=size&attributes=type", null));
        assertThat(withAttrs.at("/children/0/size").asLong()).isEqualTo(3);
        assertThat(withAttrs.at("/children/2/type").asText()).isEqualTo("DIR");
        JsonNode commaList = body(rest("GET", "/data/" + dirId + "/children?attributes=fileId,mtime", null));
        assertThat(commaList.at("/children/0/fileId").asText()).isEqualTo(commaList.at("/children/0/id").asText());
        assertThat(commaList.at("/children/0/mtime").asLong()).isPositive();

        String fileId = withAttrs.at("/children/0/id").asText();
        JsonNode attrs = body(rest("GET", "/data/" + fileId, null));
        assertThat(attrs.get("name").asText()).isEqualTo("a.txt");
        assertThat(attrs.get("type").asText()).isEqualTo("REG");
        assertThat(attrs.get("mode").asInt()).isEqualTo(436);
        assertThat(attrs.get("size").asLong()).isEqualTo(3);
        assertThat(attrs.get("file_id").asText()).isEqualTo(fileId);
        assertThat(attrs.get("fileId").asText()).isEqualTo(fileId);
        assertThat(attrs.get("parentId").asText()).isEqualTo(dirId);
        assertThat(body(rest("GET", "/data/" + fileId + "?attribute=size", null)).toString()).isEqualTo("{\"size\":3}");
    }

    @Test
    void restContentCreateAndDelete() throws Exception {
        server.mkdirs(SPACE, "in");
        String dirId = body(rest("POST", "/lookup-file-id/my-space/in", null)).get("fileId").asText();
        HttpResponse<byte[]> created = rest("POST", "/data/" + dirId + "/children?name=new.txt&type=REG", "hello");
        assertThat(created.statusCode()).isEqualTo(201);
        String fileId = body(created).get("fileId").asText();
        assertThat(created.headers().firstValue("Location")).hasValue(server.url() + REST + "/data/" + fileId);
        assertThat(rest("POST", "/data/" + dirId + "/children?name=new.txt", "again").statusCode()).isEqualTo(400);

        assertThat(text(rest("GET", "/data/" + fileId + "/content", null))).isEqualTo("hello");
        assertThat(rest("PUT", "/data/" + fileId + "/content", "bye").statusCode()).isEqualTo(204);
        assertThat(server.read(SPACE, "in/new.txt").map(String::new)).hasValue("bye");
        assertThat(rest("DELETE", "/data/" + fileId, null).statusCode()).isEqualTo(204);
        assertThat(server.read(SPACE, "in/new.txt")).isEmpty();
        assertThat(rest("GET", "/data/" + fileId, null).statusCode()).isEqualTo(404);
        assertThat(rest("GET", "/no/such/route", null).statusCode()).isEqualTo(404);
    }

    @Test
    void deprecatedEndpointsOneTriggerPolls() throws Exception {
        server.write(SPACE, "in/cat.jpg", new byte[]{1, 2});
        JsonNode files = body(rest("GET", "/files/my-space/in", null));
        assertThat(files.findValuesAsText("path")).containsExactly("/my-space/in/cat.jpg");
        JsonNode file = body(rest("GET", "/files/my-space/in/cat.jpg", null));
        assertThat(file.get(0).get("id").asText()).isEqualTo(files.get(0).get("id").asText());
        assertThat(rest("GET", "/files/my-space/nope", null).statusCode()).isEqualTo(404);

        assertThat(body(rest("GET", "/attributes/my-space/in", null)).get("type").asText()).isEqualTo("dir");
        JsonNode attrs = body(rest("GET", "/metadata/attrs/my-space/in/cat.jpg", null));
        assertThat(attrs.get("type").asText()).isEqualTo("reg");
        assertThat(attrs.get("size").asLong()).isEqualTo(2);
    }

    // ---------------------------------------------------------------------------------------------- changes

    @Test
    void changesStreamSendsLaterWritesAndEndsAfterItsTimeout() throws Exception {
        server.mkdirs(SPACE, "in");
        HttpRequest request = HttpRequest.newBuilder(uri(REST + "/changes/metadata/" + spaceId + "?timeout=1000"))
                .header("X-Auth-Token", TOKEN)
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"triggers\":[\"fileMeta\",\"fileLocation\"],"
                        + "\"fileMeta\":{\"fields\":[\"name\",\"type\"],\"always\":true},"
                        + "\"fileLocation\":{\"fields\":[\"size\"],\"always\":true}}"))
                .build();
        HttpResponse<Stream<String>> response = client.send(request, BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");

        server.write(SPACE, "in/new.txt", "hello".getBytes(StandardCharsets.UTF_8));
        long written = System.nanoTime();
        Iterator<String> lines = response.body().iterator();
        JsonNode change = json.readTree(lines.next());
        assertThat(change.get("filePath").asText()).isEqualTo("/my-space/in/new.txt");
        assertThat(change.get("fileId").asText()).isEqualTo(lookup("/my-space/in/new.txt"));
        assertThat(change.get("seq").isInt()).isTrue();
        assertThat(change.at("/fileMeta/changed").asBoolean()).isTrue();
        assertThat(change.at("/fileMeta/fields/name").asText()).isEqualTo("new.txt");
        assertThat(change.at("/fileMeta/fields/type").asText()).isEqualTo("REG");
        assertThat(change.at("/fileLocation/fields/size").asLong()).isEqualTo(5);

        List<String> rest = new ArrayList<>();
        lines.forEachRemaining(rest::add);
        long elapsedMillis = Duration.ofNanos(System.nanoTime() - written).toMillis();
        assertThat(rest).isEmpty();
        assertThat(elapsedMillis).isBetween(800L, 5000L);
        assertThat(server.requestCount("POST", REST + "/changes/")).isEqualTo(1);
    }

    @Test
    void changesStreamReplaysFromLastSeqAndChecksItsBody() throws Exception {
        server.write(SPACE, "a.txt", new byte[]{1});
        server.append(SPACE, "a.txt", new byte[]{2, 3});
        server.mkdirs(SPACE, "dir");
        HttpResponse<Stream<String>> replay = client.send(HttpRequest.newBuilder(
                uri(REST + "/changes/metadata/" + spaceId + "?timeout=200&last_seq=0"))
                .header("X-Auth-Token", TOKEN)
                .POST(BodyPublishers.ofString(
                        "{\"filters\":[\"fileMeta\",\"fileLocation\"],\"fileMeta\":{\"always\":true}}"))
                .build(), BodyHandlers.ofLines());
        List<JsonNode> changes = replay.body().map(this::parse).toList();
        assertThat(changes).extracting(change -> change.get("seq").asInt()).containsExactly(1, 2, 3);
        assertThat(changes.get(1).at("/fileMeta/changed").asBoolean()).isFalse();
        assertThat(changes.get(2).at("/fileMeta/fields/type").asText()).isEqualTo("DIR");

        assertThat(rest("POST", "/changes/metadata/" + spaceId + "?timeout=100", "{}").statusCode()).isEqualTo(400);
        assertThat(rest("POST", "/changes/metadata/" + spaceId + "?timeout=100", "{\"fileMeta\":{\"fields\":[\"x\"]}}")
                .statusCode()).isEqualTo(400);
    }

    @Test
    void javaApiAppendsAndReads() {
        server.append(SPACE, "/up/part.bin/", new byte[]{1, 2});
        server.append(spaceId, "up/part.bin", new byte[]{3});
        assertThat(server.read(SPACE, "up/part.bin")).hasValueSatisfying(
                bytes -> assertThat(bytes).containsExactly(1, 2, 3));
        assertThat(server.read(SPACE, "up")).isEmpty();
        assertThat(server.list(SPACE, "up")).containsExactly("part.bin");
        assertThat(server.list(SPACE, "nope")).isEmpty();
        assertThat(server.host()).startsWith("127.0.0.1:");
        assertThat(server.url()).isEqualTo("http://" + server.host());
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    /** A request with Alice's token; {@code body} may be {@code null}. */
    private HttpResponse<byte[]> cdmi(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("X-Auth-Token", TOKEN)
                .method(method,
                        body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    private HttpResponse<byte[]> rest(String method, String path, String body) throws IOException,
            InterruptedException {
        return cdmi(method, REST + path, body, "Authorization", "Bearer " + TOKEN);
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, BodyHandlers.ofByteArray());
    }

    private String lookup(String path) throws IOException, InterruptedException {
        return body(rest("POST", "/lookup-file-id" + path, null)).get("fileId").asText();
    }

    private String rootId(String token, String space) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri(REST + "/lookup-file-id/" + space))
                .header("X-Auth-Token", token)
                .POST(BodyPublishers.noBody())
                .build());
        assertThat(response.statusCode()).isEqualTo(200);
        return body(response).get("fileId").asText();
    }

    private URI uri(String path) {
        return URI.create(server.url() + path);
    }

    private JsonNode body(HttpResponse<byte[]> response) throws IOException {
        return json.readTree(response.body());
    }

    private JsonNode parse(String line) {
        try {
            return json.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException(line, e);
        }
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
