package io.wharf.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.api.StreamConfiguration;
import io.wharf.contracts.Names;
import io.wharf.testing.Platform;

/**
 * A benchmark, not a test (Surefire does not pick up {@code *Bench}): run it with {@code bench/run-all}. MinIO-format
 * notifications posted to the gateway's {@code POST /events/minio} by {@code bench.intake.concurrency} clients at once
 * (each answered once its envelope is stored and acked in JetStream: file storage, {@code sync_interval: always}),
 * beside its floor measured in the same run on the same nats-server: raw jnats publishes of payloads of the stored
 * envelopes' size to a stream configured as Wharf's events stream, with a message id, at the same concurrency. The
 * dispatcher is stopped, so that nothing but the intake runs. It asserts nothing about time.
 */
class IntakeBench {

    private static final int EVENTS = Integer.getInteger("bench.intake.events", 4000);
    private static final int CONCURRENCY = Integer.getInteger("bench.intake.concurrency", 16);
    private static final int WARM_UP = 500;

    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        try (Platform platform = Platform.start(dir, Map.of("wharf.dispatcher.executor", "process"))) {
            platform.stopDispatcher();
            platform.post("/system/services", "application/yaml", """
                    name: intake
                    image: %s
                    script: 'true'
                    input: [{storage_provider: minio, path: intake/in}]
                    output: [{storage_provider: minio, path: intake/out}]
                    """.formatted(BenchReport.IMAGE));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI events = URI.create(platform.url() + "/events/minio");
            AtomicInteger next = new AtomicInteger();
            Task post = () -> {
                int i = next.getAndIncrement();
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(events)
                        .header("Authorization", "Bearer " + Platform.WEBHOOK_TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(notification("intake", "in/e" + i + ".txt", i)))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200 || !response.body().contains("\"accepted\":1")) {
                    throw new IllegalStateException("event " + i + ": " + response.statusCode() + " "
                            + response.body());
                }
            };
            run(post, WARM_UP);
            Figures gateway = run(post, EVENTS);

            try (Connection nats = Nats.connect(platform.natsUrl())) {
                JetStreamManagement jsm = nats.jetStreamManagement();
                byte[] payload = jsm.getMessage(Names.EVENTS_STREAM, 1).getData();
                StreamConfiguration events1 = jsm.getStreamInfo(Names.EVENTS_STREAM).getConfiguration();
                jsm.addStream(StreamConfiguration.builder(events1)
                        .name("BENCH_INTAKE")
                        .subjects("bench.intake.>")
                        .build());
                JetStream js = nats.jetStream();
                Task publish = () -> {
                    int i = next.getAndIncrement();
                    js.publish("bench.intake.f", null, payload, PublishOptions.builder()
                            .messageId("raw-" + i)
                            .expectedStream("BENCH_INTAKE")
                            .build());
                };
                run(publish, WARM_UP);
                Figures raw = run(publish, EVENTS);
                new BenchReport("Wharf intake, %s, %d events, %d in flight, %d-byte envelopes, %d core(s)".formatted(
                        Instant.now(), EVENTS, CONCURRENCY, payload.length,
                        Runtime.getRuntime().availableProcessors()))
                        .section("1. intake: POST /events/minio, stored and acked (file, sync always), " + CONCURRENCY
                                + " in flight (floor: raw jnats publish, same size and stream kind)")
                        .row("events/s accepted", String.format("%.0f", gateway.rate), String.format("%.0f", raw.rate),
                                BenchReport.ratio(gateway.rate, raw.rate))
                        .millis("one event, p50", gateway.p50, raw.p50)
                        .millis("one event, p99", gateway.p99, raw.p99)
                        .write("intake");
            }
        }
    }

    /** {@code count} calls of {@code task} by {@link #CONCURRENCY} threads; the rate and the latency of a call. */
    private static Figures run(Task task, int count) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(CONCURRENCY);
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger left = new AtomicInteger(count);
        long start = System.nanoTime();
        try {
            List<Future<Object>> workers = threads.invokeAll(java.util.Collections.nCopies(CONCURRENCY, () -> {
                while (left.getAndDecrement() > 0) {
                    long t = System.nanoTime();
                    task.call();
                    latencies.add((System.nanoTime() - t) / 1e6);
                }
                return null;
            }));
            for (Future<Object> worker : workers) {
                worker.get();
            }
        } finally {
            threads.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Double> sorted = List.copyOf(latencies);
        return new Figures(count / seconds, BenchReport.percentileOf(sorted, 50), BenchReport.percentileOf(sorted, 99));
    }

    /** A bucket notification of one created object, as MinIO's webhook sends it. */
    static String notification(String bucket, String key, int sequence) {
        return """
                {"EventName":"s3:ObjectCreated:Put","Key":"%1$s/%2$s","Records":[{"eventVersion":"2.0",
                 "eventSource":"minio:s3","awsRegion":"","eventTime":"%3$s","eventName":"s3:ObjectCreated:Put",
                 "userIdentity":{"principalId":"wharf-test"},
                 "requestParameters":{"principalId":"wharf-test","region":"","sourceIPAddress":"127.0.0.1"},
                 "responseElements":{"x-amz-request-id":"17CF1A2B3C4D5E6F"},
                 "s3":{"s3SchemaVersion":"1.0","configurationId":"Config",
                  "bucket":{"name":"%1$s","ownerIdentity":{"principalId":"wharf-test"},"arn":"arn:aws:s3:::%1$s"},
                  "object":{"key":"%2$s","size":12,"eTag":"9b2cf535f27731c974343645a3985328",
                   "contentType":"text/plain","sequencer":"%4$016X"}},
                 "source":{"host":"127.0.0.1","port":"","userAgent":"bench"}}]}"""
                .formatted(bucket, key, Instant.now(), sequence);
    }

    @FunctionalInterface
    private interface Task {

        void call() throws Exception;
    }

    private record Figures(double rate, double p50, double p99) {
    }
}
