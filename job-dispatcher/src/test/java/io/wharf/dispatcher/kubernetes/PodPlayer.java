package io.wharf.dispatcher.kubernetes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;

/**
 * A kubelet for one pod, for tests: runs a pod spec's init containers in order and then its container, each with
 * {@code podman run} as a kubelet's runtime would: the pod's volumes (emptyDir as a folder, {@code subPath} as a
 * folder inside it, a Secret as read-only files named after its keys, mode {@code defaultMode}, owned by root), the
 * containers' {@code envFrom} Secrets, {@code command}/{@code args}, working directory, the pod's user and the
 * containers' security context, CPU and memory limits, and a writable {@code /dev/termination-log}. A failing init
 * container stops the pod, as with {@code restartPolicy: Never}. Podman 4.3's {@code kube play} cannot do this: it
 * ignores {@code subPath} and termination messages, and reads Secrets wrongly (docs/kubernetes.md).
 */
final class PodPlayer {

    /** How one container ended. */
    record Step(String name, int exitCode, String log, String terminationMessage) {
    }

    private final Path dir;
    private final Map<String, Secret> secrets;
    private final String podName;

    /**
     * @param dir where the pod's volumes live on this machine
     * @param secrets the Secrets the pod may name, by name
     */
    PodPlayer(Path dir, String podName, List<Secret> secrets) {
        this.dir = dir;
        this.podName = podName;
        this.secrets = new HashMap<>();
        secrets.forEach(s -> this.secrets.put(s.getMetadata().getName(), s));
    }

    /** Runs the pod to its end; the steps that ran, in order. */
    List<Step> play(PodSpec pod) throws IOException, InterruptedException {
        Map<String, Path> volumes = volumes(pod);
        List<Step> steps = new ArrayList<>();
        for (Container init : pod.getInitContainers()) {
            Step step = run(pod, init, volumes);
            steps.add(step);
            if (step.exitCode() != 0) {
                return steps;
            }
        }
        for (Container container : pod.getContainers()) {
            steps.add(run(pod, container, volumes));
        }
        return steps;
    }

    private Map<String, Path> volumes(PodSpec pod) throws IOException {
        Map<String, Path> volumes = new LinkedHashMap<>();
        for (Volume volume : pod.getVolumes()) {
            Path path = Files.createDirectories(dir.resolve("volumes").resolve(volume.getName()));
            if (volume.getEmptyDir() != null) {
                // as a kubelet makes an emptyDir: writable by whichever uid the pod runs as
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxrwxrwx"));
            } else if (volume.getSecret() != null) {
                int mode = volume.getSecret().getDefaultMode() == null ? 0644 : volume.getSecret().getDefaultMode();
                for (var entry : data(volume.getSecret().getSecretName()).entrySet()) {
                    Path file = Files.write(path.resolve(entry.getKey()), entry.getValue());
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions(mode)));
                }
            } else {
                throw new IllegalArgumentException("the test kubelet has no " + volume.getName() + " volume kind");
            }
            volumes.put(volume.getName(), path);
        }
        return volumes;
    }

    private Step run(PodSpec pod, Container container, Map<String, Path> volumes)
            throws IOException, InterruptedException {
        Path termination = dir.resolve("termination-" + container.getName());
        Files.writeString(termination, "");
        Files.setPosixFilePermissions(termination, PosixFilePermissions.fromString("rw-rw-rw-"));
        List<String> command = new ArrayList<>(List.of("podman", "run", "--rm", "--name",
                podName + "-" + container.getName(), "--network", "host", "--pull", "never",
                "-v", termination + ":/dev/termination-log"));
        Long uid = container.getSecurityContext() != null && container.getSecurityContext().getRunAsUser() != null
                ? container.getSecurityContext().getRunAsUser()
                : pod.getSecurityContext().getRunAsUser();
        if (uid != null) {
            command.addAll(List.of("--user", uid.toString()));
        }
        SecurityContext security = container.getSecurityContext();
        if (security != null) {
            if (Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())) {
                command.add("--read-only");
            }
            if (Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
                command.addAll(List.of("--security-opt", "no-new-privileges"));
            }
            if (security.getCapabilities() != null && security.getCapabilities().getDrop() != null) {
                security.getCapabilities().getDrop().forEach(c -> command.addAll(List.of("--cap-drop", c)));
            }
        }
        if (container.getResources() != null && container.getResources().getLimits() != null) {
            Quantity cpu = container.getResources().getLimits().get("cpu");
            Quantity memory = container.getResources().getLimits().get("memory");
            if (cpu != null) {
                command.addAll(List.of("--cpus", cpu.getNumericalAmount().toPlainString()));
            }
            if (memory != null) {
                command.addAll(List.of("--memory", memory.getNumericalAmount().toBigInteger().toString()));
            }
        }
        for (VolumeMount mount : container.getVolumeMounts()) {
            Path source = volumes.get(mount.getName());
            if (mount.getSubPath() != null) {
                source = Files.createDirectories(source.resolve(mount.getSubPath()));
                Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            command.addAll(List.of("-v", source + ":" + mount.getMountPath()
                    + (Boolean.TRUE.equals(mount.getReadOnly()) ? ":ro" : "")));
        }
        if (container.getEnvFrom() != null) {
            for (EnvFromSource from : container.getEnvFrom()) {
                Path envFile = dir.resolve("env-" + container.getName() + "-" + from.getSecretRef().getName());
                StringBuilder lines = new StringBuilder();
                data(from.getSecretRef().getName()).forEach((k, v) -> lines.append(k)
                        .append('=')
                        .append(new String(v, StandardCharsets.UTF_8))
                        .append('\n'));
                Files.writeString(envFile, lines);
                command.addAll(List.of("--env-file", envFile.toString()));
            }
        }
        if (container.getWorkingDir() != null) {
            command.addAll(List.of("--workdir", container.getWorkingDir()));
        }
        List<String> arguments = new ArrayList<>();
        if (container.getCommand() != null && !container.getCommand().isEmpty()) {
            command.addAll(List.of("--entrypoint", container.getCommand().get(0)));
            arguments.addAll(container.getCommand().subList(1, container.getCommand().size()));
        }
        command.add(container.getImage());
        arguments.addAll(container.getArgs() == null ? List.of() : container.getArgs());
        command.addAll(arguments);
        Path log = dir.resolve("log-" + container.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(container.getName() + " did not end within 5 minutes");
        }
        return new Step(container.getName(), process.exitValue(), Files.readString(log),
                Files.readString(termination));
    }

    private Map<String, byte[]> data(String secretName) {
        Secret secret = secrets.get(secretName);
        if (secret == null) {
            throw new IllegalArgumentException("no Secret " + secretName + " for the test kubelet");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
        }
        if (secret.getStringData() != null) {
            secret.getStringData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        return data;
    }

    private static String permissions(int mode) {
        StringBuilder text = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = (mode >> shift) & 7;
            text.append((bits & 4) != 0 ? 'r' : '-')
                    .append((bits & 2) != 0 ? 'w' : '-')
                    .append((bits & 1) != 0 ? 'x' : '-');
        }
        return text.toString();
    }
}
