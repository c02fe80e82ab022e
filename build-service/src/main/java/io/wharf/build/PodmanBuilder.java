package io.wharf.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.wharf.build.context.BuildContext;
import io.wharf.contracts.build.BuildRecord;
import io.wharf.supervisor.EngineEnvironment;
import io.wharf.supervisor.ProcessRunner;
import io.wharf.supervisor.RunResult;

/**
 * {@code podman build} of one context on this machine, with the guards of an execution: the engine gets a fixed
 * environment and arguments Wharf writes (the context's folder and the Containerfile's path are Wharf's own paths,
 * the tag is Wharf's), never a user's value; each {@code RUN} step is limited in memory, CPU and processes, keeps only
 * the capabilities a build needs (podman build takes no {@code no-new-privileges}), has no
 * network unless the operator allows one, mounts nothing of the host, and may not pull: base images must be on this
 * machine already (no registry here). The whole build has a deadline.
 */
final class PodmanBuilder implements Builder {

    private static final Pattern IMAGE_ID = Pattern.compile("(sha256:)?[0-9a-f]{64}");

    private final BuildConfig.Build config;
    private final Map<String, String> environment;

    PodmanBuilder(BuildConfig.Build config) {
        this.config = config;
        this.environment = EngineEnvironment.fromHost();
    }

    /** Unpacks the context into {@code dir/context} and builds it there, tagged as the record's image. */
    @Override
    public Outcome build(BuildRecord build, BuildContext context, Path dir, Path log) throws IOException,
            InterruptedException {
        Path contextDir = dir.resolve("context");
        Files.createDirectories(contextDir);
        context.writeTo(contextDir);
        // the Containerfile is handed over under a name of Wharf's, outside the context: the engine treats some
        // names specially (a ".in" file goes through the host's C preprocessor)
        Path containerfile = dir.resolve("Containerfile.wharf");
        Files.writeString(containerfile, context.containerfile(), StandardCharsets.UTF_8);
        String tag = build.image();
        Path iid = dir.resolve("image-id");
        long cpuPeriod = 100_000;
        long cpuQuota = Math.max(1_000, Math.round(config.cpus() * cpuPeriod));
        List<String> command = List.of(config.engine(), "build",
                "--pull=never", "--force-rm=true",
                "--network=" + config.network(),
                "--memory=" + config.memory(), "--memory-swap=" + config.memory(),
                "--cpu-period=" + cpuPeriod, "--cpu-quota=" + cpuQuota,
                "--ulimit=nproc=" + config.pids() + ":" + config.pids(),
                "--cap-drop=all", "--cap-add=CHOWN,DAC_OVERRIDE,FOWNER,SETUID,SETGID",
                "--file=" + containerfile,
                "--tag=" + tag,
                "--iidfile=" + iid,
                contextDir.toString());
        RunResult result = ProcessRunner.run(command, environment, dir, config.timeout(), log,
                () -> {
                });
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
        return new Outcome(id.startsWith("sha256:") ? id : "sha256:" + id, null);
    }
}
