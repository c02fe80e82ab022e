package io.wharf.dispatcher.kubernetes;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.wharf.contracts.capacity.NodeCapacity;
import io.wharf.contracts.capacity.Resources;

/**
 * The nodes executions may run on (ready, schedulable, matching the executor's node selector), watched by an
 * informer, with what each can give: its allocatable CPU, memory and GPUs, less what the executions' pods placed on it
 * request. Other workloads on the same nodes are not seen (the dispatcher reads only its own namespace's pods): give
 * executions nodes of their own with a node selector where that matters.
 */
public final class ClusterNodes implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ClusterNodes.class);

    private final SharedIndexInformer<Node> nodes;
    private final JobWatch watch;
    private final String gpuResource;

    private ClusterNodes(SharedIndexInformer<Node> nodes, JobWatch watch, String gpuResource) {
        this.nodes = nodes;
        this.watch = watch;
        this.gpuResource = gpuResource;
    }

    /** Starts watching the nodes; without the right to read them, capacity stays unknown. */
    public static Optional<ClusterNodes> start(KubernetesClient client, Map<String, String> nodeSelector,
            JobWatch watch, String gpuResource) {
        try {
            SharedIndexInformer<Node> informer = client.nodes().withLabels(nodeSelector).runnableInformer(0);
            informer.start().toCompletableFuture().join();
            return Optional.of(new ClusterNodes(informer, watch, gpuResource));
        } catch (KubernetesClientException | java.util.concurrent.CompletionException e) {
            LOG.warnf("the nodes cannot be read (%s): capacity is unknown, and executions are not held back for it",
                    e.getMessage());
            return Optional.empty();
        }
    }

    /** Each usable node, with what is left of it. */
    public List<NodeCapacity> capacity() {
        List<Pod> placed = watch.pods()
                .stream()
                .filter(p -> p.getSpec().getNodeName() != null)
                .filter(p -> p.getStatus() == null || !List.of("Succeeded", "Failed")
                        .contains(p.getStatus()
                                .getPhase()))
                .toList();
        return nodes.getStore()
                .list()
                .stream()
                .filter(ClusterNodes::usable)
                .sorted(Comparator.comparing(n -> n.getMetadata().getName()))
                .map(n -> {
                    Resources allocatable = amounts(n.getStatus().getAllocatable());
                    Resources used = placed.stream()
                            .filter(p -> n.getMetadata().getName().equals(p.getSpec().getNodeName()))
                            .map(this::requested)
                            .reduce(Resources.NONE, Resources::plus);
                    return new NodeCapacity(n.getMetadata().getName(), allocatable, allocatable.minus(used));
                })
                .toList();
    }

    /** Whether some node has room for {@code request} now. */
    public boolean fits(Resources request) {
        return capacity().stream().anyMatch(n -> n.free().covers(request));
    }

    @Override
    public void close() {
        nodes.close();
    }

    private static boolean usable(Node node) {
        boolean schedulable = node.getSpec() == null || !Boolean.TRUE.equals(node.getSpec().getUnschedulable());
        boolean ready = node.getStatus() != null && node.getStatus().getConditions() != null
                && node.getStatus()
                        .getConditions()
                        .stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        return schedulable && ready && node.getStatus().getAllocatable() != null;
    }

    /** A pod's effective request: the largest of its init containers', or the sum of its containers'. */
    private Resources requested(Pod pod) {
        Resources init = Stream.ofNullable(pod.getSpec().getInitContainers())
                .flatMap(List::stream)
                .map(this::requested)
                .reduce(Resources.NONE, ClusterNodes::largest);
        Resources main = pod.getSpec()
                .getContainers()
                .stream()
                .map(this::requested)
                .reduce(Resources.NONE, Resources::plus);
        return largest(init, main);
    }

    private Resources requested(Container container) {
        if (container.getResources() == null) {
            return Resources.NONE;
        }
        Resources requests = amounts(container.getResources().getRequests());
        long gpus = amounts(container.getResources().getLimits()).gpus();
        return new Resources(requests.cpuMillis(), requests.memoryBytes(), Math.max(requests.gpus(), gpus));
    }

    private Resources amounts(Map<String, Quantity> quantities) {
        if (quantities == null) {
            return Resources.NONE;
        }
        return new Resources(millis(quantities.get("cpu")), whole(quantities.get("memory")),
                whole(quantities.get(gpuResource)));
    }

    private static long millis(Quantity quantity) {
        return quantity == null ? 0 : quantity.getNumericalAmount().multiply(BigDecimal.valueOf(1000)).longValue();
    }

    private static long whole(Quantity quantity) {
        return quantity == null ? 0 : quantity.getNumericalAmount().longValue();
    }

    private static Resources largest(Resources a, Resources b) {
        return new Resources(Math.max(a.cpuMillis(), b.cpuMillis()), Math.max(a.memoryBytes(), b.memoryBytes()),
                Math.max(a.gpus(), b.gpus()));
    }
}
