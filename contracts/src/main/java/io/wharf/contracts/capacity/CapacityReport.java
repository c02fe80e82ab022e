package io.wharf.contracts.capacity;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What one dispatcher reports every {@code wharf.dispatcher.capacity-interval} on {@code wharf.capacity} and in the
 * {@code wharf-capacity} bucket (under its instance id), for an elasticity manager and for {@code GET /system/status}.
 *
 * @param dispatcher the dispatcher's instance id
 * @param executor its executor kind ({@code container}, {@code process}, {@code kubernetes})
 * @param slots executions it runs at once
 * @param busy executions running on it now
 * @param free slots free now
 * @param pending envelopes waiting in the queue, for every dispatcher
 * @param functions the work of each function with envelopes queued or executions running here
 * @param nodes where executions run: the cluster's nodes, or this machine
 * @param time when this was measured
 */
public record CapacityReport(@JsonProperty("dispatcher") String dispatcher, @JsonProperty("executor") String executor,
        @JsonProperty("slots") int slots, @JsonProperty("busy") int busy, @JsonProperty("free") int free,
        @JsonProperty("pending") long pending, @JsonProperty("functions") List<FunctionLoad> functions,
        @JsonProperty("nodes") List<NodeCapacity> nodes, @JsonProperty("time") Instant time) {

    public CapacityReport {
        functions = functions == null ? List.of() : List.copyOf(functions);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }
}
