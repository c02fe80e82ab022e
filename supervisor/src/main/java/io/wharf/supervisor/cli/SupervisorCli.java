package io.wharf.supervisor.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeCodec;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.function.FdlReader;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.supervisor.ProcessRunner;
import io.wharf.supervisor.RunResult;
import io.wharf.supervisor.S3Endpoint;
import io.wharf.supervisor.ScriptLauncher;
import io.wharf.supervisor.StorageClients;
import io.wharf.supervisor.Supervisor;
import io.wharf.supervisor.Workspace;

/**
 * {@code supervisor fetch|run|deliver --workspace DIR --event FILE --function FILE [--timeout SECONDS] [--report FILE]}:
 * the three steps of an execution as separate commands, for an execution's pod (docs/adr/0010). The platform's store comes from {@code WHARF_S3_ENDPOINT}, {@code WHARF_S3_ACCESS_KEY},
 * {@code WHARF_S3_SECRET_KEY} and {@code WHARF_S3_REGION}. Exit codes: the script's for {@code run}, 0 or 1 otherwise,
 * 2 for bad usage.
 */
public final class SupervisorCli {

    private static final String USAGE = "usage: supervisor fetch|run|deliver --workspace DIR --event FILE "
            + "--function FILE [--timeout SECONDS] [--report FILE]";
    private static final String INPUT_NAME_FILE = ".input-name";
    /** What Kubernetes keeps of a container's termination message. */
    private static final int TERMINATION_MESSAGE_BYTES = 4096;

    private SupervisorCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    /** Runs one command with the given environment (instead of the process's); returns the exit code. */
    public static int run(String[] args, Map<String, String> env) {
        if (args.length == 0 || args.length % 2 == 0) {
            System.err.println(USAGE);
            return 2;
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        if (!options.keySet().containsAll(List.of("--workspace", "--event", "--function"))) {
            System.err.println(USAGE);
            return 2;
        }
        try {
            Envelope envelope = EnvelopeCodec.decode(Files.readAllBytes(Path.of(options.get("--event"))));
            FunctionDefinition fn = FdlReader.readOne(Files.readString(Path.of(options.get("--function"))));
            Workspace ws = new Workspace(Path.of(options.get("--workspace")));
            Supervisor supervisor = new Supervisor(new StorageClients(new S3Endpoint(env.get("WHARF_S3_ENDPOINT"),
                    env.get("WHARF_S3_ACCESS_KEY"), env.get("WHARF_S3_SECRET_KEY"), env.get("WHARF_S3_REGION"))));
            return switch (args[0]) {
                case "fetch" -> fetch(supervisor, envelope, fn, options.get("--workspace"));
                case "run" -> runScript(envelope, fn, ws, options.getOrDefault("--timeout", "300"));
                case "deliver" -> deliver(supervisor, envelope, fn, ws, options.get("--report"));
                default -> {
                    System.err.println(USAGE);
                    yield 2;
                }
            };
        } catch (IOException | RuntimeException e) {
            System.err.println("supervisor " + args[0] + " failed: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int fetch(Supervisor supervisor, Envelope envelope, FunctionDefinition fn, String dir)
            throws IOException {
        Workspace ws = new Workspace(Path.of(dir)).reset();
        String name = supervisor.fetch(envelope, fn, ws);
        Files.writeString(ws.root().resolve(INPUT_NAME_FILE), name);
        // for a pod whose next container runs the script in the function's image, with the sandbox at /wharf and
        // nothing but /bin/sh: its variables as the script sees them there (run rewrites them for this machine)
        ScriptLauncher.writeEnvironment(ws.environmentFile(), Supervisor.scriptEnvironment(envelope, fn,
                EnvelopeIds.executionId(fn.name(), envelope.id()), Workspace.containerView(), name));
        return 0;
    }

    /**
     * Delivers the outputs and prints their keys; with {@code --report FILE} (a pod's termination-message path) also
     * writes them there, one per line, as many whole lines as fit in a termination message.
     */
    private static int deliver(Supervisor supervisor, Envelope envelope, FunctionDefinition fn, Workspace ws,
            String report) throws IOException {
        List<String> outputs = supervisor.deliver(fn, ws, EnvelopeIds.executionId(fn.name(), envelope.id()));
        outputs.forEach(System.out::println);
        if (report != null) {
            StringBuilder message = new StringBuilder();
            int bytes = 0;
            for (String output : outputs) {
                bytes += output.getBytes(StandardCharsets.UTF_8).length + 1;
                if (bytes > TERMINATION_MESSAGE_BYTES) {
                    break;
                }
                message.append(output).append('\n');
            }
            Files.writeString(Path.of(report), message, StandardCharsets.UTF_8);
        }
        return 0;
    }

    private static int runScript(Envelope envelope, FunctionDefinition fn, Workspace ws, String timeout)
            throws IOException, InterruptedException {
        String name = Files.readString(ws.root().resolve(INPUT_NAME_FILE));
        String executionId = EnvelopeIds.executionId(fn.name(), envelope.id());
        ScriptLauncher.writeEnvironment(ws.environmentFile(),
                Supervisor.scriptEnvironment(envelope, fn, executionId, ws.hostView(), name));
        Map<String, String> env = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", ws.sandbox().toString());
        RunResult result = ProcessRunner.run(ScriptLauncher.command(ws.hostView()), env, ws.sandbox(),
                Duration.ofSeconds(Long.parseLong(timeout)), ws.logFile(), () -> {
                });
        Files.writeString(ws.root().resolve("exit-code"), Integer.toString(result.exitCode()));
        return result.timedOut() ? 124 : result.exitCode();
    }
}
