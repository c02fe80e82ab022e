package io.wharf.build.podman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.wharf.build.BuildConfig;
import io.wharf.build.Builder;
import io.wharf.build.TestBuildConfig;
import io.wharf.build.context.BuildContext;
import io.wharf.contracts.build.BuildRecord;
import io.wharf.testing.Binaries;
import io.wharf.testing.FreePorts;
import io.wharf.testing.ServerProcess;

/**
 * {@link PodmanBuilder} with the real engine: a build gets its own image store, so the disk it takes is measured and
 * limited, the image it made reaches the machine's store, and what a crashed build service left behind (the engine,
 * a step still running, mounts) is stopped and removed. Needs Podman and the local base image
 * ({@code ./wharf test} makes both).
 */
class PodmanBuilderTest {

    private static final String BASE = "localhost/wharf-busybox:1";
    private static final String REPOSITORY = "localhost/wharf-builds-test/u" + UUID.randomUUID()
            .toString()
            .substring(0, 8);

    @TempDir
    static Path work;

    @BeforeAll
    static void engineAndBaseImage() throws Exception {
        assertThat(engine("image", "exists", BASE)).as("the base image %s (./wharf test makes it)", BASE).isZero();
    }

    @AfterAll
    static void removeImages() throws Exception {
        engine("image", "rm", "--force", REPOSITORY + ":ok", REPOSITORY + ":big");
    }

    @Test
    void aBuildReachesTheMachineStoreAndLeavesNothingBehind() throws Exception {
        PodmanBuilder builder = new PodmanBuilder(config(64));
        Path dir = Files.createDirectories(work.resolve("ok"));
        Builder.Outcome outcome = builder.build(record(REPOSITORY + ":ok"), context("FROM " + BASE
                + "\nRUN echo built-here > /etc/greeting\n"), dir, dir.resolve("build.log"));

        assertThat(outcome.failure()).as(log(dir)).isNull();
        assertThat(outcome.digest()).startsWith("sha256:");
        assertThat(output("run", "--rm", "--network=none", REPOSITORY + ":ok", "cat", "/etc/greeting"))
                .isEqualTo("built-here");
        assertThat(output("image", "inspect", "--format", "{{.Id}}", REPOSITORY + ":ok"))
                .isEqualTo(outcome.digest().substring("sha256:".length()));

        builder.release(dir);
        assertThat(dir).doesNotExist();
    }

    @Test
    void aBuildThatWritesMoreThanItsDiskIsStopped() throws Exception {
        PodmanBuilder builder = new PodmanBuilder(config(16));
        Path dir = Files.createDirectories(work.resolve("big"));
        // 200 MiB, written slowly enough for the check to catch it long before it ends
        Builder.Outcome outcome = builder.build(record(REPOSITORY + ":big"), context("FROM " + BASE
                + "\nRUN for i in $(seq 1 200); do dd if=/dev/zero of=/fill.$i bs=1M count=1 2>/dev/null;"
                + " sleep 0.05; done\n"), dir, dir.resolve("build.log"));

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.failure()).isEqualTo("the build was stopped: it used more than 16 MiB of disk");
        assertThat(engine("image", "exists", REPOSITORY + ":big")).as("no image of a stopped build").isNotZero();

