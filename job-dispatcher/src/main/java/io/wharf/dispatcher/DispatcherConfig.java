package io.wharf.dispatcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.wharf.jetstream.NatsConfig;

/** Everything the dispatcher can be told, under {@code wharf.*}. */
@ConfigMapping(prefix = "wharf")
public interface DispatcherConfig {

    NatsConfig nats();

    Storage storage();

    Dispatcher dispatcher();

    Secrets secrets();

    interface Secrets {

        /**
         * Key sealing function secrets in the functions bucket: base64 of 32 random bytes, the same for every service.
         * Never logged.
         */
        String key();
    }

    interface Storage {

        /**
         * The platform's MinIO, where {@code minio}/{@code minio.default} inputs and outputs live. The dispatcher has
         * no keys of its own for it: each execution uses its function's credentials, limited to its inputs and
         * outputs, which the gateway issues.
         */
        String endpoint();

        @WithDefault("us-east-1")
        String region();

        /**
         * Whether a function's own storage providers may point at loopback, link-local or private addresses. Off: a
         * function's owner could otherwise make the dispatcher dial the platform's internal services.
         */
        @WithDefault("false")
        boolean allowPrivateEndpoints();
    }

    interface Dispatcher {

        /**
         * {@code container} (Podman or Docker); {@code kubernetes}, one Job per execution (docs/kubernetes.md); or
         * {@code process}: a local process, for trusted single-user use only (no CPU, memory or network limit;
         * docs/security.md). Never chosen for you.
         */
        @WithDefault("container")
        ExecutorKind executor();

        /** Executions running at once on this dispatcher. */
        @WithDefault("2")
        int concurrency();

        /** Where executions' workspaces live; removed when an execution ends. */
        Optional<Path> workDir();

        /** Timeout of a function that sets none. */
        @WithDefault("300S")
        Duration defaultTimeout();

        /** CPU limit of a function that sets none. */
        @WithDefault("1")
        String defaultCpu();

        /** Memory limit of a function that sets none. */
        @WithDefault("512Mi")
        String defaultMemory();

        /**
         * Failures of the platform one execution may meet before it is dead-lettered (outages do not count; a
         * failing script is final at once).
         */
        @WithDefault("5")
        int maxDeliver();

        /** How long JetStream waits for a sign of life before delivering an envelope again. */
        @WithDefault("30S")
        Duration ackWait();

        /** Delays before the 1st, 2nd, ... retry after a platform failure; the last one repeats. */
        @WithDefault("2S,10S,30S")
        List<Duration> retryBackoff();

        /**
         * How long an execution waits before trying again while storage, NATS or the engine is unavailable. Outages
         * do not count towards {@code max-deliver}: the execution waits as long as the outage lasts.
         */
        @WithDefault("15S")
        Duration outageRetry();

        /**
         * How much a script may write into its workspace (and into any one file): the run is killed past it. Its
         * {@code /tmp} is limited by {@code container.tmp-size}.
         */
        @WithDefault("1G")
        MemorySize maxWorkspaceSize();

        /** The longest log kept of an execution, in bytes; the middle of a longer one is cut. */
        @WithDefault("8388608")
        long maxLogBytes();

        /**
         * How often the log of a running execution is stored (when it grew), so that its log can be followed while it
         * runs ({@code GET /system/logs/<function>/<execution>}, the web UI); {@code 0S}: only once it ended.
         */
        @WithDefault("2S")
        Duration liveLogInterval();

        /** Identity of this dispatcher in execution records; host name and pid when absent. */
        Optional<String> instanceId();

        /** How often the capacity report is published on {@code wharf.capacity}. */
        @WithDefault("15S")
        Duration capacityInterval();

        Container container();

        Process process();

        Kubernetes kubernetes();
    }

    /** The Kubernetes executor: one Job per execution, in the dispatcher's namespace. */
    interface Kubernetes {

        /** Where the executions' Jobs, and their Secrets, live; the dispatcher's own namespace when unset. */
        Optional<String> namespace();

        /** The supervisor's image: it fetches the input before the script and delivers the outputs after it. */
        @WithDefault("localhost/wharf-supervisor:latest")
        String supervisorImage();

