package io.wharf.dispatcher;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.wharf.contracts.Names;
import io.wharf.contracts.capacity.NodeCapacity;
import io.wharf.contracts.capacity.Resources;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeCodec;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.envelope.EventData;
import io.wharf.contracts.function.FdlReader;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.dispatcher.runtime.Attempt;
import io.wharf.dispatcher.runtime.ExecutionRuntime;
import io.wharf.dispatcher.runtime.Outcome;
import io.wharf.jetstream.FunctionStore;
import io.wharf.supervisor.RunResult;
import io.wharf.testing.Binaries;
import io.wharf.testing.WharfTestResource;

/**
 * A benchmark, not a test (Surefire does not pick up {@code *Bench}): run it with {@code bench/run-all}. The
 * dispatcher's whole consume/record path (pull, function lookup, record created, Running, log stored, Succeeded, ack)
 * against a real nats-server ({@code sync_interval: always}), with a simulated runtime in place of the executor: the
 * script "runs" in no time. A backlog is stored first, then released, and the wall time per event is taken as it
 * drains: after 2,000 events of warm-up, for {@code bench.scale.events / 10} events spread over 100 functions, then for {@code bench.scale.events}
 * events of one function, per tenth of the drain, as the backlog shrinks and the execution records grow. If no step
 * scans the history, the cost per event stays flat. It asserts nothing about time.
 */
@QuarkusTest
@TestProfile(DispatchScaleBench.Simulated.class)
@WithTestResource(value = WharfTestResource.class, initArgs = @ResourceArg(name = WharfTestResource.SERVICE, value = "dispatcher"))
class DispatchScaleBench {

    private static final int EVENTS = Integer.getInteger("bench.scale.events", 100_000);
    private static final int FUNCTIONS = 100;
    private static final String SLOTS = System.getProperty("bench.scale.slots", "8");

    /** The dispatcher with {@link SimulatedRuntime}, {@link #SLOTS} slots and production's ack wait. */
    public static class Simulated implements QuarkusTestProfile {

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(SimulatedRuntime.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("wharf.dispatcher.concurrency", SLOTS, "wharf.dispatcher.ack-wait", "30S");
        }
    }

    /** Runs nothing: marks the attempt started, waits while the gate is closed, notes the time, succeeds. */
    @Alternative
    @Singleton
    static class SimulatedRuntime implements ExecutionRuntime {

        static volatile CountDownLatch gate = new CountDownLatch(1);
        static final AtomicInteger CARRIED = new AtomicInteger();
        static volatile long[] times = new long[0];
        static volatile CountDownLatch drained = new CountDownLatch(0);

        @Override
        public Outcome carryOut(Attempt attempt) throws InterruptedException {
            gate.await();
            attempt.started().run();
            int n = CARRIED.getAndIncrement();
            if (n < times.length) {
                times[n] = System.nanoTime();
            }
            drained.countDown();
            return Outcome.ended(new RunResult(0, false, Duration.ZERO), List.of(), Duration.ofMinutes(5));
        }

        @Override
        public void stop(String executionId) {
        }

        @Override
        public boolean available() {
            return true;
        }

        @Override
        public String kind() {
            return "simulated";
        }

        @Override
        public List<NodeCapacity> capacity(Resources inUse) {
            return List.of();
        }
    }

    @Inject
    Connection connection;
    @Inject
    FunctionStore functions;

