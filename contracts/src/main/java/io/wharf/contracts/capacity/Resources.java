package io.wharf.contracts.capacity;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An amount of CPU, memory and GPUs: what executions request, what a node can give.
 *
 * @param cpuMillis thousandths of a core
 * @param memoryBytes bytes
 * @param gpus whole GPUs
 */
public record Resources(@JsonProperty("cpu_millis") long cpuMillis, @JsonProperty("memory_bytes") long memoryBytes,
        @JsonProperty("gpus") long gpus) {

    public static final Resources NONE = new Resources(0, 0, 0);

    public Resources plus(Resources other) {
        return new Resources(cpuMillis + other.cpuMillis, memoryBytes + other.memoryBytes, gpus + other.gpus);
    }

    public Resources minus(Resources other) {
        return new Resources(cpuMillis - other.cpuMillis, memoryBytes - other.memoryBytes, gpus - other.gpus);
    }

    public Resources times(long n) {
        return new Resources(cpuMillis * n, memoryBytes * n, gpus * n);
    }

    /** Whether {@code request} fits into this amount. */
    public boolean covers(Resources request) {
        return cpuMillis >= request.cpuMillis && memoryBytes >= request.memoryBytes && gpus >= request.gpus;
    }
}