        builder.release(dir);
        assertThat(dir).doesNotExist();
        assertThat(BuildLeftovers.mountsBelow(dir, Path.of("/proc/self/mountinfo"))).isEmpty();
    }

    @Test
    void aBuildIsPushedToTheConfiguredRegistryAndAFailedPushFailsTheBuild() throws Exception {
        int port = FreePorts.next();
        Path root = Files.createDirectories(work.resolve("registry"));
        Files.writeString(root.resolve("config.yml"), """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:%d
                """.formatted(root.resolve("data"), port));
        String repository = "127.0.0.1:" + port + "/wharf-builds/utest";
        try (ServerProcess registry = new ServerProcess("registry", List.of(Binaries.find("registry").toString(),
                "serve", root.resolve("config.yml").toString()), Map.of(), port, root.resolve("registry.log"))
                .start(Duration.ofSeconds(30))) {
            PodmanBuilder builder = new PodmanBuilder(TestBuildConfig.podman(work, 64)
                    .pushing(new TestBuildConfig.Push(true, Optional.empty(), false)));
            Path dir = Files.createDirectories(work.resolve("pushed"));
            BuildRecord build = record(repository + ":0123456789abcdef");

            Builder.Outcome outcome = builder.build(build, context("FROM " + BASE
                    + "\nRUN echo pushed > /etc/greeting\n"), dir, dir.resolve("build.log"));

            assertThat(outcome.failure()).as(log(dir)).isNull();
            HttpResponse<Void> manifest = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + port + "/v2/wharf-builds/utest/manifests/0123456789abcdef"))
                            .header("Accept", "application/vnd.oci.image.manifest.v1+json, "
                                    + "application/vnd.docker.distribution.manifest.v2+json")
                            .GET()
                            .build(), HttpResponse.BodyHandlers.discarding());
            assertThat(manifest.statusCode()).isEqualTo(200);
            assertThat(manifest.headers().firstValue("Docker-Content-Digest")).as("the registry's digest")
                    .contains(outcome.digest());
            assertThat(engine("image", "rm", build.image())).isZero();
            builder.release(dir);
        }

        // the registry is gone now: the push fails, and so does the build, leaving no image
        PodmanBuilder builder = new PodmanBuilder(TestBuildConfig.podman(work, 64)
                .pushing(new TestBuildConfig.Push(true, Optional.empty(), false)));
        Path dir = Files.createDirectories(work.resolve("unpushed"));
        BuildRecord build = record(repository + ":fedcba9876543210");
        Builder.Outcome failed = builder.build(build, context("FROM " + BASE + "\nRUN true\n"), dir,
                dir.resolve("build.log"));
        assertThat(failed.failure()).isEqualTo("the built image could not be pushed to its registry; see its log");
        assertThat(engine("image", "exists", build.image())).isNotZero();
        builder.release(dir);
    }

    /**
     * The service crashes mid-build and its engine is killed: the step the engine ran runs on, with its mounts.
     * {@code release} finds the step by the mounts it runs on, stops it, unmounts, and removes the folders.
     */
    @Test
    void whatACrashedServiceLeftIsStoppedAndRemoved() throws Exception {
        PodmanBuilder builder = new PodmanBuilder(config(64));
        Path dir = Files.createDirectories(work.resolve("crashed"));
        Path context = Files.createDirectories(dir.resolve("context"));
        Path containerfile = dir.resolve("Containerfile.wharf");
        // a duration no other process here sleeps for marks the step
        String marker = "sleep " + (600 + new java.util.Random().nextInt(100_000));
        Files.writeString(containerfile, "FROM " + BASE + "\nRUN " + marker + "\n");
        List<String> command = builder.buildCommand(dir, containerfile, context, REPOSITORY + ":crashed",
                dir.resolve("image-id"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("build.log").toFile());
        Process engine = pb.start();
        Files.writeString(dir.resolve(PodmanBuilder.PID_FILE), Long.toString(engine.pid()));
        await().atMost(Duration.ofMinutes(2)).until(() -> step(marker).isPresent());
        ProcessHandle step = step(marker).orElseThrow();
        // the service dies, and with it the engine (SIGKILL, the engine alone): its step runs on, found only by the
        // mounts it runs on
        engine.toHandle().destroyForcibly();
        assertThat(engine.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(step.isAlive()).as("the step outlives its engine").isTrue();
        assertThat(BuildLeftovers.mountsBelow(dir, Path.of("/proc/self/mountinfo"))).isNotEmpty();
        // the step's root is the very overlay mounted below the folder (how it is found even where the engine gave the
        // overlay relative paths); the folder's other mounts (a bind mount of the host's disk) are not taken for one
        BuildLeftovers.MountLine root = Files.readAllLines(Path.of("/proc/" + step.pid() + "/mountinfo"))
                .stream()
                .map(BuildLeftovers.MountLine::parse)
                .filter(m -> m != null && m.point().equals("/"))
                .findFirst()
                .orElseThrow();
        assertThat(BuildLeftovers.overlayDevicesBelow(dir.toRealPath(), Path.of("/proc/self/mountinfo")))
                .containsExactly(root.device());

        builder.release(dir);

        assertThat(step.onExit().get(30, TimeUnit.SECONDS).isAlive()).as("the step is stopped").isFalse();
        assertThat(BuildLeftovers.mountsBelow(dir, Path.of("/proc/self/mountinfo"))).isEmpty();
        assertThat(dir).doesNotExist();
        assertThat(PodmanBuilder.runRoot(dir)).doesNotExist();
    }

    private static Optional<ProcessHandle> step(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> cmdline(p.pid()).equals(marker + " "))
                .findFirst();
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static BuildRecord record(String image) {
        return new BuildRecord(BuildRecord.idOfImage(image), "alice", BuildRecord.RUNNING, image, null, null, "h", 1,
                "Containerfile", Instant.now(), Instant.now(), null, 1, List.of());
    }

    private static BuildContext context(String containerfile) {
        return new BuildContext(List.of(new BuildContext.Entry("Containerfile", false, false,
                containerfile.getBytes(StandardCharsets.UTF_8))), "Containerfile");
    }

    private static String log(Path dir) throws IOException {
        Path log = dir.resolve("build.log");
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }

    private static int engine(String... args) throws Exception {
        Process p = new ProcessBuilder(Stream.concat(Stream.of("podman"), Stream.of(args)).toList())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor(2, TimeUnit.MINUTES) ? p.exitValue() : -1;
    }

    private static String output(String... args) throws Exception {
        Process p = new ProcessBuilder(Stream.concat(Stream.of("podman"), Stream.of(args)).toList())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor(2, TimeUnit.MINUTES);
        return out;
    }

    private static BuildConfig.Build config(long diskMiB) {
        return TestBuildConfig.podman(work, diskMiB);
    }
}