    @Test
    void measure() throws Exception {
        SecretCipher cipher = SecretCipher.fromBase64(WharfTestResource.SECRETS_KEY);
        for (int f = 0; f < FUNCTIONS; f++) {
            functions.create(FdlReader.readOne("""
                    name: f%d
                    image: localhost/wharf-busybox:1
                    script: 'true'
                    input: [{storage_provider: minio, path: scale/in}]
                    output: [{storage_provider: minio, path: scale/out}]
                    """.formatted(f)).managedBy("bench", "b".repeat(32), "%016x".formatted(f), 1).sealed(cipher));
        }
        int spread = EVENTS / 10;
        drain(2000, FUNCTIONS); // warm-up, not counted: the JIT, the connections, the stream files
        long[] many = drain(spread, FUNCTIONS);
        long[] one = drain(EVENTS, 1);

        double base = perEvent(one, 0, EVENTS / 10);
        StringBuilder rows = new StringBuilder("6. scale on paper: dispatcher consume/record path, simulated executor, "
                + SLOTS + " slots, wall time per event (floor: the first tenth of the 1-function drain)\n");
        row(rows, spread + " events over " + FUNCTIONS + " functions (history 2000)", perEvent(many, 0, spread), base);
        for (int tenth : new int[]{1, 5, 10}) {
            int from = (tenth - 1) * EVENTS / 10;
            row(rows, String.format("1 function, event %d-%d: backlog %d, records %d", from + 1, from + EVENTS / 10,
                    EVENTS - from, 2000 + spread + from), perEvent(one, from, from + EVENTS / 10), base);
        }
        row(rows, "1 function, all " + EVENTS + " events", perEvent(one, 0, EVENTS), base);
        String report = "Wharf dispatcher at scale, " + Instant.now() + ", " + EVENTS + " + " + spread + " events, "
                + Runtime.getRuntime().availableProcessors() + " core(s)\n" + rows;
        System.out.print(report.replace('|', '\t'));
        Path results = Files.createDirectories(Binaries.repositoryRoot().resolve("bench/results"));
        Files.writeString(results.resolve("scale.txt"), report.replace('|', '\t'), StandardCharsets.UTF_8);
        Files.writeString(results.resolve("scale.rows"), rows, StandardCharsets.UTF_8);
    }

    /**
     * Stores {@code count} envelopes round-robin over {@code functionCount} functions while the gate is closed, opens
     * it, and returns when each was carried out, with the time each was.
     */
    private long[] drain(int count, int functionCount) throws Exception {
        SimulatedRuntime.gate = new CountDownLatch(1);
        long[] times = new long[count];
        SimulatedRuntime.CARRIED.set(0);
        SimulatedRuntime.times = times;
        SimulatedRuntime.drained = new CountDownLatch(count);
        JetStream js = connection.jetStream();
        List<CompletableFuture<PublishAck>> inFlight = new ArrayList<>();
        String body = Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < count; i++) {
            String function = "f" + (i % functionCount);
            Envelope envelope = Envelope.of(EnvelopeIds.forInvocation(function, "bench://", count + "-" + i + "-"
                    + System.nanoTime()), "bench://", Envelope.TYPE_INVOCATION, null, Instant.now(), function,
                    EventData.invocation("api", body, null, null));
            inFlight.add(js.publishAsync(Names.eventsSubject(function), EnvelopeCodec.encode(envelope),
                    PublishOptions.builder().messageId(envelope.id()).expectedStream(Names.EVENTS_STREAM).build()));
            if (inFlight.size() == 256) {
                inFlight.forEach(CompletableFuture::join);
                inFlight.clear();
            }
        }
        inFlight.forEach(CompletableFuture::join);
        SimulatedRuntime.gate.countDown();
        if (!SimulatedRuntime.drained.await(30, TimeUnit.MINUTES)) {
            throw new IllegalStateException("not drained: " + SimulatedRuntime.CARRIED.get() + " of " + count);
        }
        return times;
    }

    /** Microseconds of wall time per event from event {@code from} to event {@code to} (exclusive). */
    private static double perEvent(long[] times, int from, int to) {
        return (times[to - 1] - times[from]) / 1e3 / (to - 1 - from);
    }

    private static void row(StringBuilder rows, String figure, double micros, double base) {
        rows.append(String.format("%s|%.0f us (%.0f/s)|%.0f us|%.2fx%n", figure, micros, 1e6 / micros, base,
                micros / base));
    }
}
