package io.wharf.dispatcher.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.minio.MakeBucketArgs;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.envelope.EventData;
import io.wharf.contracts.function.FdlReader;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.dispatcher.execution.FunctionLimits;
import io.wharf.supervisor.S3Endpoint;
import io.wharf.testing.Buckets;
import io.wharf.testing.MinioServer;

/**
 * The pod of an execution's Job really runs: its template, as the executor makes it, played by a test kubelet
 * ({@link PodPlayer}: {@code podman run} per container, in the pod's order, with its volumes, Secrets and security
 * context) against a real MinIO, with the supervisor's image built from its Dockerfile on the Java base image
 * {@code ./wharf install} makes. The fetch step downloads the input, the function's image runs the script with
 * {@code /bin/sh}, and the deliver step uploads the output and reports its key as the termination message.
 */
class PodShapeTest {

    private static final String SUPERVISOR_IMAGE = "localhost/wharf/supervisor:pod-shape-test";
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    private static MinioServer minio;

    @BeforeAll
    static void buildTheSupervisorsImageAndStartMinio(@TempDir Path dir) throws Exception {
        Process build = new ProcessBuilder("podman", "build", "-q", "--pull=never", "--build-arg",
                "BASE_IMAGE=localhost/wharf-java:17", "-t", SUPERVISOR_IMAGE, "-f",
                REPO.resolve("supervisor/src/main/docker/Dockerfile").toString(), REPO.resolve("supervisor")
                        .toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(build.waitFor()).as("podman build of the supervisor's image (./wharf install makes its base):%n%s",
                output).isZero();
        minio = new MinioServer(dir.resolve("minio")).start();
        minio.client().makeBucket(MakeBucketArgs.builder().bucket("pod-data").build());
    }

    @AfterAll
    static void stopMinio() {
        if (minio != null) {
            minio.close();
        }
    }

    @Test
    void shouldFetchRunTheScriptInTheFunctionsImageAndDeliverItsOutput(@TempDir Path dir) throws Exception {
        Buckets.put(minio.client(), "pod-data", "in/hello world.txt", "hello from a pod\n");
        FunctionDefinition fn = function("pod-upper", "echo \"script as $(id -u) in $PWD\"\n"
                + "tr a-z A-Z < \"$INPUT_FILE_PATH\" > \"$TMP_OUTPUT_DIR/upper.txt\"\n");

        List<PodPlayer.Step> steps = play(dir, fn, "in/hello world.txt");

        assertThat(steps).as("%s", steps).extracting(PodPlayer.Step::name).containsExactly("fetch", "run", "deliver");
        assertThat(steps).allSatisfy(s -> assertThat(s.exitCode()).as(s.name() + ": " + s.log()).isZero());
        assertThat(steps.get(1).log()).contains("script as 65534 in /wharf");
        assertThat(Buckets.read(minio.client(), "pod-data", "out/upper.txt")).isEqualTo("HELLO FROM A POD\n");
        // the dispatcher reads the outputs from the deliver step's termination message
        assertThat(steps.get(2).terminationMessage()).isEqualTo("pod-data/out/upper.txt\n");
    }

    @Test
    void shouldStopThePodAtAFailingScriptWithItsExitCodeAndDeliverNothing(@TempDir Path dir) throws Exception {
        Buckets.put(minio.client(), "pod-data", "in/fails.txt", "x");
        FunctionDefinition fn = function("pod-fails", "echo partial > \"$TMP_OUTPUT_DIR/partial.txt\"\nexit 3\n");

        List<PodPlayer.Step> steps = play(dir, fn, "in/fails.txt");

        assertThat(steps).extracting(PodPlayer.Step::name, PodPlayer.Step::exitCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("fetch", 0),
                        org.assertj.core.groups.Tuple.tuple("run", 3));
        assertThat(Files.readString(dir.resolve("volumes/workspace/sandbox/.wharf-exit-code")).strip())
                .isEqualTo("3");
        assertThat(minio.client()
                .listObjects(io.minio.ListObjectsArgs.builder()
                        .bucket("pod-data")
                        .prefix("out/partial")
                        .build()))
                .isEmpty();
    }

    private List<PodPlayer.Step> play(Path dir, FunctionDefinition fn, String key) throws Exception {
        String source = "minio://test/pod-data";
        Envelope envelope = Envelope.of(EnvelopeIds.forObject(fn.name(), source, key, Instant.now().toString()),
                source, Envelope.TYPE_OBJECT_CREATED, key, Instant.now(), fn.name(),
                EventData.object("minio", "default", "pod-data", key, null, null, null, null));
        String executionId = EnvelopeIds.executionId(fn.name(), envelope.id());
        FunctionLimits limits = new FunctionLimits("1", "256Mi", Duration.ofMinutes(5));
        JobPlan plan = new JobPlan(executionId, fn.name(), fn.uid(), fn.image(), limits.cpuMillis(fn),
                limits.memoryBytes(fn), false, Duration.ofMinutes(5), List.of());
        ExecutionJobs jobs = new ExecutionJobs(TestCluster.config("wharf-executions", Optional.of(65534L),
                Duration.ofMinutes(5)).withSupervisorImage(SUPERVISOR_IMAGE));
        PodSpec pod = jobs.job(plan).getSpec().getTemplate().getSpec();
        S3Endpoint store = new S3Endpoint(minio.endpoint(), MinioServer.ACCESS_KEY, MinioServer.SECRET_KEY,
                "us-east-1");
        return new PodPlayer(dir, "wharf-pod-" + executionId, List.of(ExecutionSecrets.storage(fn,
                Optional.of(store)), ExecutionSecrets.execution(plan, envelope, fn))).play(pod);
    }

    private static FunctionDefinition function(String name, String script) {
        StringBuilder yaml = new StringBuilder("name: " + name + "\nimage: localhost/wharf-busybox:1\nscript: |\n");
        script.lines().forEach(l -> yaml.append("  ").append(l).append('\n'));
        yaml.append("input: [{storage_provider: minio, path: pod-data/in}]\n")
                .append("output: [{storage_provider: minio, path: pod-data/out}]\n");
        return FdlReader.readOne(yaml.toString()).managedBy("alice", "t".repeat(32), "0123456789abcdef", 1);
    }
}
