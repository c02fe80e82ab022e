package io.wharf.jetstream;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeCodec;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.envelope.EventData;
import io.wharf.testing.Binaries;
import io.wharf.testing.NatsServer;

/**
 * A benchmark, not a test (Surefire does not pick up {@code *Bench}): run it with {@code bench/sync-cost.sh}. What
 * Wharf's {@code sync_interval: always} (every acked envelope is on disk, so a {@code kill -9} of nats-server loses
 * none) costs, beside nats-server's default (sync every two minutes) measured in the same run: raw jnats publishes of
 * envelope-sized messages to a file stream, one at a time (latency of an ack) and {@code bench.window} in flight
 * (throughput). It asserts nothing about time.
 */
class SyncCostBench {

    private static final int SEQUENTIAL = Integer.getInteger("bench.sequential", 1000);
    private static final int CONCURRENT = Integer.getInteger("bench.concurrent", 10000);
    private static final int WINDOW = Integer.getInteger("bench.window", 64);

    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        byte[] payload = envelope();
        Figures always = measure(new NatsServer(dir.resolve("always")), payload);
        Figures lazy = measure(new NatsServer(dir.resolve("default")).withDefaultSync(), payload);
        String report = """
                JetStream publish of a %d-byte envelope to a file stream, raw jnats (%s)
                                                   sync_interval: always   default (2m)   cost
                one at a time, ack latency p50     %10.2f ms        %8.2f ms   %5.1fx
                one at a time, ack latency p99     %10.2f ms        %8.2f ms   %5.1fx
                one at a time, publishes/s         %10.0f           %8.0f      %5.1fx
                %3d in flight, publishes/s          %10.0f           %8.0f      %5.1fx
                """.formatted(payload.length, Instant.now(), always.p50, lazy.p50, always.p50 / lazy.p50, always.p99,
                lazy.p99, always.p99 / lazy.p99, always.sequentialRate, lazy.sequentialRate,
                lazy.sequentialRate / always.sequentialRate, WINDOW, always.concurrentRate, lazy.concurrentRate,
                lazy.concurrentRate / always.concurrentRate);
        System.out.print(report);
        Path results = Binaries.repositoryRoot().resolve("bench/results");
        Files.createDirectories(results);
        Files.writeString(results.resolve("sync-cost.txt"), report, StandardCharsets.UTF_8);
        // the same as rows of figure|Wharf|floor|ratio, for bench/run-all's table (e2e's BenchReport writes these)
        String rows = String.join("\n",
                "1b. what sync_interval: always costs: raw jnats, " + payload.length + "-byte envelopes "
                        + "(floor: nats-server's default sync, every 2 minutes)",
                String.format("one at a time, ack latency p50|%.2f ms|%.2f ms|%.2fx", always.p50, lazy.p50,
                        always.p50 / lazy.p50),
                String.format("one at a time, ack latency p99|%.2f ms|%.2f ms|%.2fx", always.p99, lazy.p99,
                        always.p99 / lazy.p99),
                String.format("%d in flight, publishes/s|%.0f|%.0f|%.2fx", WINDOW, always.concurrentRate,
                        lazy.concurrentRate, always.concurrentRate / lazy.concurrentRate))
                + "\n";
        Files.writeString(results.resolve("sync-cost.rows"), rows, StandardCharsets.UTF_8);
    }

    private static Figures measure(NatsServer server, byte[] payload) throws Exception {
        server.start();
        try (Connection nats = Nats.connect(server.url())) {
            nats.jetStreamManagement()
                    .addStream(StreamConfiguration.builder()
                            .name("BENCH")
                            .subjects("bench.>")
                            .storageType(StorageType.File)
                            .build());
            JetStream js = nats.jetStream();
            for (int i = 0; i < 200; i++) {
                js.publish("bench.warm", payload);
            }
            double[] latencies = new double[SEQUENTIAL];
            long start = System.nanoTime();
            for (int i = 0; i < SEQUENTIAL; i++) {
                long t = System.nanoTime();
                js.publish("bench.one", payload);
                latencies[i] = (System.nanoTime() - t) / 1e6;
            }
            double sequentialRate = SEQUENTIAL / ((System.nanoTime() - start) / 1e9);
            Arrays.sort(latencies);

            List<CompletableFuture<PublishAck>> inFlight = new ArrayList<>();
            start = System.nanoTime();
            for (int i = 0; i < CONCURRENT; i++) {
                inFlight.add(js.publishAsync("bench.many", payload));
                if (inFlight.size() == WINDOW) {
                    inFlight.forEach(CompletableFuture::join);
                    inFlight.clear();
                }
            }
            inFlight.forEach(CompletableFuture::join);
            double concurrentRate = CONCURRENT / ((System.nanoTime() - start) / 1e9);
            return new Figures(latencies[latencies.length / 2], latencies[(int) (latencies.length * 0.99)],
                    sequentialRate, concurrentRate);
        } finally {
            server.stop();
        }
    }

    /** An envelope as the gateway stores one for an uploaded object. */
    private static byte[] envelope() {
        String source = "minio://default/bench-bucket";
        String key = "in/images/sample-0001.jpg";
        return EnvelopeCodec.encode(Envelope.of(EnvelopeIds.forObject("bench", source, key, "0123456789abcdef"),
                source, Envelope.TYPE_OBJECT_CREATED, key, Instant.now(), "bench",
                EventData.object("minio", "default", "bench-bucket", key, 123456L, "0123456789abcdef", null, null)));
    }

    private record Figures(double p50, double p99, double sequentialRate, double concurrentRate) {
    }
}
