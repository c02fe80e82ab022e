package io.wharf.dispatcher.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EventData;
import io.wharf.contracts.function.FdlReader;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.supervisor.ScriptLauncher;
import io.wharf.supervisor.Workspace;

/** Runs for the executors' tests: a workspace made ready as the dispatcher makes it, without a store. */
final class Runs {

    private Runs() {
    }

    static ExecutionRequest prepare(ScriptExecutor executor, Path base, String script, Duration timeout,
            Supplier<String> limits) throws IOException {
        return prepare(executor, base, script, timeout, limits, Map.of());
    }

    /** @param variables the script's variables beside the input's and the output folder's */
    static ExecutionRequest prepare(ScriptExecutor executor, Path base, String script, Duration timeout,
            Supplier<String> limits, Map<String, String> variables) throws IOException {
        String id = "exec-" + Long.toHexString(System.nanoTime());
        FunctionDefinition fn = FdlReader.readOne("{name: exec, image: localhost/wharf-busybox:1, script: x}");
        Envelope envelope = Envelope.of("a".repeat(64), "test://", Envelope.TYPE_INVOCATION, null, Instant.now(),
                fn.name(), EventData.invocation("api", "", null, null));
        Workspace ws = Workspace.create(base, id);
        Files.writeString(ws.scriptFile(), script);
        Files.writeString(ws.inputDir().resolve("input"), "");
        Map<String, String> env = new HashMap<>(variables);
        env.put("TMP_OUTPUT_DIR", executor.paths(ws).outputDir());
        env.put("INPUT_FILE_PATH", executor.paths(ws).inputFile("input"));
        ScriptLauncher.writeEnvironment(ws.environmentFile(), env);
        ws.handTo(executor.scriptUser());
        return new ExecutionRequest(id, fn, envelope, ws, timeout, 1000, 128L << 20, sandbox -> limits.get());
    }

    static String log(ExecutionRequest request) throws IOException {
        return Files.readString(request.workspace().logFile());
    }
}
