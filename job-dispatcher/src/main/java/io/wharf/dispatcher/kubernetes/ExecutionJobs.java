package io.wharf.dispatcher.kubernetes;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.wharf.contracts.function.FunctionValidator;
import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.supervisor.ScriptLauncher;
import io.wharf.supervisor.Workspace;

/**
 * The Job of one execution. Its pod runs three steps in order, each a container that must succeed before the next
 * starts:
 * <ol>
 * <li>{@code fetch} (init, the supervisor's image): the input into the shared workspace, the script's variables
 * beside it;</li>
 * <li>{@code run} (init, the function's image): {@code /bin/sh} runs the script in the sandbox and records its exit
 * code there; a failing script fails the pod here, and nothing is delivered;</li>
 * <li>{@code deliver} (the supervisor's image): the outputs to their store; their keys are its termination
 * message.</li>
 * </ol>
 * Sequential init containers work the same on every Kubernetes from 1.29 and on OpenShift, need no sidecar that must
 * outlive the script, and let the Job controller see the script's own exit code. The storage keys reach the
 * supervisor's containers only, from the function's Secret; the event and the definition come from the execution's
 * Secret. Nothing a user controls is on a command line: names reach the pod only as labels and Secret names, both
 * derived from validated names.
 */
public final class ExecutionJobs {

    /** Where the supervisor's containers see the workspace; the script sees its sandbox at {@code /wharf}. */
    static final String WORKSPACE_PATH = "/wharf-workspace";
    /** Where the execution's Secret (event.json, function.json) is mounted. */
    static final String EXECUTION_PATH = "/wharf-execution";
    /** The file the run container writes the script's exit code to, in the sandbox. */
    static final String EXIT_CODE_FILE = ".wharf-exit-code";

    static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    static final String MANAGED_BY = "wharf-job-dispatcher";
    static final String EXECUTION_LABEL = "wharf.io/execution";
    static final String FUNCTION_LABEL = "wharf.io/function";
    /** The containers of an execution's pod, in the order they run. */
    static final List<String> STEPS = List.of("fetch", "run", "deliver");
    /** Where the deliver step writes the keys of the outputs: its termination message. */
    private static final String TERMINATION_LOG = "/dev/termination-log";

    private final DispatcherConfig.Kubernetes config;

    public ExecutionJobs(DispatcherConfig.Kubernetes config) {
        this.config = config;
    }

    /** The Job's name: {@code wharf-<execution id>}, at most 62 characters (function names have at most 39). */
    public static String jobName(String executionId) {
        return "wharf-" + executionId;
    }

    /** The name of the Secret holding the execution's event and function definition. */
    public static String executionSecretName(String executionId) {
        return jobName(executionId);
    }

    /** The name of the Secret holding a function's storage keys. */
    public static String storageSecretName(String function) {
        return "wharf-fn-" + function + "-storage";
    }

    public Job job(JobPlan plan) {
        Map<String, String> labels = labels(plan);
        List<String> runArguments = new ArrayList<>(List.of("-c", runCommand()));
        // @formatter:off
        return new JobBuilder()
                .withNewMetadata()
                    .withName(jobName(plan.executionId()))
                    .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                    .withBackoffLimit(0)
                    .withActiveDeadlineSeconds(plan.deadline().toSeconds())
                    .withTtlSecondsAfterFinished((int) config.ttlAfterFinished().toSeconds())
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withAutomountServiceAccountToken(false)
                            .withEnableServiceLinks(false)
                            .withNodeSelector(config.nodeSelector().isEmpty() ? null : config.nodeSelector())
                            .withSecurityContext(new PodSecurityContextBuilder()
                                    .withRunAsNonRoot(true)
                                    .withRunAsUser(config.runAsUser().orElse(null))
                                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                                    .build())
                            .withInitContainers(
                                    supervisor("fetch", plan, List.of("fetch")),
                                    new ContainerBuilder()
                                            .withName("run")
                                            .withImage(plan.image())
                                            .withCommand("/bin/sh")
                                            .withArgs(runArguments)
                                            .withWorkingDir(Workspace.CONTAINER_ROOT)
                                            .withResources(resources(plan.cpuMillis(), plan.memoryBytes(),
                                                    plan.gpu()))
                                            .withSecurityContext(restricted())
                                            .withVolumeMounts(runMounts(plan))
                                            .build())
                            .withContainers(
                                    supervisor("deliver", plan, List.of("deliver", "--report", TERMINATION_LOG)))
                            .withVolumes(offeredVolumes(plan))
                            .addNewVolume().withName("workspace").withNewEmptyDir().endEmptyDir().endVolume()
                            .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                            .addNewVolume()
                                .withName("execution")
                                .withNewSecret()
                                    .withSecretName(executionSecretName(plan.executionId()))
                                    // readable by the steps' uid, whatever their group: only the supervisor's
                                    // containers mount it
                                    .withDefaultMode(0444)
                                .endSecret()
                            .endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
        // @formatter:on
    }

