package io.wharf.build.kaniko;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

/**
 * The Kubernetes Job of one build: Kaniko's executor builds the image from a build context into an archive, and a
 * second container pushes that archive to the configured registry; the digest comes back as the pusher's termination
 * message ({@link #digestOf}).
 * <p>
 * The pod's shape, and why:
 * <ul>
 * <li>Kaniko runs as the pod's init container, with {@code --no-push} and {@code --tar-path}: the image goes to an
 * {@code emptyDir} ({@code /image}), never to a registry from there. Kaniko runs the Containerfile's {@code RUN} lines
 * in its own container, so they could read anything it has: it has no push credentials. Only when the operator names
 * a pull Secret (base images in a private registry) are those read-only credentials mounted as
 * {@code /kaniko/.docker/config.json};</li>
 * <li>the pusher ({@code crane push}, an image of Wharf's choosing, never user code) runs after Kaniko ended well,
 * as a non-root user with a read-only root and no capabilities; it alone has the push credentials, a
 * {@code kubernetes.io/dockerconfigjson} Secret mounted read-only, and writes the pushed reference with its digest
 * to its termination log ({@code --image-refs}, the {@code File} policy: a failing push never has its log read as
 * one);</li>
 * <li>the build context is a ConfigMap's {@code binaryData} key {@code context.tar.gz}, mounted read-only at
 * {@code /workspace}; Kaniko unpacks it itself ({@code --context=tar://...}); no service account token reaches the
 * pod;</li>
 * <li>CPU, memory and ephemeral storage are requested as much as limited (Kaniko unpacks every layer into its own
 * root file system, which counts as ephemeral storage), the archive's {@code emptyDir} has the same size limit, and
 * the Job is killed at its deadline, never retried.</li>
 * </ul>
 * <p>
 * <b>The build namespace must enforce the {@code baseline} Pod Security Standard, not {@code restricted}.</b> Kaniko
 * runs as root inside its container: it unpacks the base image over its own root file system and runs the
 * Containerfile's {@code RUN} lines there, with the owners the image's files have. {@code restricted} refuses a pod
 * that may run as root and any added capability. The pod still gives up what it does not need: no privilege
 * escalation, every capability dropped but the five file-owner ones Kaniko uses ({@code CHOWN},
 * {@code DAC_OVERRIDE}, {@code FOWNER}, {@code SETUID}, {@code SETGID}, all within {@code baseline}), the runtime's
 * default seccomp profile, no host path, not privileged. Since the pod runs user code as root, the build namespace
 * should hold nothing but builds.
 */
public final class KanikoJobs {

    /** The executor image when none is configured: pinned, never {@code latest}. */
    public static final String DEFAULT_EXECUTOR_IMAGE = "gcr.io/kaniko-project/executor:v1.23.2";
    /** The key of the build context in its ConfigMap's {@code binaryData}. */
    public static final String CONTEXT_KEY = "context.tar.gz";
    /** The key of the push credentials in their {@code kubernetes.io/dockerconfigjson} Secret. */
    public static final String DOCKER_CONFIG_KEY = ".dockerconfigjson";
    /** The pusher image when none is configured: pinned, never {@code latest}. */
    public static final String DEFAULT_PUSHER_IMAGE = "gcr.io/go-containerregistry/crane:v0.20.2";
    /** The name of Kaniko's (init) container in the pod. */
    public static final String CONTAINER = "kaniko";
    /** The name of the container that pushes the built image. */
    public static final String PUSH_CONTAINER = "push";

    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "wharf-build-service";
    public static final String BUILD_LABEL = "wharf.io/build";

    static final String CONTEXT_DIRECTORY = "/workspace";
    static final String DOCKER_CONFIG_DIRECTORY = "/kaniko/.docker";
    static final String IMAGE_DIRECTORY = "/image";
    static final String IMAGE_ARCHIVE = IMAGE_DIRECTORY + "/image.tar";
    static final String PUSH_CREDENTIALS_DIRECTORY = "/push-credentials";
    static final String TERMINATION_LOG = "/dev/termination-log";
    /** The pusher's user (distroless {@code nonroot}); the pod's volumes are given its group. */
    static final long PUSHER_USER = 65532;
    /** The pusher only reads the archive and streams it out. */
    private static final Map<String, String> PUSHER_RESOURCES = Map.of("cpu", "500m", "memory", "256Mi",
            "ephemeral-storage", "64Mi");
    /** The capabilities Kaniko needs to give unpacked and built files their owners and modes. */
    static final List<String> CAPABILITIES = List.of("CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID");

