package io.wharf.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.wharf.contracts.Json;
import io.wharf.contracts.UnsafeKeyException;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeCodec;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.envelope.EventData;
import io.wharf.contracts.function.FdlReader;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.supervisor.cli.SupervisorCli;
import io.wharf.testing.Buckets;
import io.wharf.testing.MinioServer;

class SupervisorTest {

    private static MinioServer minio;
    private static MinioClient client;
    private static Supervisor supervisor;

    @TempDir
    Path dir;

    @BeforeAll
    static void startMinio(@TempDir Path minioDir) throws Exception {
        minio = new MinioServer(minioDir).start();
        client = minio.client();
        for (String bucket : List.of("inbox", "outbox", "other")) {
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
        supervisor = new Supervisor(new StorageClients(platform()));
    }

    @AfterAll
    static void stopMinio() {
        minio.stop();
    }

    @Test
    void shouldFetchKeysWithSpacesPlusAndUnicodeIntoTheInputFolder() throws Exception {
        for (String key : List.of("uploads/photo 1.jpg", "a+b.txt", "données/日本語 ✓.csv", "/leading.txt")) {
            Buckets.put(client, "inbox", key, "content of " + key);
            Workspace ws = Workspace.create(dir, "exec-" + Math.abs(key.hashCode()));

            String name = supervisor.fetch(objectEvent("inbox", key), function("echo"), ws);

            Path input = ws.inputDir().resolve(name);
            assertThat(input.getParent()).isEqualTo(ws.inputDir());
            assertThat(Files.readString(input)).isEqualTo("content of " + key);
            assertThat(Files.readString(ws.scriptFile())).isEqualTo("echo");
            assertThat(EnvelopeCodec.decode(Files.readAllBytes(ws.eventFile())).subject()).isEqualTo(key);
        }
    }

    @Test
    void shouldRefuseAKeyThatWouldEscapeTheWorkspace() {
        Workspace ws = Workspace.create(dir, "exec-escape");

        assertThatThrownBy(() -> supervisor.fetch(objectEvent("inbox", "../../etc/passwd"), function("echo"), ws))
                .isInstanceOf(UnsafeKeyException.class);
        assertThat(ws.inputDir()).isEmptyDirectory();
    }

    @Test
    void shouldMaterialiseAnInvocationBodyAsTheInputFile() throws Exception {
        Workspace ws = Workspace.create(dir, "exec-invoke");
        String body = Base64.getEncoder().encodeToString("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        Envelope invocation = Envelope.of("b".repeat(64), "api://gateway", Envelope.TYPE_INVOCATION, null,
                Instant.now(), "fn", EventData.invocation("api", body, "application/json", null));

        String name = supervisor.fetch(invocation, function("echo"), ws);

        assertThat(ws.inputDir().resolve(name)).hasContent("{\"a\":1}");
        Map<String, String> env = Supervisor.scriptEnvironment(invocation, function("echo"), "fn-1", ws.hostView(),
                name);
        assertThat(env).doesNotContainKey("STORAGE_OBJECT_KEY")
                .containsEntry("EVENT", "{\"a\":1}")
                .containsEntry("JOB_UUID", "fn-1")
                .containsEntry("OSCAR_SERVICE_NAME", "fn")
                .containsEntry("WHARF_FUNCTION", "fn")
                .containsEntry("TMP_INPUT_DIR", ws.hostView().inputDir());
        assertThat(env.get("WHARF_EVENT")).doesNotContain(body);
        assertThat(Json.json().readTree(env.get("WHARF_EVENT")).path("type").asText())
                .isEqualTo(Envelope.TYPE_INVOCATION);
    }

    @Test
    void shouldHandTheScriptTheNotificationMinioSentAsOscarDoes() throws Exception {
        Workspace ws = Workspace.create(dir, "exec-oscar-event");
        String notification = """
                {"EventName":"s3:ObjectCreated:Put","Key":"inbox/in/a+b.txt","Records":[{"eventVersion":"2.0",\
                "eventSource":"minio:s3","eventTime":"2026-12-02T10:00:00.123Z","eventName":"s3:ObjectCreated:Put",\
                "s3":{"bucket":{"name":"inbox"},"object":{"key":"in%2Fa%2Bb.txt","size":3}}}]}""";
        String source = "minio://test/inbox";
        Envelope event = Envelope.of(EnvelopeIds.forObject("fn", source, "in/a+b.txt", "v1"), source,
                Envelope.TYPE_OBJECT_CREATED, "in/a+b.txt", Instant.now(), "fn", EventData.object("minio", "default",
                        "inbox", "in/a+b.txt", 3L, null, null, Json.json().readTree(notification)));

        Map<String, String> env = Supervisor.scriptEnvironment(event, function("echo"), "fn-1", ws.hostView(),
                "a+b.txt");

        assertThat(Json.json().readTree(env.get("EVENT"))).isEqualTo(Json.json().readTree(notification));
        assertThat(env).containsEntry("STORAGE_OBJECT_KEY", "in/a+b.txt")
                .containsEntry("EVENT_TIME", "2026-12-02T10:00:00.123Z")
                .containsEntry("INPUT_FILE_PATH", ws.hostView().inputFile("a+b.txt"));
        assertThat(Json.json().readTree(env.get("WHARF_EVENT")).path("subject").asText()).isEqualTo("in/a+b.txt");
    }

    @Test
    void shouldGiveAnObjectFoundBySweepingTheNotificationMinioWouldHaveSent() throws Exception {
        Workspace ws = Workspace.create(dir, "exec-swept");

        Map<String, String> env = Supervisor.scriptEnvironment(objectEvent("inbox", "in/a b+c.txt"), function("echo"),
                "fn-1", ws.hostView(), "a b+c.txt");

        var event = Json.json().readTree(env.get("EVENT"));
        assertThat(event.path("Key").asText()).isEqualTo("inbox/in/a b+c.txt");
        assertThat(event.path("Records").path(0).path("s3").path("bucket").path("name").asText()).isEqualTo("inbox");
        assertThat(event.path("Records").path(0).path("s3").path("object").path("key").asText())
                .isEqualTo("in%2Fa+b%2Bc.txt");
        assertThat(env).containsKey("EVENT_TIME");
    }

    @Test
    void shouldLeaveEventUnsetForABinaryBody() {
        Workspace ws = Workspace.create(dir, "exec-binary");
        String body = Base64.getEncoder().encodeToString(new byte[]{(byte) 0xff, 0, 1, 2});
        Envelope invocation = Envelope.of("c".repeat(64), "api://gateway", Envelope.TYPE_INVOCATION, null,
                Instant.now(), "fn", EventData.invocation("api", body, "application/octet-stream", null));

        Map<String, String> env = Supervisor.scriptEnvironment(invocation, function("echo"), "fn-1", ws.hostView(),
                "input");

        assertThat(env).doesNotContainKey("EVENT").containsKey("WHARF_EVENT").containsKey("WHARF_EVENT_PATH");
    }

    @Test
    void shouldDeliverEveryOutputFileUnderTheOutputPathHonouringFiltersAndNeverFollowingLinks() throws Exception {
        Workspace ws = Workspace.create(dir, "exec-deliver");
        Files.writeString(ws.outputDir().resolve("result.txt"), "r");
        Files.writeString(ws.outputDir().resolve("debug.log"), "d");
        Files.createDirectories(ws.outputDir().resolve("sub dir"));
        Files.writeString(ws.outputDir().resolve("sub dir/deep é.txt"), "deep");
        Path secret = Files.writeString(dir.resolve("secret.txt"), "host secret");
        Files.createSymbolicLink(ws.outputDir().resolve("leak.txt"), secret);
        FunctionDefinition fn = FdlReader.readOne("""
                name: fn
                image: i
                script: s
                output:
                - {storage_provider: minio, path: outbox/results, suffix: [.txt]}
                - {storage_provider: minio.default, path: other}
                """);

        List<String> delivered = supervisor.deliver(fn, ws, "fn-0123456789abcdef");

        assertThat(delivered).containsExactlyInAnyOrder("outbox/results/result.txt",
                "outbox/results/sub dir/deep é.txt",
                "other/debug.log", "other/result.txt", "other/sub dir/deep é.txt");
        assertThat(Buckets.read(client, "outbox", "results/sub dir/deep é.txt")).isEqualTo("deep");
        assertThat(client.statObject(io.minio.StatObjectArgs.builder()
                .bucket("outbox")
                .object("results/result.txt")
                .build()).userMetadata()).containsEntry(Supervisor.PRODUCER_METADATA, "fn-0123456789abcdef");
    }

    @Test
    void shouldRunFetchRunDeliverAsSeparateCliCommands() throws Exception {
        Buckets.put(client, "inbox", "cli/data.txt", "one\ntwo\nthree\n");
        Path event = Files.write(dir.resolve("event.json"), EnvelopeCodec.encode(objectEvent("inbox", "cli/data.txt")));
        Path function = Files.writeString(dir.resolve("fn.json"), """
                {"name":"fn","image":"i","script":"wc -l < \\"$INPUT_FILE_PATH\\" > \\"$TMP_OUTPUT_DIR/count.txt\\"",
                 "output":[{"storage_provider":"minio","path":"outbox/cli"}]}""");
        String ws = dir.resolve("cli-ws").toString();
        Map<String, String> env = Map.of("WHARF_S3_ENDPOINT", minio.endpoint(), "WHARF_S3_ACCESS_KEY",
                MinioServer.ACCESS_KEY, "WHARF_S3_SECRET_KEY", MinioServer.SECRET_KEY);
        String[] common = {"--workspace", ws, "--event", event.toString(), "--function", function.toString()};

        assertThat(SupervisorCli.run(concat("fetch", common), env)).isZero();
        assertThat(SupervisorCli.run(concat("run", common), env)).isZero();
        assertThat(SupervisorCli.run(concat("deliver", common), env)).isZero();

        assertThat(Buckets.read(client, "outbox", "cli/count.txt").strip()).isEqualTo("3");
        assertThat(SupervisorCli.run(new String[]{"fetch"}, env)).isEqualTo(2);
    }

    private static String[] concat(String command, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = command;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static S3Endpoint platform() {
        return new S3Endpoint(minio.endpoint(), MinioServer.ACCESS_KEY, MinioServer.SECRET_KEY, null);
    }

    private static FunctionDefinition function(String script) {
        return new FunctionDefinition("fn", null, "img", script, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
    }

    private static Envelope objectEvent(String bucket, String key) {
        String source = "minio://test/" + bucket;
        return Envelope.of(EnvelopeIds.forObject("fn", source, key, "v1"), source, Envelope.TYPE_OBJECT_CREATED, key,
                Instant.now(), "fn", EventData.object("minio", "default", bucket, key, null, null, null, null));
    }
}
