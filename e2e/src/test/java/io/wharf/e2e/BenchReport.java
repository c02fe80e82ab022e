package io.wharf.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import com.sun.net.httpserver.HttpServer;

import io.wharf.testing.Binaries;

/**
 * What the benchmarks share: percentiles, the bare {@code podman run} floor (the container executor's flags), and their
 * report: rows of <i>figure, Wharf, floor, Wharf / floor</i>, printed, written to {@code bench/results/<name>.txt} and,
 * pipe-separated, to {@code bench/results/<name>.rows} for {@code bench/run-all} to gather into one table.
 */
final class BenchReport {

    static final String IMAGE = "localhost/wharf-busybox:1";

    private final String title;
    private final List<String[]> rows = new ArrayList<>();

    BenchReport(String title) {
        this.title = title;
    }

    /** A section heading in the table. */
    BenchReport section(String name) {
        rows.add(new String[]{name});
        return this;
    }

    BenchReport row(String figure, String wharf, String floor, String ratio) {
        rows.add(new String[]{figure, wharf, floor, ratio});
        return this;
    }

    /** A row of two times in milliseconds, with their ratio. */
    BenchReport millis(String figure, double wharf, double floor) {
        return row(figure, ms(wharf), ms(floor), ratio(wharf, floor));
    }

    static String ms(double millis) {
        return millis < 10 ? String.format("%.2f ms", millis) : String.format("%.0f ms", millis);
    }

    static String ratio(double wharf, double floor) {
        return floor <= 0 ? "" : String.format("%.2fx", wharf / floor);
    }

    /** Prints the report and writes {@code bench/results/<name>.txt} and {@code .rows}. */
    void write(String name) throws IOException {
        StringBuilder text = new StringBuilder(title).append('\n');
        StringBuilder pipes = new StringBuilder();
        text.append(String.format("  %-50s %19s %19s %10s%n", "figure", "Wharf", "floor", "ratio"));
        for (String[] r : rows) {
            if (r.length == 1) {
                text.append(r[0]).append('\n');
            } else {
                text.append(String.format("  %-50s %19s %19s %10s%n", (Object[]) r));
            }
            pipes.append(String.join("|", r)).append('\n');
        }
        System.out.print(text);
        Path results = Files.createDirectories(Binaries.repositoryRoot().resolve("bench/results"));
        Files.writeString(results.resolve(name + ".txt"), text, StandardCharsets.UTF_8);
        Files.writeString(results.resolve(name + ".rows"), pipes, StandardCharsets.UTF_8);
    }

    /** The nearest-rank percentile; 0 for no values. */
    static long percentile(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
    }

    /** As {@link #percentile(List, int)}, for fractional values. */
    static double percentileOf(List<Double> values, int p) {
        List<Double> sorted = values.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
    }

    /**
     * A bare {@code podman run} of {@code script} in {@link #IMAGE}, with the flags Wharf's container executor uses (32
     * MiB, one core), {@code sandbox} mounted as the working directory {@code /wharf}.
     */
    static List<String> podmanRun(Path sandbox, String script) throws IOException {
        Files.setPosixFilePermissions(sandbox, PosixFilePermissions.fromString("rwxrwxrwx"));
        return List.of("podman", "run", "--rm", "--user", "65534:65534", "--network", "none", "--cpus", "1",
                "--memory", (32 << 20) + "b", "--memory-swap", (32 << 20) + "b", "--pids-limit", "512",
                "--cap-drop", "all", "--security-opt", "no-new-privileges", "--read-only",
                "--tmpfs", "/tmp:rw,nosuid,nodev,mode=1777,size=67108864", "--volume", sandbox + ":/wharf",
                "--workdir", "/wharf", "--entrypoint", "/bin/sh", IMAGE, "-c", script);
    }

    /** Runs a command to its end and returns its output; fails when it fails. */
    static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(command.get(0) + " failed: " + output);
        }
        return output;
    }

    /**
     * The floor of a service's start-up and memory: a JVM that only serves HTTP ({@code java -cp <test classes>
     * io.wharf.e2e.BenchReport$BareServer <port>}), as the services are started (plain {@code java}).
     */
    static final class BareServer {

        private BareServer() {
        }

        public static void main(String[] args) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 0);
            server.createContext("/health", exchange -> {
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
        }
    }
}
