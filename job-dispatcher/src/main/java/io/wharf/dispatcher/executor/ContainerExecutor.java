package io.wharf.dispatcher.executor;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jboss.logging.Logger;

import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.supervisor.ProcessRunner;
import io.wharf.supervisor.RunResult;
import io.wharf.supervisor.Supervisor;
import io.wharf.supervisor.Workspace;

/**
 * Runs the script in a container of the function's image with Podman or Docker: named after the execution (so a
 * second start of the same execution is refused by the engine), removed when it ends, as a non-root user without
 * capabilities or new privileges, with the CPU, memory and process limits set, on the configured network (none by
 * default), the workspace mounted at {@value Workspace#CONTAINER_ROOT}. The script's variables reach the container
 * through the engine's environment ({@code -e NAME}), never its command line, which any local user can read.
 */
public final class ContainerExecutor implements ScriptExecutor {

    private static final Logger LOG = Logger.getLogger(ContainerExecutor.class);
    /** Variables the engine itself needs; a script variable of the same name is passed on the command line. */
    private static final Set<String> ENGINE_VARIABLES = Set.of("PATH", "HOME", "CONTAINERS_CONF", "XDG_RUNTIME_DIR",
            "XDG_CONFIG_HOME", "XDG_DATA_HOME", "TMPDIR", "DOCKER_HOST", "CONTAINER_HOST");
    private static final Duration ENGINE_COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final DispatcherConfig.Container config;
    private final Map<String, String> engineEnvironment;

    public ContainerExecutor(DispatcherConfig.Container config) {
        this.config = config;
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (ENGINE_VARIABLES.contains(k) || k.startsWith("LC_") || k.equals("LANG")) {
                env.put(k, v);
            }
        });
        this.engineEnvironment = Map.copyOf(env);
    }

    /** Fails fast, with the engine's own words, when the engine cannot run anything. */
    public void verify(Path scratch) throws IOException, InterruptedException {
        Path log = scratch.resolve("engine-check.log");
        RunResult result = ProcessRunner.run(List.of(config.engine(), "version"), engineEnvironment,
                scratch, ENGINE_COMMAND_TIMEOUT, log, () -> {
                });
        if (!result.succeeded()) {
            throw new IllegalStateException("container engine '" + config.engine() + "' does not work (exit "
                    + result.exitCode() + "): " + Files.readString(log).strip()
                    + "; set wharf.dispatcher.executor=process to run without one");
        }
    }

    @Override
    public RunResult run(ExecutionRequest request) throws IOException, InterruptedException {
        Map<String, String> scriptEnv = Supervisor.scriptEnvironment(request.envelope(), request.function(),
                request.executionId(), Workspace.containerView(), request.inputFileName());
        String name = containerName(request.executionId());
        // @formatter:off
        List<String> command = new ArrayList<>(List.of(
                config.engine(), "run", "--rm",
                "--name", name,
                "--user", config.user(),
                "--network", config.network(),
                "--cpus", cpus(request.cpuMillis()),
                "--memory", request.memoryBytes() + "b",
                "--pids-limit", Integer.toString(config.pidsLimit()),
                "--cap-drop", "all",
                "--security-opt", "no-new-privileges",
                "--label", "wharf.io/function=" + request.function().name(),
                "--label", "wharf.io/execution=" + request.executionId(),
                "--volume", request.workspace().root() + ":" + Workspace.CONTAINER_ROOT,
                "--workdir", Workspace.CONTAINER_ROOT,
                "--entrypoint", "/bin/sh"));
        // @formatter:on
        Map<String, String> env = new HashMap<>(engineEnvironment);
        scriptEnv.forEach((k, v) -> {
            if (ENGINE_VARIABLES.contains(k)) {
                command.add("--env");
                command.add(k + "=" + v);
            } else {
                command.add("--env");
                command.add(k);
                env.put(k, v);
            }
        });
        command.add(request.function().image());
        command.add(Workspace.CONTAINER_ROOT + "/script.sh");
        return ProcessRunner.run(command, env, request.workspace().root(), request.timeout(),
                request.workspace().logFile(), () -> kill(name, request.workspace().root()));
    }

    @Override
    public void cleanUp(String executionId) {
        try {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            ProcessRunner.run(List.of(config.engine(), "rm", "--force", containerName(executionId)),
                    engineEnvironment, tmp, ENGINE_COMMAND_TIMEOUT, tmp.resolve("wharf-engine-cleanup.log"), () -> {
                    });
        } catch (IOException e) {
            LOG.warnf("executionId=%s cannot remove a leftover container: %s", executionId, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String kind() {
        return "container (" + config.engine() + ")";
    }

    private void kill(String name, Path dir) {
        try {
            ProcessRunner.run(List.of(config.engine(), "kill", name), engineEnvironment, dir, ENGINE_COMMAND_TIMEOUT,
                    dir.resolve("engine-kill.log"), () -> {
                    });
        } catch (IOException e) {
            LOG.warnf("cannot kill container %s: %s", name, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String containerName(String executionId) {
        return "wharf-" + executionId;
    }

    static String cpus(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }
}
