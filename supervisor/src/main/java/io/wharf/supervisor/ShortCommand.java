package io.wharf.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.wharf.contracts.LogLines;

/**
 * A short command of the platform's own (a container engine's listing or removal, {@code umount}): run through
 * {@link ProcessRunner} with exactly the environment given, its output read back whole.
 */
public final class ShortCommand {

    private ShortCommand() {
    }

    /**
     * How it ended.
     *
     * @param output what it wrote, both streams, without the times the log adds
     */
    public record Result(boolean succeeded, int exitCode, String output) {
    }

    public static Result run(List<String> command, Map<String, String> environment, Duration timeout)
            throws IOException, InterruptedException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path log = Files.createTempFile(tmp, "wharf-command-", ".log");
        try {
            RunResult result = ProcessRunner.run(command, environment, tmp, timeout, log, () -> {
            });
            String output = new String(LogLines.withoutTimes(Files.readAllBytes(log)), StandardCharsets.UTF_8);
            return new Result(result.succeeded(), result.exitCode(), output);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