    /** At most 51 characters: the Job's name ({@code wharf-build-} and the id) is also a label value (63). */
    private static final Pattern BUILD_ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,49}[a-z0-9])?");
    private static final Pattern OBJECT_NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");
    private static final Pattern PATH_SEGMENT = Pattern.compile("[A-Za-z0-9._-]{1,255}");
    private static final Pattern IMAGE_REFERENCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}");
    /** What the pusher writes: the repository it pushed to, and the digest. */
    private static final Pattern PUSHED_REFERENCE = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9._/:-]{0,254}@(sha256:[0-9a-f]{64})");
    /** What may follow the registry in a destination: path components, then a tag and a digest, each optional. */
    private static final Pattern INSIDE_REGISTRY = Pattern.compile(
            "(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[0-9a-f]{64})?");

    private final Settings settings;

    public KanikoJobs(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Where and how builds run on Kubernetes.
     *
     * @param namespace the build namespace; it must enforce {@code baseline}, see {@link KanikoJobs}
     * @param executorImage Kaniko's executor image, {@link #DEFAULT_EXECUTOR_IMAGE} unless configured
     * @param pusherImage the image whose {@code crane push} pushes the build, {@link #DEFAULT_PUSHER_IMAGE} unless
     *            configured
     * @param registry where every image is pushed, e.g. {@code registry.example.org/wharf-builds}: a destination
     *            outside it is refused
     * @param registrySecret the {@code kubernetes.io/dockerconfigjson} Secret holding the push credentials (only the
     *            pusher has them)
     * @param pullSecret the {@code kubernetes.io/dockerconfigjson} Secret Kaniko pulls base images with, or
     *            {@code null} for none (its {@code RUN} lines can read it: it should only read)
     * @param cpu the build's CPU, requested and limited, a Kubernetes quantity
     * @param memory the build's memory, requested and limited
     * @param ephemeralStorage the build's disk, requested and limited: the unpacked layers and the built ones
     * @param deadline how long a build may run before Kubernetes kills it
     * @param ttlAfterFinished how long a finished Job (and its pod and log) is kept before Kubernetes deletes it
     */
    public record Settings(String namespace, String executorImage, String pusherImage, String registry,
            String registrySecret, String pullSecret, String cpu, String memory, String ephemeralStorage,
            Duration deadline, Duration ttlAfterFinished) {

        public Settings {
            requireName("namespace", namespace);
            requireName("registrySecret", registrySecret);
            if (pullSecret != null) {
                requireName("pullSecret", pullSecret);
            }
            executorImage = executorImage == null || executorImage.isBlank() ? DEFAULT_EXECUTOR_IMAGE : executorImage;
            requireReference("executorImage", executorImage);
            pusherImage = pusherImage == null || pusherImage.isBlank() ? DEFAULT_PUSHER_IMAGE : pusherImage;
            requireReference("pusherImage", pusherImage);
            requireReference("registry", registry);
            requireQuantity("cpu", cpu);
            requireQuantity("memory", memory);
            requireQuantity("ephemeralStorage", ephemeralStorage);
            requirePositive("deadline", deadline);
            requirePositive("ttlAfterFinished", ttlAfterFinished);
        }
    }

    /**
     * One build, as the Job sees it.
     *
     * @param buildId the build's id: 1-51 lowercase letters, digits or '-', starting and ending with a letter or digit
     * @param destination the image reference to push to, inside the configured registry
     * @param contextConfigMap the ConfigMap holding the build context as {@code binaryData} {@link #CONTEXT_KEY}
     * @param containerfile the Containerfile's path inside the context, relative
     * @param flags the user's Kaniko flags, already {@link KanikoFlags#check checked} (they are checked again)
     */
    public record Plan(String buildId, String destination, String contextConfigMap, String containerfile,
            List<String> flags) {

        public Plan {
            if (buildId == null || !BUILD_ID.matcher(buildId).matches()) {
                throw new IllegalArgumentException("buildId must be 1-51 lowercase letters, digits or '-': " + buildId);
            }
            requireReference("destination", destination);
            requireName("contextConfigMap", contextConfigMap);
            requireContainerfile(containerfile);
            flags = KanikoFlags.check(flags);
        }
    }

    /** The Job's name: {@code wharf-build-<build id>}. */
    public static String jobName(String buildId) {
        return "wharf-build-" + buildId;
    }

    /** The Job of one build, in the configured namespace; creating it twice fails with 409 (the name is taken). */
    public Job job(Plan plan) {
        requireInsideRegistry(plan.destination());
        Map<String, String> labels = labels(plan.buildId());
        List<String> args = new ArrayList<>(List.of(
                "--context=tar://" + CONTEXT_DIRECTORY + "/" + CONTEXT_KEY,
                "--dockerfile=" + plan.containerfile(),
                "--destination=" + plan.destination(),
                "--no-push",
                "--tar-path=" + IMAGE_ARCHIVE));
        args.addAll(plan.flags());
        List<VolumeMount> kanikoMounts = new ArrayList<>(List.of(
                mount("context", CONTEXT_DIRECTORY, true),
                mount("image", IMAGE_DIRECTORY, false)));
        List<Volume> volumes = new ArrayList<>(List.of(
                new VolumeBuilder().withName("context")
                        .withNewConfigMap()
                        .withName(plan.contextConfigMap())
                        .addNewItem()
                        .withKey(CONTEXT_KEY)
                        .withPath(CONTEXT_KEY)
                        .endItem()
                        .withDefaultMode(0444)
                        .endConfigMap()
                        .build(),
                new VolumeBuilder().withName("image")
                        .withNewEmptyDir()
                        .withSizeLimit(new Quantity(settings.ephemeralStorage()))
                        .endEmptyDir()
                        .build(),
                credentials("push-credentials", settings.registrySecret())));
        if (settings.pullSecret() != null) {
            kanikoMounts.add(mount("pull-credentials", DOCKER_CONFIG_DIRECTORY, true));
            volumes.add(credentials("pull-credentials", settings.pullSecret()));
        }
        // @formatter:off
        Container kaniko = new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(settings.executorImage())
                .withArgs(args)
                .withNewResources().withRequests(resources()).withLimits(resources()).endResources()
                .withNewSecurityContext()
                    .withPrivileged(false)
                    .withAllowPrivilegeEscalation(false)
                    .withNewCapabilities().withDrop("ALL").withAdd(CAPABILITIES).endCapabilities()
                .endSecurityContext()
                .withVolumeMounts(kanikoMounts)
                .build();
        Container pusher = new ContainerBuilder()
                .withName(PUSH_CONTAINER)
                .withImage(settings.pusherImage())
                .withArgs("push", IMAGE_ARCHIVE, plan.destination(), "--image-refs=" + TERMINATION_LOG)
                .addNewEnv().withName("DOCKER_CONFIG").withValue(PUSH_CREDENTIALS_DIRECTORY).endEnv()
                .withTerminationMessagePath(TERMINATION_LOG)
                .withTerminationMessagePolicy("File")
                .withNewResources().withRequests(quantities(PUSHER_RESOURCES)).withLimits(quantities(PUSHER_RESOURCES))
                .endResources()
                .withNewSecurityContext()
                    .withPrivileged(false)
                    .withAllowPrivilegeEscalation(false)
                    .withRunAsNonRoot(true)
                    .withRunAsUser(PUSHER_USER)
                    .withRunAsGroup(PUSHER_USER)
                    .withReadOnlyRootFilesystem(true)
                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .withVolumeMounts(mount("image", IMAGE_DIRECTORY, true),
                        mount("push-credentials", PUSH_CREDENTIALS_DIRECTORY, true))
                .build();
        return new JobBuilder()
                .withNewMetadata()
                    .withName(jobName(plan.buildId()))
                    .withNamespace(settings.namespace())
                    .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                    .withBackoffLimit(0)
                    .withActiveDeadlineSeconds(settings.deadline().toSeconds())
                    .withTtlSecondsAfterFinished(Math.toIntExact(settings.ttlAfterFinished().toSeconds()))
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withAutomountServiceAccountToken(false)
                            .withEnableServiceLinks(false)
                            .withNewSecurityContext()
                                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                                .withFsGroup(PUSHER_USER)
                            .endSecurityContext()
                            .withInitContainers(kaniko)
                            .withContainers(pusher)
                            .withVolumes(volumes)
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
        // @formatter:on
    }

    private static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly).build();
    }

    /** A dockerconfigjson Secret as {@code config.json}, readable by the pod's group (the pusher's) only. */
    private static Volume credentials(String volume, String secret) {
        return new VolumeBuilder().withName(volume)
                .withNewSecret()
                .withSecretName(secret)
                .addNewItem()
                .withKey(DOCKER_CONFIG_KEY)
                .withPath("config.json")
                .endItem()
                .withDefaultMode(0440)
                .endSecret()
                .build();
    }

    /**
     * The digest of the image a finished build pushed: the termination message of its pusher, when that container
     * ended with exit code 0 and the message is exactly one pushed reference, {@code <repository>@sha256:<hex>}
     * (trailing whitespace aside). Anything else (a pod still running, a failed push, a message that is no such
     * reference) gives none.
     */
    public static Optional<String> digestOf(Pod pod) {
        if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus()
                .getContainerStatuses()
                .stream()
                .filter(s -> PUSH_CONTAINER.equals(s.getName()))
                .map(ContainerStatus::getState)
                .filter(s -> s != null && s.getTerminated() != null)
                .map(ContainerState::getTerminated)
                .filter(t -> t.getExitCode() != null && t.getExitCode() == 0)
                .map(ContainerStateTerminated::getMessage)
                .filter(Objects::nonNull)
                .map(String::strip)
                .map(PUSHED_REFERENCE::matcher)
                .filter(java.util.regex.Matcher::matches)
                .map(m -> m.group(1))
                .findFirst();
    }

    /** The labels of the Job and its pod, in a fixed order. */
    static Map<String, String> labels(String buildId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "wharf-build");
        labels.put("app.kubernetes.io/part-of", "wharf");
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        labels.put(BUILD_LABEL, buildId);
        return labels;
    }

    private Map<String, Quantity> resources() {
        Map<String, String> amounts = new LinkedHashMap<>();
        amounts.put("cpu", settings.cpu());
        amounts.put("memory", settings.memory());
        amounts.put("ephemeral-storage", settings.ephemeralStorage());
        return quantities(amounts);
    }

    private static Map<String, Quantity> quantities(Map<String, String> amounts) {
        Map<String, Quantity> quantities = new LinkedHashMap<>();
        amounts.forEach((k, v) -> quantities.put(k, new Quantity(v)));
        return quantities;
    }

    /**
     * A relative path of plain segments. Kaniko looks for the Containerfile in its working directory,
     * {@code /workspace}, before the unpacked context: so neither the archive's name there nor the ConfigMap volume's
     * own {@code ..data} entries may be named.
     */
    private static void requireContainerfile(String path) {
        String rule = "containerfile must be a relative path of segments of letters, digits, '.', '_' or '-', none"
                + " starting with '..', at most 255 characters: ";
        if (path == null || path.isEmpty() || path.length() > 255 || path.equals(CONTEXT_KEY)) {
            throw new IllegalArgumentException(rule + path);
        }
        for (String segment : path.split("/", -1)) {
            if (!PATH_SEGMENT.matcher(segment).matches() || segment.startsWith("..") || segment.equals(".")) {
                throw new IllegalArgumentException(rule + path);
            }
        }
    }

    /**
     * The destination is the registry followed by repository path components, a tag and a digest, each optional:
     * the Job never pushes anywhere else with the registry's credentials, and a bare host ({@code registry:5000}) is
     * not taken for a tag.
     */
    private void requireInsideRegistry(String destination) {
        String registry = settings.registry();
        if (!destination.startsWith(registry) || !destination.contains("/")
                || !INSIDE_REGISTRY.matcher(destination.substring(registry.length())).matches()
                || (!registry.contains("/") && !destination.startsWith(registry + "/"))) {
            throw new IllegalArgumentException(
                    "destination " + destination + " is not an image reference inside the registry " + registry);
        }
    }

    private static void requireName(String what, String name) {
        if (name == null || !OBJECT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be a Kubernetes object name: " + name);
        }
    }

    private static void requireReference(String what, String reference) {
        if (reference == null || !IMAGE_REFERENCE.matcher(reference).matches()) {
            throw new IllegalArgumentException(what + " must be an image reference: " + reference);
        }
    }

    private static void requireQuantity(String what, String quantity) {
        try {
            if (quantity == null || Quantity.getAmountInBytes(new Quantity(quantity)).signum() <= 0) {
                throw new IllegalArgumentException(what + " must be a positive Kubernetes quantity: " + quantity);
            }
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " must be a positive Kubernetes quantity: " + quantity, e);
        }
    }

    private static void requirePositive(String what, Duration duration) {
        if (duration == null || duration.toSeconds() < 1) {
            throw new IllegalArgumentException(what + " must be at least one second: " + duration);
        }
    }
}
