package io.wharf.build.kaniko;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

/**
 * The Kubernetes Job of one build: Kaniko's executor builds the image from a build context and pushes it to the
 * configured registry; its digest comes back as the container's termination message ({@link #digestOf}).
 * <p>
 * The pod's shape, and why:
 * <ul>
 * <li>the build context is a ConfigMap's {@code binaryData} key {@code context.tar.gz}, mounted read-only at
 * {@code /workspace}; Kaniko unpacks it itself ({@code --context=tar://...});</li>
 * <li>the push credentials are a {@code kubernetes.io/dockerconfigjson} Secret whose {@code .dockerconfigjson} key is
 * mounted read-only as {@code /kaniko/.docker/config.json}, where the executor image looks for them; no other
 * Secret, and no service account token, reaches the pod;</li>
 * <li>{@code --digest-file=/dev/termination-log} with the {@code File} termination message policy: the digest is the
 * whole message, and a failing build never has its log read as one;</li>
 * <li>CPU, memory and ephemeral storage are requested as much as limited (Kaniko unpacks every layer into its own
 * root file system, which counts as ephemeral storage), and the Job is killed at its deadline, never retried.</li>
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
    /** The name of Kaniko's container in the pod. */
    public static final String CONTAINER = "kaniko";

    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "wharf-build-service";
    public static final String BUILD_LABEL = "wharf.io/build";

    static final String CONTEXT_DIRECTORY = "/workspace";
    static final String DOCKER_CONFIG_DIRECTORY = "/kaniko/.docker";
    static final String TERMINATION_LOG = "/dev/termination-log";
    /** The capabilities Kaniko needs to give unpacked and built files their owners and modes. */
    static final List<String> CAPABILITIES = List.of("CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID");

    /** At most 51 characters: the Job's name ({@code wharf-build-} and the id) is also a label value (63). */
    private static final Pattern BUILD_ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,49}[a-z0-9])?");
    private static final Pattern OBJECT_NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");
    private static final Pattern PATH_SEGMENT = Pattern.compile("[A-Za-z0-9._-]{1,255}");
    private static final Pattern IMAGE_REFERENCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
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
     * @param registry where every image is pushed, e.g. {@code registry.example.org/wharf-builds}: a destination
     *            outside it is refused
     * @param registrySecret the {@code kubernetes.io/dockerconfigjson} Secret holding the push credentials
     * @param cpu the build's CPU, requested and limited, a Kubernetes quantity
     * @param memory the build's memory, requested and limited
     * @param ephemeralStorage the build's disk, requested and limited: the unpacked layers and the built ones
     * @param deadline how long a build may run before Kubernetes kills it
     * @param ttlAfterFinished how long a finished Job (and its pod and log) is kept before Kubernetes deletes it
     */
    public record Settings(String namespace, String executorImage, String registry, String registrySecret,
            String cpu, String memory, String ephemeralStorage, Duration deadline, Duration ttlAfterFinished) {

        public Settings {
            requireName("namespace", namespace);
            requireName("registrySecret", registrySecret);
            executorImage = executorImage == null || executorImage.isBlank() ? DEFAULT_EXECUTOR_IMAGE : executorImage;
            requireReference("executorImage", executorImage);
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
        Map<String, Quantity> resources = resources();
        List<String> args = new ArrayList<>(List.of(
                "--context=tar://" + CONTEXT_DIRECTORY + "/" + CONTEXT_KEY,
                "--dockerfile=" + plan.containerfile(),
                "--destination=" + plan.destination(),
                "--digest-file=" + TERMINATION_LOG));
        args.addAll(plan.flags());
        // @formatter:off
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
                            .endSecurityContext()
                            .addNewContainer()
                                .withName(CONTAINER)
                                .withImage(settings.executorImage())
                                .withArgs(args)
                                .withTerminationMessagePath(TERMINATION_LOG)
                                .withTerminationMessagePolicy("File")
                                .withNewResources()
                                    .withRequests(resources)
                                    .withLimits(resources)
                                .endResources()
                                .withNewSecurityContext()
                                    .withPrivileged(false)
                                    .withAllowPrivilegeEscalation(false)
                                    .withNewCapabilities()
                                        .withDrop("ALL")
                                        .withAdd(CAPABILITIES)
                                    .endCapabilities()
                                .endSecurityContext()
                                .addNewVolumeMount()
                                    .withName("context")
                                    .withMountPath(CONTEXT_DIRECTORY)
                                    .withReadOnly(true)
                                .endVolumeMount()
                                .addNewVolumeMount()
                                    .withName("docker-config")
                                    .withMountPath(DOCKER_CONFIG_DIRECTORY)
                                    .withReadOnly(true)
                                .endVolumeMount()
                            .endContainer()
                            .addNewVolume()
                                .withName("context")
                                .withNewConfigMap()
                                    .withName(plan.contextConfigMap())
                                    .addNewItem().withKey(CONTEXT_KEY).withPath(CONTEXT_KEY).endItem()
                                    .withDefaultMode(0444)
                                .endConfigMap()
                            .endVolume()
                            .addNewVolume()
                                .withName("docker-config")
                                .withNewSecret()
                                    .withSecretName(settings.registrySecret())
                                    .addNewItem().withKey(DOCKER_CONFIG_KEY).withPath("config.json").endItem()
                                    .withDefaultMode(0400)
                                .endSecret()
                            .endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
        // @formatter:on
    }

    /**
     * The digest of the image a finished build pushed: the termination message of its Kaniko container, when that
     * container ended with exit code 0 and the message is exactly one {@code sha256:} digest (trailing whitespace
     * aside). Anything else (a pod still running, a failed build, a message that is no digest) gives none.
     */
    public static Optional<String> digestOf(Pod pod) {
        if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus()
                .getContainerStatuses()
                .stream()
                .filter(s -> CONTAINER.equals(s.getName()))
                .map(ContainerStatus::getState)
                .filter(s -> s != null && s.getTerminated() != null)
                .map(ContainerState::getTerminated)
                .filter(t -> t.getExitCode() != null && t.getExitCode() == 0)
                .map(ContainerStateTerminated::getMessage)
                .filter(Objects::nonNull)
                .map(String::strip)
                .filter(m -> DIGEST.matcher(m).matches())
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
        Map<String, Quantity> amounts = new LinkedHashMap<>();
        amounts.put("cpu", new Quantity(settings.cpu()));
        amounts.put("memory", new Quantity(settings.memory()));
        amounts.put("ephemeral-storage", new Quantity(settings.ephemeralStorage()));
        return amounts;
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
