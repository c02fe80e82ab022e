package io.wharf.build;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;

/** The build service's settings for tests: what a test varies, the defaults for the rest. */
public record TestBuildConfig(BuildConfig.Executor executor, BuildConfig.Kubernetes kubernetes, MemorySize disk,
        BuildConfig.Push push, Optional<Path> workDir) implements BuildConfig.Build {

    private static final Push NO_PUSH = new Push(false, Optional.empty(), true);

    /** Podman builds in {@code workDir}, limited to {@code diskMiB} of disk, not pushed. */
    public static TestBuildConfig podman(Path workDir, long diskMiB) {
        return new TestBuildConfig(BuildConfig.Executor.podman, null,
                new MemorySize(BigInteger.valueOf(diskMiB << 20)), NO_PUSH, Optional.of(workDir));
    }

    /** The same, pushed as {@code push} says. */
    public TestBuildConfig pushing(Push push) {
        return new TestBuildConfig(executor, kubernetes, disk, push, workDir);
    }

    /** Kaniko Jobs with these Kubernetes settings. */
    public static TestBuildConfig kaniko(BuildConfig.Kubernetes kubernetes) {
        return new TestBuildConfig(BuildConfig.Executor.kaniko, kubernetes,
                new MemorySize(BigInteger.valueOf(1L << 30)), NO_PUSH, Optional.empty());
    }

    /** Pushing built images. */
    public record Push(boolean enabled, Optional<Path> authfile, boolean tlsVerify) implements BuildConfig.Push {
    }

    /** The Kubernetes settings of a build service, as its configuration would give them. */
    public record Kubernetes(String namespace, String executorImage, String pusherImage, String registry,
            String registrySecret, Optional<String> pullSecret, String cpu, String memory, String ephemeralStorage,
            Duration ttlAfterFinished) implements BuildConfig.Kubernetes {
    }

    @Override
    public String engine() {
        return "podman";
    }

    @Override
    public int concurrency() {
        return 1;
    }

    @Override
    public Duration timeout() {
        return Duration.ofMinutes(5);
    }

    @Override
    public String memory() {
        return "256m";
    }

    @Override
    public double cpus() {
        return 1;
    }

    @Override
    public int pids() {
        return 256;
    }

    @Override
    public String network() {
        return "none";
    }

    @Override
    public int maxLogBytes() {
        return 1 << 20;
    }
}
