package io.wharf.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/** A real server started as a child process, its output in a log file, ready once its port accepts connections. */
public class ServerProcess implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServerProcess.class);

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final int port;
    private final Path logFile;
    private Process process;
    private Duration startup;

    public ServerProcess(String name, List<String> command, Map<String, String> environment, int port, Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.port = port;
        this.logFile = logFile;
    }

    /** Starts the process and waits up to {@code timeout} for its port. */
    public ServerProcess start(Duration timeout) {
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            pb.environment().putAll(environment);
            long t0 = System.nanoTime();
            process = pb.start();
            startup = Duration.ofNanos(-t0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
        LOG.infof("started %s (pid %d) on port %d, log %s", name, process.pid(), port, logFile);
        try {
            await(name + " listening on " + port).atMost(timeout)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(name + " exited with " + process.exitValue()
                                    + ", see " + logFile + ":\n" + tail());
                        }
                        return accepts(port);
                    });
            startup = startup.plusNanos(System.nanoTime());
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        return this;
    }

    /** From the process's start to its port accepting connections. */
    public Duration startup() {
        return startup;
    }

    /** The process's resident memory now, in KiB, from /proc; -1 when unknown. */
    public long residentKib() {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))
                    .stream()
                    .filter(l -> l.startsWith("VmRSS:"))
                    .map(l -> l.replaceAll("\\D", ""))
                    .mapToLong(Long::parseLong)
                    .findFirst()
                    .orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public int port() {
        return port;
    }

    /** The process, for looking at what it started (its descendants). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Stops the process: SIGTERM, then SIGKILL after ten seconds. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Kills the process at once, as a crash or power cut would. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    public String tail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
