package io.wharf.build.podman;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import io.wharf.build.BuildConfig;
import io.wharf.build.Builder;
import io.wharf.build.context.BuildContext;
import io.wharf.contracts.build.BuildRecord;
import io.wharf.supervisor.EngineEnvironment;
import io.wharf.supervisor.ProcessRunner;
import io.wharf.supervisor.RunResult;
import io.wharf.supervisor.ShortCommand;

/**
 * {@code podman build} of one context on this machine, with the guards of an execution: the engine gets a fixed
 * environment and arguments Wharf writes (the context's folder and the Containerfile's path are Wharf's own paths,
 * the tag is Wharf's), never a user's value; each {@code RUN} step is limited in memory, CPU and processes, keeps only
 * the capabilities a build needs (podman build takes no {@code no-new-privileges}), has no network unless the operator
 * allows one, mounts nothing of the host, and may not pull: base images must be on this machine already. The whole
 * build has a deadline and a disk limit.
 * <p>
 * The disk limit is why a build has an image store of its own, in its folder: the machine's store is only read (the
 * base images, as an additional image store), every layer the build writes, and every step's files while it runs, land
 * in the build's folder, where they are measured ({@link StoreUsage}) and the build is stopped beyond the limit. A
 * build that succeeded is then copied into the machine's store (an uncompressed archive, saved and loaded), where
 * executions run it from, and pushed to its registry where the operator configured it ({@code push.enabled}). A build
 * that failed, was stopped, or was left by a crashed service goes with its folder ({@link BuildLeftovers}).
 */
public final class PodmanBuilder implements Builder {

    private static final Logger LOG = Logger.getLogger(PodmanBuilder.class);
    static final String STORE = "store";
    static final String PID_FILE = "engine.pid";
    private static final String ARCHIVE = "image.tar";
    private static final Pattern IMAGE_ID = Pattern.compile("(sha256:)?[0-9a-f]{64}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    /** A build's image, as the gateway names it: a repository, and the build's id as the tag. */
    private static final Pattern BUILD_IMAGE = Pattern.compile(
            "([a-z0-9][a-z0-9.-]{0,200}(:[0-9]{1,5})?/)?[a-z0-9][a-z0-9./_-]{0,200}:[0-9a-f]{16}");
    private static final Pattern STORE_LINE = Pattern.compile("([a-z0-9]+) (/.+)");
    private static final Duration ENGINE_COMMAND_TIMEOUT = Duration.ofMinutes(10);

    private final BuildConfig.Build config;
    private final Map<String, String> environment;
    private volatile MachineStore machineStore;

    public PodmanBuilder(BuildConfig.Build config) {
        this.config = config;
        this.environment = EngineEnvironment.fromHost();
    }

    /** The image store of this machine: its driver and folder (the build reads base images from it). */
    record MachineStore(String driver, String graphRoot) {
    }

    /** Unpacks the context into {@code dir/context} and builds it there, tagged as the record's image. */
    @Override
    public Outcome build(BuildRecord build, BuildContext context, Path folder, Path log) throws IOException,
            InterruptedException {
        // as the kernel names it in mount tables, where what a crashed build left is found again (BuildLeftovers)
        Path dir = folder.toRealPath();
        Path contextDir = dir.resolve("context");
        Files.createDirectories(contextDir);
        context.writeTo(contextDir);
        // the Containerfile is handed over under a name of Wharf's, outside the context: the engine treats some
        // names specially (a ".in" file goes through the host's C preprocessor)
        Path containerfile = dir.resolve("Containerfile.wharf");
        Files.writeString(containerfile, context.containerfile(), StandardCharsets.UTF_8);
        String tag = build.image();
        Path iid = dir.resolve("image-id");
        long limit = config.disk().asLongValue();
        Map<String, String> inFolder = withTemporaryFolder(dir);
        RunResult result = ProcessRunner.run(buildCommand(dir, containerfile, contextDir, tag, iid), inFolder, dir,
                config.timeout(), log, pid -> writePid(dir, pid), () -> {
                }, () -> StoreUsage.bytes(dir) > limit ? "used more than " + size(limit) + " of disk" : null);
        if (result.limitExceeded() != null) {
            return new Outcome(null, "the build was stopped: it " + result.limitExceeded());
        }
        if (result.timedOut()) {
            return new Outcome(null, "the build took longer than " + config.timeout());
        }
        if (!result.succeeded() || !Files.exists(iid)) {
            return new Outcome(null, "the build failed (exit " + result.exitCode() + "); see its log");
        }
        String id = Files.readString(iid, StandardCharsets.UTF_8).strip();
        if (!IMAGE_ID.matcher(id).matches()) {
            return new Outcome(null, "the engine wrote no image id");
        }
        if (!copyToMachineStore(dir, tag, log, inFolder)) {
            return new Outcome(null, "the built image could not be stored on this machine; see its log");
        }
        if (config.push().enabled()) {
            return push(dir, tag, log);
        }
        return new Outcome(id.startsWith("sha256:") ? id : "sha256:" + id, null);
    }

    /**
     * Pushes the built image under its name with the operator's credentials; the digest is the registry's. An image
     * that could not be pushed is removed again: its build failed.
     */
    private Outcome push(Path dir, String tag, Path log) throws IOException, InterruptedException {
        Path digestFile = dir.resolve("pushed-digest");
        List<String> command = new ArrayList<>(List.of(config.engine(), "push",
                "--tls-verify=" + config.push().tlsVerify(), "--digestfile=" + digestFile));
        config.push().authfile().ifPresent(f -> command.add("--authfile=" + f));
        command.add(tag);
        RunResult pushed = ProcessRunner.run(command, environment, dir, ENGINE_COMMAND_TIMEOUT, log, () -> {
        });
        String digest = Files.exists(digestFile) ? Files.readString(digestFile, StandardCharsets.UTF_8).strip() : "";
        if (pushed.succeeded() && DIGEST.matcher(digest).matches()) {
            return new Outcome(digest, null);
        }
        remove(tag);
        return new Outcome(null, "the built image could not be pushed to its registry; see its log");
    }

    /** Stops what the build left running, unmounts its store and deletes its folder. */
    @Override
    public void release(Path dir) throws IOException, InterruptedException {
        BuildLeftovers.release(dir, environment);
    }

    /** Removes a deleted build's image from the machine's store (kept while a container still runs on it). */
    @Override
    public boolean remove(String image) throws IOException, InterruptedException {
        if (!BUILD_IMAGE.matcher(image).matches()) {
            LOG.warnf("not removing %s: not the image of a build", image);
            return true;
        }
        if (!engine("image", "exists", image).succeeded()) {
            return true;
        }
        ShortCommand.Result removed = engine("image", "rm", image);
        if (removed.succeeded()) {
            LOG.infof("removed the image %s of a deleted build", image);
            return true;
        }
        LOG.warnf("the image %s of a deleted build is kept for now: %s", image, removed.output().strip());
        return false;
    }

    private ShortCommand.Result engine(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(config.engine()));
        command.addAll(List.of(arguments));
        return ShortCommand.run(command, environment, ENGINE_COMMAND_TIMEOUT);
    }

