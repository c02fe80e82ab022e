package io.wharf.build;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.wharf.jetstream.NatsConfig;

/** Everything the build service can be told, under {@code wharf.*}. */
@ConfigMapping(prefix = "wharf")
public interface BuildConfig {

    NatsConfig nats();

    Build build();

    interface Build {

        /** How builds run: {@code podman} (this machine) or {@code kaniko} (a Kaniko Job on Kubernetes). */
        @WithDefault("podman")
        Executor executor();

        /** Kaniko Jobs ({@code executor=kaniko}). */
        Kubernetes kubernetes();

        /**
         * The engine that builds on this machine ({@code podman build}); nothing a user gives reaches its arguments.
         */
        @WithDefault("podman")
        String engine();

        /** Builds at once. */
        @WithDefault("1")
        int concurrency();

        /** The longest a build may take; it is stopped then, and fails. */
        @WithDefault("15M")
        Duration timeout();

        /** Memory of each {@code RUN} step (the engine's {@code --memory}, swap included). */
        @WithDefault("1g")
        String memory();

        /** CPU of each {@code RUN} step, in cores. */
        @WithDefault("1")
        double cpus();

        /**
         * The disk a build may take: the layers it writes and its steps' files while they run (its own image store),
         * beyond which it is stopped and fails.
         */
        @WithDefault("10G")
        MemorySize disk();

        /** Processes of each {@code RUN} step. */
        @WithDefault("1024")
        int pids();

        /**
         * The network of each {@code RUN} step: {@code none} (default: a build gets no network) or {@code private}
         * (for builds that install packages from the network, where the operator allows it).
         */
        @WithDefault("none")
        String network();

        /** Pushing built images to a registry, on one machine (Kaniko builds are always pushed). */
        Push push();

        /** Where contexts are unpacked while they build (under a folder of each build's own). */
        Optional<Path> workDir();

        /** The longest build log kept. */
        @WithDefault("1048576")
        int maxLogBytes();
    }

    /**
     * A podman build pushed once built: the image keeps the name the gateway gave it, so the gateway's
     * {@code wharf.gateway.build-images} names the registry's repository (e.g. {@code registry.lab:5000/wharf}).
     */
    interface Push {

        /** Whether built images are pushed; a build whose push fails fails. */
        @WithDefault("false")
        boolean enabled();

        /** The operator's registry credentials (a containers {@code auth.json}); none: the engine's own. */
        Optional<Path> authfile();

        /** Whether the registry's TLS certificate is checked; {@code false} only for a plain-HTTP test registry. */
        @WithDefault("true")
        boolean tlsVerify();
    }

    /** Where builds run. */
    enum Executor {
        podman, kaniko
    }

    /** Kaniko Jobs: where they run, what they push to, what they may use. */
    interface Kubernetes {

        /** The namespace of the build Jobs (it enforces the {@code baseline} Pod Security Standard). */
        @WithDefault("wharf-builds")
        String namespace();

        /** Kaniko's image. */
        @WithDefault("gcr.io/kaniko-project/executor:v1.23.2")
        String executorImage();

        /**
         * The image that pushes a build ({@code crane push}); it alone has the push credentials, never Kaniko, whose
         * {@code RUN} lines run user code.
         */
        @WithDefault("gcr.io/go-containerregistry/crane:v0.20.2")
        String pusherImage();

        /** The registry repository images are pushed below (the gateway's {@code build-images}). */
        @WithDefault("registry.example.org/wharf-builds")
        String registry();

        /** The Secret (type {@code kubernetes.io/dockerconfigjson}) with the registry's push credentials. */
        @WithDefault("wharf-build-registry")
        String registrySecret();

        /**
         * A Secret (type {@code kubernetes.io/dockerconfigjson}) Kaniko pulls base images with, when they are in a
         * private registry; none by default. A build's {@code RUN} lines can read it: give it read access only.
         */
        Optional<String> pullSecret();

        @WithDefault("1")
        String cpu();

        @WithDefault("2Gi")
        String memory();

        @WithDefault("4Gi")
        String ephemeralStorage();

        /** How long a finished Job stays. */
        @WithDefault("1H")
        Duration ttlAfterFinished();
    }
}
