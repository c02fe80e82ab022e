package io.wharf.dispatcher.execution;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.wharf.contracts.capacity.Resources;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.dispatcher.DispatcherConfig;

/**
 * The executions this dispatcher is handling now, with what each requests: for telling a second delivery of an
 * execution it handles already, and for the capacity report.
 */
@ApplicationScoped
public class Workload {

    /** One execution being handled. */
    public record Running(String function, Resources requested) {
    }

    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final FunctionLimits limits;

    public Workload(DispatcherConfig config) {
        this.limits = FunctionLimits.of(config);
    }

    /** Notes the execution; {@code false} when this dispatcher handles it already. */
    public boolean begin(String executionId, FunctionDefinition fn) {
        return running.putIfAbsent(executionId, new Running(fn.name(), limits.requested(fn))) == null;
    }

    public void end(String executionId) {
        running.remove(executionId);
    }

    public int size() {
        return running.size();
    }

    /** Executions running, per function. */
    public Map<String, Long> perFunction() {
        Map<String, Long> counts = new TreeMap<>();
        running.values().forEach(r -> counts.merge(r.function(), 1L, Long::sum));
        return counts;
    }

    /** What the running executions request, together. */
    public Resources inUse() {
        return running.values().stream().map(Running::requested).reduce(Resources.NONE, Resources::plus);
    }
}