    /** The engine's command line: only Wharf's paths, the tag it made and the configured limits. */
    List<String> buildCommand(Path dir, Path containerfile, Path contextDir, String tag, Path iid)
            throws IOException, InterruptedException {
        long cpuPeriod = 100_000;
        long cpuQuota = Math.max(1_000, Math.round(config.cpus() * cpuPeriod));
        List<String> command = new ArrayList<>(ownStore(dir));
        command.addAll(List.of("build",
                "--pull=never", "--force-rm=true",
                "--network=" + config.network(),
                "--memory=" + config.memory(), "--memory-swap=" + config.memory(),
                "--cpu-period=" + cpuPeriod, "--cpu-quota=" + cpuQuota,
                "--ulimit=nproc=" + config.pids() + ":" + config.pids(),
                "--cap-drop=all", "--cap-add=CHOWN,DAC_OVERRIDE,FOWNER,SETUID,SETGID",
                "--file=" + containerfile,
                "--tag=" + tag,
                "--iidfile=" + iid,
                contextDir.toString()));
        return command;
    }

    /** The engine, pointed at the build's own store, which reads the machine's as an additional image store. */
    private List<String> ownStore(Path dir) throws IOException, InterruptedException {
        MachineStore machine = machineStore();
        return List.of(config.engine(),
                "--root=" + dir.resolve(STORE),
                "--runroot=" + runRoot(dir),
                "--storage-driver=" + machine.driver(),
                "--storage-opt=additionalimagestore=" + machine.graphRoot());
    }

    private boolean copyToMachineStore(Path dir, String tag, Path log, Map<String, String> inFolder)
            throws IOException, InterruptedException {
        Path archive = dir.resolve(ARCHIVE);
        List<String> save = new ArrayList<>(ownStore(dir));
        save.addAll(List.of("save", "--format=docker-archive", "--output=" + archive, tag));
        RunResult saved = ProcessRunner.run(save, inFolder, dir, ENGINE_COMMAND_TIMEOUT, log, () -> {
        });
        if (!saved.succeeded()) {
            return false;
        }
        RunResult loaded = ProcessRunner.run(List.of(config.engine(), "load", "--input=" + archive), inFolder, dir,
                ENGINE_COMMAND_TIMEOUT, log, () -> {
                });
        return loaded.succeeded();
    }

    private MachineStore machineStore() throws IOException, InterruptedException {
        MachineStore known = machineStore;
        if (known == null) {
            known = askMachineStore();
            machineStore = known;
        }
        return known;
    }

    private MachineStore askMachineStore() throws IOException, InterruptedException {
        ShortCommand.Result info = engine("info", "--format", "{{.Store.GraphDriverName}} {{.Store.GraphRoot}}");
        var line = STORE_LINE.matcher(info.output().strip());
        if (!info.succeeded() || !line.matches()) {
            throw new IOException("'" + config.engine() + " info' names no image store: " + info.output().strip());
        }
        return new MachineStore(line.group(1), line.group(2));
    }

    /**
     * The engine's run-time folder of a build: the engine takes at most 50 characters there, so it is not inside the
     * build's folder but named after it, in {@code /tmp}.
     */
    static Path runRoot(Path dir) {
        String key = io.wharf.contracts.Hashes.sha256Hex(dir.toAbsolutePath().normalize().toString()).substring(0, 16);
        return Path.of("/tmp", "wharf-build-" + key);
    }

    /**
     * The engine's environment with its temporary files (layers being committed, blobs being copied) in the build's
     * folder: measured with the rest, and gone with it.
     */
    private Map<String, String> withTemporaryFolder(Path dir) throws IOException {
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("TMPDIR", Files.createDirectories(dir.resolve("tmp")).toString());
        return Map.copyOf(env);
    }

    /** A size in whole GiB or MiB where it is one, else in bytes. */
    static String size(long bytes) {
        if (bytes > 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        return bytes > 0 && bytes % (1L << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    private static void writePid(Path dir, long pid) {
        try {
            Files.writeString(dir.resolve(PID_FILE), Long.toString(pid), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // the steps are still found by their mounts; only the engine itself would outlive a crash unnoticed
            LOG.warnf("cannot note the engine's pid in %s: %s", dir, e.getMessage());
        }
    }
}