        /**
         * The uid the pods run as. Unset on OpenShift, whose {@code restricted-v2} SCC assigns one from the
         * namespace's range; set (65534) where images run as root by default and nothing assigns a uid.
         */
        Optional<Long> runAsUser();

        /** How long a finished Job (and its pod and log) stays for inspection before Kubernetes removes it. */
        @WithDefault("1H")
        Duration ttlAfterFinished();

        /** The extended resource a function with {@code enable_gpu} asks one of. */
        @WithDefault("nvidia.com/gpu")
        String gpuResource();

        /** Node labels every execution's pod must match, e.g. {@code wharf.io/role=worker}. */
        Map<String, String> nodeSelector();

        /** The CPU the supervisor's containers (fetch, deliver) request: what the scheduler counts. */
        @WithDefault("100m")
        String supervisorCpu();

        /**
         * The CPU the supervisor's containers may use: a Java process held to its request starts slowly (at 100m, a
         * step takes some 20 s instead of 3 s), so it may burst above it.
         */
        @WithDefault("1")
        String supervisorCpuLimit();

        /** The supervisor's containers' memory, requested and limited. */
        @WithDefault("256Mi")
        String supervisorMemory();

        /**
         * How long an execution's pod may take to start its script (scheduling, pulling images, fetching the input):
         * past it, the attempt is a platform failure naming why the pod waits, and its Job is removed.
         */
        @WithDefault("5M")
        Duration pendingLimit();

        /**
         * Where executions wait when no node has room for them: {@code jetstream} (their envelopes stay queued, no
         * pod is created until a node has room) or {@code pods} (their Jobs are created and their pods wait, Pending,
         * where a cluster autoscaler sees them; set {@code pending-limit} long enough for it to add nodes).
         */
        @WithDefault("jetstream")
        QueueMode queue();

        /**
         * Volumes functions may mount ({@code volumes:} in their definition), by name: each a PersistentVolumeClaim
         * in the executions' namespace (an NFS or pNFS share is offered as a PersistentVolume bound to a claim), and
         * who may mount it. E.g. {@code wharf.dispatcher.kubernetes.volumes.euclid-vis.claim=euclid-vis},
         * {@code ...users=alice,bob}.
         */
        Map<String, OfferedVolume> volumes();
    }

    /** A volume the operators offer to functions. */
    interface OfferedVolume {

        /** The PersistentVolumeClaim, in the executions' namespace. */
        String claim();

        /** The users whose functions may mount it; {@code *} for every user. */
        List<String> users();

        /** Whether a function may mount it read-write ({@code read_only: false}); read-only otherwise. */
        @WithDefault("false")
        boolean writable();
    }

    enum QueueMode {
        jetstream, pods
    }

    interface Container {

        /** The engine's CLI: {@code podman} or {@code docker}. */
        @WithDefault("podman")
        String engine();

        /** The network executions join: {@code none} keeps scripts off the network. */
        @WithDefault("none")
        String network();

        /** The user scripts run as inside the container; never root. */
        @WithDefault("65534:65534")
        String user();

        @WithDefault("512")
        int pidsLimit();

        /** The size of the script's {@code /tmp} (memory, counted in its memory limit); the rest is read-only. */
        @WithDefault("64M")
        MemorySize tmpSize();

        default long tmpBytes() {
            return tmpSize().asLongValue();
        }

        /** Warm workers: running containers a function may reuse for many executions ({@code docs/warm-workers.md}). */
        Warm warm();
    }

    interface Warm {

        /** How long a warm worker may stay idle before it stops. */
        @WithDefault("5M")
        Duration idleTimeout();

        /**
         * How many warm workers may run at once, idle or busy, each a container with its function's limits. When all
         * are busy, an execution runs in a container of its own.
         */
        @WithDefault("8")
        int maxWorkers();
    }

    interface Process {

        /** When the dispatcher runs as root, scripts run as this uid:gid instead (through setpriv). */
        @WithDefault("65534:65534")
        String user();
    }

    enum ExecutorKind {
        container, process, kubernetes
    }
}
