package io.wharf.contracts.capacity;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a node executions may run on can give, and what is left of it.
 *
 * @param name the node's name
 * @param allocatable what the node offers to pods
 * @param free what is left once the executions placed on it are counted
 */
public record NodeCapacity(@JsonProperty("name") String name, @JsonProperty("allocatable") Resources allocatable,
        @JsonProperty("free") Resources free) {
}
