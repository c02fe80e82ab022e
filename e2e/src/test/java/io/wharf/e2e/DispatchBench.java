package io.wharf.e2e;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StreamConfiguration;
import io.wharf.contracts.Names;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeCodec;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.envelope.EventData;
import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.contracts.execution.ExecutionRecordCodec;
import io.wharf.testing.Platform;

/**
 * A benchmark, not a test (Surefire does not pick up {@code *Bench}): run it with {@code bench/run-all}. Envelopes
 * stored in JetStream at 1, 10 and 100 per second ({@code bench.dispatch.counts} of them at each rate), with the
 * process and then the container executor (the dispatcher's default 2 slots): from the envelope's publish ack to its
 * execution record turning Running, and to the script's own first line (the time it prints). The floor, in the same
 * run on the same nats-server: a bare loop of two threads that pull from a stream configured as Wharf's events
 * stream, spawn the same script (a plain {@code sh}, or {@code podman run} with the container executor's flags) and
 * ack; from the publish ack to the message in hand, and to the script's first line. It asserts nothing about time.
 */
class DispatchBench {

    private static final int[] RATES = {1, 10, 100};
    private static final int[] COUNTS = Arrays.stream(System.getProperty("bench.dispatch.counts", "10,50,200")
            .split(",")).mapToInt(Integer::parseInt).toArray();
    private static final int SLOTS = 2;
    /** The script's start, in nanoseconds: GNU date, or busybox's adjtimex (its date has no %N), microseconds. */
    private static final String SCRIPT = "t=$(date +%s%N); case \"$t\" in *N) t=$(adjtimex | awk '/tv_sec/{s=$2} "
            + "/tv_usec/{u=$2} END{printf \"%d%06d000\", s, u}');; esac; echo \"wharf-bench-started $t\"";
    private static final Pattern STARTED = Pattern.compile("wharf-bench-started (\\d{19})");

    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        BenchReport report = new BenchReport("Wharf dispatch latency, %s, counts %s at %s events/s, %d core(s)"
                .formatted(Instant.now(), Arrays.toString(COUNTS), Arrays.toString(RATES),
                        Runtime.getRuntime().availableProcessors()));
        try (Platform platform = Platform.start(dir, Map.of("wharf.dispatcher.executor", "process"));
                Connection nats = Nats.connect(platform.natsUrl())) {
            platform.post("/system/services", "application/yaml", """
                    name: disp
                    image: %s
                    memory: 32Mi
                    cpu: '1'
                    script: |
                      %s
                    input: [{storage_provider: minio, path: disp/in}]
                    output: [{storage_provider: minio, path: disp/out}]
                    """.formatted(BenchReport.IMAGE, SCRIPT));
            JetStreamManagement jsm = nats.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder(jsm.getStreamInfo(Names.EVENTS_STREAM).getConfiguration())
                    .name("BENCH_DISPATCH")
                    .subjects("bench.dispatch.>")
                    .build());
            for (String executor : List.of("process", "container")) {
                if (executor.equals("container")) {
                    platform.stopDispatcher();
                    platform.startDispatcher(Map.of("wharf.dispatcher.executor", "container"));
                }
                wharf(nats, 1, 3); // warm-up
                report.section("2. dispatch, " + executor + " executor, " + SLOTS + " slots, p50 / p99 (floor: bare "
                        + "pull loop + " + (executor.equals("process") ? "sh" : "podman run") + ", same stream kind)");
                for (int r = 0; r < RATES.length; r++) {
                    int count = COUNTS[r];
                    Latencies wharf = wharf(nats, RATES[r], count);
                    Latencies floor = floor(nats, executor, RATES[r], count);
                    String at = RATES[r] + "/s x" + count;
                    report.row(at + ": stored -> record Running (floor: fetched)", wharf.toRecord(),
                            floor.toRecord(), "p99 " + BenchReport.ratio(wharf.recordP(99), floor.recordP(99)));
                    report.row(at + ": stored -> script's first line", wharf.toScript(), floor.toScript(),
                            "p99 " + BenchReport.ratio(wharf.scriptP(99), floor.scriptP(99)));
                }
            }
        }
        report.write("dispatch");
    }

    /** Publishes {@code count} invocations of {@code disp} at {@code rate}/s and times each from its ack. */
    private static Latencies wharf(Connection nats, int rate, int count) throws Exception {
        JetStream js = nats.jetStream();
        Map<String, Instant> acked = new ConcurrentHashMap<>();
        paced(rate, count, i -> {
            Envelope envelope = Envelope.of(EnvelopeIds.forInvocation("disp", "bench://", i + "-" + System.nanoTime()),
                    "bench://", Envelope.TYPE_INVOCATION, null, Instant.now(), "disp", EventData.invocation("api",
                            Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8)), null, null));
            try {
                js.publish(Names.eventsSubject("disp"), null, EnvelopeCodec.encode(envelope), PublishOptions.builder()
                        .messageId(envelope.id())
                        .expectedStream(Names.EVENTS_STREAM)
                        .build());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            acked.put(EnvelopeIds.executionId("disp", envelope.id()), Instant.now());
        });
        KeyValue records = nats.keyValue(Names.EXECUTIONS_BUCKET);
        Map<String, ExecutionRecord> done = new ConcurrentHashMap<>();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (String id : acked.keySet()) {
                if (!done.containsKey(id)) {
                    KeyValueEntry entry = records.get("disp." + id);
                    ExecutionRecord record = entry == null || entry.getValue() == null
                            ? null
                            : ExecutionRecordCodec.decode(entry.getValue());
                    if (record != null && record.state().isTerminal()) {
                        done.put(id, record);
                    }
                }
            }
            return done.size() == count;
        });
        Latencies latencies = new Latencies();
        for (Map.Entry<String, ExecutionRecord> e : done.entrySet()) {
            Instant ack = acked.get(e.getKey());
            if (e.getValue().startedAt() == null) {
                throw new IllegalStateException(e.getKey() + " never started: " + e.getValue());
            }
            latencies.record.add(millisBetween(ack, e.getValue().startedAt()));
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            nats.objectStore(Names.LOGS_BUCKET).get(e.getKey(), log);
            latencies.script.add(millisBetween(ack, scriptStart(log.toString(StandardCharsets.UTF_8))));
        }
        return latencies;
    }

    /** The floor: a bare pull loop with {@link #SLOTS} threads that spawns the same script for each message. */
    private Latencies floor(Connection nats, String executor, int rate, int count) throws Exception {
        JetStream js = nats.jetStream();
        String durable = "bench-" + executor + "-" + rate;
        nats.jetStreamManagement()
                .addOrUpdateConsumer("BENCH_DISPATCH", ConsumerConfiguration.builder()
                        .durable(durable)
                        .filterSubject("bench.dispatch." + durable)
                        .ackPolicy(AckPolicy.Explicit)
                        .build());
        Map<String, Instant> acked = new ConcurrentHashMap<>();
        List<Seen> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger handled = new AtomicInteger();
        ExecutorService loop = Executors.newFixedThreadPool(SLOTS);
        List<Future<Object>> workers = new ArrayList<>();
        for (int s = 0; s < SLOTS; s++) {
            JetStreamSubscription subscription = js.subscribe(null, PullSubscribeOptions.bind("BENCH_DISPATCH",
                    durable));
            workers.add(loop.submit(() -> {
                while (handled.get() < count) {
                    for (Message message : subscription.fetch(1, Duration.ofMillis(200))) {
                        Instant fetched = Instant.now();
                        String id = new String(message.getData(), StandardCharsets.UTF_8);
                        Path sandbox = Files.createTempDirectory(dir, "floor");
                        String output = BenchReport.run(executor.equals("process")
                                ? List.of("/bin/sh", "-c", SCRIPT)
                                : BenchReport.podmanRun(sandbox, SCRIPT));
                        message.ack();
                        // timed once all are published: a fast worker may get a message before its ack is noted
                        seen.add(new Seen(id, fetched, scriptStart(output)));
                        handled.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        try {
            paced(rate, count, i -> {
                try {
                    String id = durable + "-" + i;
                    js.publish("bench.dispatch." + durable, null, id.getBytes(StandardCharsets.UTF_8),
                            PublishOptions.builder().messageId(id).expectedStream("BENCH_DISPATCH").build());
                    acked.put(id, Instant.now());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            for (Future<Object> worker : workers) {
                worker.get(10, TimeUnit.MINUTES);
            }
        } finally {
            loop.shutdownNow();
        }
        Latencies latencies = new Latencies();
        for (Seen s : seen) {
            latencies.record.add(millisBetween(acked.get(s.id), s.fetched));
            latencies.script.add(millisBetween(acked.get(s.id), s.scriptStart));
        }
        return latencies;
    }

    /** Calls {@code task} {@code count} times, {@code rate} times a second, and returns once all calls returned. */
    private static void paced(int rate, int count, IntConsumer task) throws InterruptedException {
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch done = new CountDownLatch(count);
        AtomicInteger next = new AtomicInteger();
        try {
            ScheduledFuture<?> ticks = pacer.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                if (i < count) {
                    task.accept(i);
                    done.countDown();
                }
            }, 0, 1_000_000_000L / rate, TimeUnit.NANOSECONDS);
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("publishing failed: " + ticks);
            }
        } finally {
            pacer.shutdownNow();
        }
    }

    private static Instant scriptStart(String output) {
        Matcher m = STARTED.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("no start time in: " + output);
        }
        long nanos = Long.parseLong(m.group(1));
        return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }

    private static double millisBetween(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    private record Seen(String id, Instant fetched, Instant scriptStart) {
    }

    /** From the stored envelope to the record (floor: the message in hand), and to the script's first line. */
    private static final class Latencies {

        final List<Double> record = new ArrayList<>();
        final List<Double> script = new ArrayList<>();

        double recordP(int p) {
            return BenchReport.percentileOf(record, p);
        }

        double scriptP(int p) {
            return BenchReport.percentileOf(script, p);
        }

        String toRecord() {
            return BenchReport.ms(recordP(50)) + " / " + BenchReport.ms(recordP(99));
        }

        String toScript() {
            return BenchReport.ms(scriptP(50)) + " / " + BenchReport.ms(scriptP(99));
        }
    }
}
