package io.wharf.gateway.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.wharf.contracts.Json;
import io.wharf.contracts.Names;
import io.wharf.contracts.capacity.CapacityReport;
import io.wharf.contracts.capacity.FunctionLoad;
import io.wharf.contracts.capacity.NodeCapacity;
import io.wharf.contracts.capacity.Resources;

/**
 * {@code GET /system/status}: the dispatchers' latest capacity reports (bucket {@value Names#CAPACITY_BUCKET}) put
 * together in OSCAR's shape ({@code cluster}: nodes, free and schedulable CPU in millicores, memory in bytes, GPUs;
 * {@code oscar}: the platform's own state), and Wharf's own view beside it ({@code wharf}: each dispatcher, and what
 * waits and runs for each function the caller may see). Nodes' "usage" is what Wharf's executions request on them
 * (Wharf reads no metrics server), so free and schedulable are the same figures.
 */
@ApplicationScoped
public class PlatformStatus {

    private static final Logger LOG = Logger.getLogger(PlatformStatus.class);

    private final Connection connection;

    public PlatformStatus(Connection connection) {
        this.connection = connection;
    }

    /**
     * @param visible which functions' work the caller may see
     * @param operator whether the caller operates the platform (sees the totals of every function's work)
     */
    public Status status(Predicate<String> visible, boolean operator) {
        List<CapacityReport> reports = reports();
        Map<String, NodeCapacity> nodes = new TreeMap<>();
        reports.stream()
                .sorted(Comparator.comparing(CapacityReport::time))
                .forEach(r -> r.nodes().forEach(n -> nodes.put(n.name(), n)));
        Map<String, FunctionWork> functions = new TreeMap<>();
        long queued = 0;
        long running = 0;
        Map<String, Long> queuedPerFunction = new TreeMap<>();
        for (CapacityReport report : reports) {
            for (FunctionLoad load : report.functions()) {
                // every dispatcher sees the same queue; each runs its own share
                queuedPerFunction.merge(load.function(), load.queued(), Math::max);
                running += load.running();
                if (visible.test(load.function())) {
                    functions.merge(load.function(),
                            new FunctionWork(load.function(), 0, load.running(), load.perExecution()),
                            (a, b) -> new FunctionWork(a.function(), 0, a.running() + b.running(), a.perExecution()));
                }
            }
        }
        for (long n : queuedPerFunction.values()) {
            queued += n;
        }
        List<FunctionWork> work = functions.values()
                .stream()
                .map(f -> new FunctionWork(f.function(),
                        Math.max(0, queuedPerFunction.getOrDefault(f.function(), 0L) - f.running()), f.running(),
                        f.perExecution()))
                .toList();
        long waiting = Math.max(0, queued - running);
        Oscar oscar = new Oscar("wharf", !reports.isEmpty(),
                new Deployment(reports.size(), reports.size(), reports.size()),
                operator ? queued : 0,
                operator ? new Pods(queued, Map.of("Pending", waiting, "Running", running)) : new Pods(0, Map.of()));
        List<Dispatcher> dispatchers = reports.stream()
                .sorted(Comparator.comparing(CapacityReport::dispatcher))
                .map(r -> new Dispatcher(r.dispatcher(), r.executor(), r.slots(), r.busy(), r.free(),
                        r.time().toString()))
                .toList();
        return new Status(cluster(new ArrayList<>(nodes.values())), oscar, new Wharf(dispatchers, work));
    }