    /**
     * What {@code /bin/sh -c} runs in the function's image: the fixed launcher (variables, started marker, script),
     * then the exit code recorded in the sandbox. Only platform paths; no value of the user's.
     */
    static String runCommand() {
        List<String> launcher = ScriptLauncher.shellArguments(Workspace.containerView());
        StringBuilder command = new StringBuilder("/bin/sh");
        for (String argument : launcher) {
            command.append(" '").append(argument.replace("'", "'\"'\"'")).append('\'');
        }
        return command + "; code=$?; echo $code > " + Workspace.CONTAINER_ROOT + "/" + EXIT_CODE_FILE
                + "; exit $code";
    }

    /** The script's mounts: its sandbox, its {@code /tmp}, and the offered volumes it asked for. */
    private static List<VolumeMount> runMounts(JobPlan plan) {
        List<VolumeMount> mounts = new ArrayList<>(List.of(
                mount("workspace", Workspace.CONTAINER_ROOT, "sandbox", false), mount("tmp", "/tmp", null, false)));
        plan.volumes().forEach(v -> mounts.add(mount(offeredVolumeName(v), v.mountPath(), null, v.readOnly())));
        return mounts;
    }

    private static List<Volume> offeredVolumes(JobPlan plan) {
        return plan.volumes()
                .stream()
                .map(v -> new VolumeBuilder().withName(offeredVolumeName(v))
                        .withNewPersistentVolumeClaim(v.claim(), v.readOnly() ? Boolean.TRUE : null)
                        .build())
                .toList();
    }

    /** A pod volume's name for an offered volume: apart from the pod's own (workspace, tmp, execution). */
    private static String offeredVolumeName(JobPlan.Volume volume) {
        return "offered-" + volume.name();
    }

    private Container supervisor(String step, JobPlan plan, List<String> command) {
        List<String> arguments = new ArrayList<>(command);
        arguments.addAll(List.of("--workspace", WORKSPACE_PATH, "--event", EXECUTION_PATH + "/event.json",
                "--function", EXECUTION_PATH + "/function.json"));
        // @formatter:off
        return new ContainerBuilder()
                .withName(step)
                .withImage(config.supervisorImage())
                .withArgs(arguments)
                .addNewEnvFrom().withNewSecretRef().withName(storageSecretName(plan.function())).endSecretRef()
                .endEnvFrom()
                .withResources(supervisorResources())
                .withSecurityContext(restricted())
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withVolumeMounts(mount("workspace", WORKSPACE_PATH, null, false),
                        mount("execution", EXECUTION_PATH, null, true), mount("tmp", "/tmp", null, false))
                .build();
        // @formatter:on
    }

    /** The supervisor's steps request little CPU and may burst (a JVM starting); their memory is fixed. */
    private ResourceRequirements supervisorResources() {
        ResourceRequirements resources = resources(FunctionValidator.cpuMillis(config.supervisorCpu()),
                FunctionValidator.memoryBytes(config.supervisorMemory()), false);
        resources.getLimits().put("cpu", millicores(FunctionValidator.cpuMillis(config.supervisorCpuLimit())));
        return resources;
    }

    private ResourceRequirements resources(long cpuMillis, long memoryBytes, boolean gpu) {
        Map<String, Quantity> amounts = new LinkedHashMap<>();
        amounts.put("cpu", millicores(cpuMillis));
        amounts.put("memory", new Quantity(Long.toString(memoryBytes)));
        Map<String, Quantity> limits = new LinkedHashMap<>(amounts);
        if (gpu) {
            limits.put(config.gpuResource(), new Quantity("1"));
        }
        return new ResourceRequirementsBuilder().withRequests(amounts).withLimits(limits).build();
    }

    private static Quantity millicores(long cpuMillis) {
        return new Quantity(BigDecimal.valueOf(cpuMillis).toPlainString() + "m");
    }

    /** What OpenShift's restricted-v2 and Kubernetes' restricted Pod Security Standard ask of every container. */
    private static SecurityContext restricted() {
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withPrivileged(false)
                .withReadOnlyRootFilesystem(true)
                .withCapabilities(new Capabilities(null, List.of("ALL")))
                .build();
    }

    private static VolumeMount mount(String volume, String path, String subPath, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume)
                .withMountPath(path)
                .withSubPath(subPath)
                .withReadOnly(readOnly ? Boolean.TRUE : null)
                .build();
    }

    static Map<String, String> labels(JobPlan plan) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "wharf-execution");
        labels.put("app.kubernetes.io/part-of", "wharf");
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        labels.put(FUNCTION_LABEL, plan.function());
        labels.put(EXECUTION_LABEL, plan.executionId());
        if (plan.functionUid() != null) {
            labels.put("wharf.io/function-uid", plan.functionUid());
        }
        return labels;
    }
}
