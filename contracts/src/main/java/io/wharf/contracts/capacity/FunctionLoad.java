package io.wharf.contracts.capacity;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The work of one function, as one dispatcher sees it.
 *
 * @param function the function's name
 * @param queued its envelopes in the queue, not yet finished (waiting, or running on some dispatcher)
 * @param running its executions running on this dispatcher
 * @param perExecution what one execution requests
 */
public record FunctionLoad(@JsonProperty("function") String function, @JsonProperty("queued") long queued,
        @JsonProperty("running") long running, @JsonProperty("per_execution") Resources perExecution) {
}