    private List<CapacityReport> reports() {
        List<CapacityReport> reports = new ArrayList<>();
        try {
            KeyValue bucket = connection.keyValue(Names.CAPACITY_BUCKET);
            for (String key : bucket.keys()) {
                KeyValueEntry entry = bucket.get(key);
                if (entry != null && entry.getValue() != null) {
                    reports.add(Json.json().readValue(entry.getValue(), CapacityReport.class));
                }
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.warnf("cannot read the capacity reports: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return reports;
    }

    private static Cluster cluster(List<NodeCapacity> nodes) {
        long freeCpu = 0;
        long maxCpu = 0;
        long freeMemory = 0;
        long maxMemory = 0;
        long gpus = 0;
        List<Node> shown = new ArrayList<>();
        for (NodeCapacity node : nodes) {
            Resources free = node.free();
            long cpu = Math.max(0, free.cpuMillis());
            long memory = Math.max(0, free.memoryBytes());
            freeCpu += cpu;
            maxCpu = Math.max(maxCpu, cpu);
            freeMemory += memory;
            maxMemory = Math.max(maxMemory, memory);
            gpus += node.allocatable().gpus();
            Resources requested = node.allocatable().minus(free);
            shown.add(new Node(node.name(),
                    new NodeCpu(node.allocatable().cpuMillis(), requested.cpuMillis(), requested.cpuMillis()),
                    new NodeMemory(node.allocatable().memoryBytes(), requested.memoryBytes(),
                            requested.memoryBytes()),
                    node.allocatable().gpus(), false, "Ready", List.of(new Condition("Ready", true))));
        }
        return new Cluster(nodes.size(), new Metrics(new Cpu(freeCpu, maxCpu, freeCpu, maxCpu),
                new Memory(freeMemory, maxMemory, freeMemory, maxMemory), new Gpu(gpus)), shown);
    }

    /** The whole answer. */
    public record Status(@JsonProperty("cluster") Cluster cluster, @JsonProperty("oscar") Oscar oscar,
            @JsonProperty("wharf") Wharf wharf) {
    }

    public record Cluster(@JsonProperty("nodes_count") int nodesCount, @JsonProperty("metrics") Metrics metrics,
            @JsonProperty("nodes") List<Node> nodes) {
    }

    public record Metrics(@JsonProperty("cpu") Cpu cpu, @JsonProperty("memory") Memory memory,
            @JsonProperty("gpu") Gpu gpu) {
    }

    /** Millicores, as OSCAR's fields (named "cores") hold; OSCAR spells the last field this way. */
    public record Cpu(@JsonProperty("total_free_cores") long totalFree,
            @JsonProperty("max_free_on_node_cores") long maxFreeOnNode,
            @JsonProperty("total_schedulable_cores") long totalSchedulable,
            @JsonProperty("total_schedulable_on_node_cores") long maxSchedulableOnNode) {
    }

    public record Memory(@JsonProperty("total_free_bytes") long totalFree,
            @JsonProperty("max_free_on_node_bytes") long maxFreeOnNode,
            @JsonProperty("total_schedulable_bytes") long totalSchedulable,
            @JsonProperty("max_schedulable_on_node_bytes") long maxSchedulableOnNode) {
    }

    public record Gpu(@JsonProperty("total_gpu") long total) {
    }

    public record Node(@JsonProperty("name") String name, @JsonProperty("cpu") NodeCpu cpu,
            @JsonProperty("memory") NodeMemory memory, @JsonProperty("gpu") long gpu,
            @JsonProperty("is_interlink") boolean interlink, @JsonProperty("status") String status,
            @JsonProperty("conditions") List<Condition> conditions) {
    }

    public record NodeCpu(@JsonProperty("capacity_cores") long capacity, @JsonProperty("usage_cores") long usage,
            @JsonProperty("request_cores") long request) {
    }

    public record NodeMemory(@JsonProperty("capacity_bytes") long capacity, @JsonProperty("usage_bytes") long usage,
            @JsonProperty("request_bytes") long request) {
    }

    public record Condition(@JsonProperty("type") String type, @JsonProperty("status") boolean status) {
    }

    /** OSCAR's own state; here, the dispatchers stand for OSCAR's deployment and queued work for its jobs. */
    public record Oscar(@JsonProperty("deployment_name") String deploymentName, @JsonProperty("ready") boolean ready,
            @JsonProperty("deployment") Deployment deployment, @JsonProperty("jobs_count") long jobsCount,
            @JsonProperty("pods") Pods pods) {
    }

    public record Deployment(@JsonProperty("available_replicas") int available,
            @JsonProperty("ready_replicas") int ready, @JsonProperty("replicas") int replicas) {
    }

    public record Pods(@JsonProperty("total") long total, @JsonProperty("states") Map<String, Long> states) {

        public Pods {
            states = new LinkedHashMap<>(states);
        }
    }

    /** Wharf's own view. */
    public record Wharf(@JsonProperty("dispatchers") List<Dispatcher> dispatchers,
            @JsonProperty("functions") List<FunctionWork> functions) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Dispatcher(@JsonProperty("id") String id, @JsonProperty("executor") String executor,
            @JsonProperty("slots") int slots, @JsonProperty("busy") int busy, @JsonProperty("free") int free,
            @JsonProperty("reported_at") String reportedAt) {
    }

    /** What waits (in the queue, not yet running) and runs of one function, and what one execution requests. */
    public record FunctionWork(@JsonProperty("function") String function, @JsonProperty("waiting") long waiting,
            @JsonProperty("running") long running, @JsonProperty("per_execution") Resources perExecution) {
    }
}
