package io.wharf.dispatcher.execution;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.nats.client.Connection;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import io.quarkus.runtime.StartupEvent;
import io.wharf.contracts.Json;
import io.wharf.contracts.Names;
import io.wharf.contracts.capacity.CapacityReport;
import io.wharf.contracts.capacity.FunctionLoad;
import io.wharf.contracts.capacity.NodeCapacity;
import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.dispatcher.runtime.ExecutionRuntime;
import io.wharf.jetstream.FunctionStore;
import io.wharf.jetstream.Versioned;

/**
 * Reports, every {@code capacity-interval}, what this dispatcher can take, what waits for each function and what the
 * nodes can still give, for an elasticity manager and {@code GET /system/status}: on {@value Names#CAPACITY_SUBJECT},
 * in the {@value Names#CAPACITY_BUCKET} bucket under this dispatcher's id, and as gauges ({@code wharf_queue_depth},
 * {@code wharf_function_queued}, {@code wharf_function_running}, {@code wharf_node_*}).
 */
@ApplicationScoped
public class CapacityReporter {

    private static final Logger LOG = Logger.getLogger(CapacityReporter.class);

    private final Connection connection;
    private final EventConsumer consumer;
    private final Workload workload;
    private final ExecutionRuntime runtime;
    private final FunctionStore functions;
    private final FunctionLimits limits;
    private final DispatcherConfig.Dispatcher config;
    private final String instanceId;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicReference<CapacityReport> last = new AtomicReference<>();
    private final MultiGauge queued;
    private final MultiGauge running;
    private final List<MultiGauge> nodeGauges;

    public CapacityReporter(Connection connection, EventConsumer consumer, Workload workload,
            ExecutionRuntime runtime, FunctionStore functions, DispatcherConfig config, DispatcherIdentity identity,
            ScheduledExecutorService scheduler, MeterRegistry meters) {
        this.connection = connection;
        this.consumer = consumer;
        this.workload = workload;
        this.runtime = runtime;
        this.functions = functions;
        this.limits = FunctionLimits.of(config);
        this.config = config.dispatcher();
        this.instanceId = identity.instanceId();
        this.scheduler = scheduler;
        meters.gauge("wharf.queue.depth", pending);
        this.queued = MultiGauge.builder("wharf.function.queued")
                .description("envelopes of the function queued, waiting or running")
                .register(meters);
        this.running = MultiGauge.builder("wharf.function.running")
                .description("executions of the function running on this dispatcher")
                .register(meters);
        this.nodeGauges = List.of(
                MultiGauge.builder("wharf.node.cpu.allocatable").baseUnit("cores").register(meters),
                MultiGauge.builder("wharf.node.cpu.free").baseUnit("cores").register(meters),
                MultiGauge.builder("wharf.node.memory.allocatable").baseUnit("bytes").register(meters),
                MultiGauge.builder("wharf.node.memory.free").baseUnit("bytes").register(meters),
                MultiGauge.builder("wharf.node.gpus.free").register(meters));
    }

    void start(@Observes StartupEvent event) {
        long period = config.capacityInterval().toMillis();
        scheduler.scheduleAtFixedRate(this::publish, 0, period, TimeUnit.MILLISECONDS);
    }

    /** The report last published, if any. */
    public CapacityReport last() {
        return last.get();
    }

    /** Measures, publishes and returns the report. */
    public CapacityReport publish() {
        CapacityReport report = measure();
        last.set(report);
        gauges(report);
        try {
            byte[] json = Json.json().writeValueAsBytes(report);
            connection.publish(Names.CAPACITY_SUBJECT, json);
            connection.keyValue(Names.CAPACITY_BUCKET).put(key(), json);
        } catch (Exception e) {
            LOG.debugf("cannot publish the capacity report: %s", e.getMessage());
        }
        return report;
    }

    private CapacityReport measure() {
        Map<String, Long> inQueue = new TreeMap<>();
        try {
            var state = connection.jetStreamManagement()
                    .getStreamInfo(Names.EVENTS_STREAM, StreamInfoOptions.filterSubjects(Names.eventsWildcard()))
                    .getStreamState();
            if (state.getSubjects() != null) {
                for (Subject subject : state.getSubjects()) {
                    inQueue.put(subject.getName().substring(subject.getName().lastIndexOf('.') + 1),
                            subject.getCount());
                }
            }
            pending.set(connection.jetStreamManagement()
                    .getConsumerInfo(Names.EVENTS_STREAM, EventConsumer.DURABLE)
                    .getNumPending());
        } catch (Exception e) {
            LOG.debugf("cannot read the queue: %s", e.getMessage());
        }
        Map<String, Long> here = workload.perFunction();
        List<FunctionLoad> loads = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(inQueue.keySet());
        names.addAll(here.keySet());
        for (String name : names) {
            functions.get(name)
                    .map(Versioned::value)
                    .ifPresent(fn -> loads.add(new FunctionLoad(name,
                            inQueue.getOrDefault(name, 0L), here.getOrDefault(name, 0L), limits.requested(fn))));
        }
        List<NodeCapacity> nodes = runtime.capacity(workload.inUse());
        return new CapacityReport(instanceId, runtime.kind(), config.concurrency(), workload.size(),
                consumer.freeSlots(), pending.get(), loads, nodes, Instant.now());
    }

    private void gauges(CapacityReport report) {
        queued.register(report.functions()
                .stream()
                .map(f -> MultiGauge.Row.of(Tags.of("function", f.function()), f.queued()))
                .toList(), true);
        running.register(report.functions()
                .stream()
                .map(f -> MultiGauge.Row.of(Tags.of("function", f.function()), f.running()))
                .toList(), true);
        List<List<MultiGauge.Row<?>>> rows = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>(), new ArrayList<>());
        for (NodeCapacity node : report.nodes()) {
            Tags tags = Tags.of("node", node.name());
            rows.get(0).add(MultiGauge.Row.of(tags, node.allocatable().cpuMillis() / 1000.0));
            rows.get(1).add(MultiGauge.Row.of(tags, node.free().cpuMillis() / 1000.0));
            rows.get(2).add(MultiGauge.Row.of(tags, node.allocatable().memoryBytes()));
            rows.get(3).add(MultiGauge.Row.of(tags, node.free().memoryBytes()));
            rows.get(4).add(MultiGauge.Row.of(tags, node.free().gpus()));
        }
        for (int i = 0; i < nodeGauges.size(); i++) {
            nodeGauges.get(i).register(rows.get(i), true);
        }
    }

    /** This dispatcher's key in the bucket: its id, with what a key may not hold replaced. */
    private String key() {
        return instanceId.replaceAll("[^-_.A-Za-z0-9]", "_");
    }
}
