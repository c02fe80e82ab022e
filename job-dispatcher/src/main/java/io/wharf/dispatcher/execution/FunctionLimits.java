package io.wharf.dispatcher.execution;

import java.time.Duration;

import io.wharf.contracts.capacity.Resources;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.FunctionValidator;
import io.wharf.dispatcher.DispatcherConfig;

/**
 * The CPU, memory and timeout an execution of a function gets: its own, or the platform's defaults.
 *
 * @param defaultCpu for a function that sets no {@code cpu}
 * @param defaultMemory for a function that sets no {@code memory}
 * @param defaultTimeout for a function that sets no {@code timeout}
 */
public record FunctionLimits(String defaultCpu, String defaultMemory, Duration defaultTimeout) {

    public static FunctionLimits of(DispatcherConfig config) {
        DispatcherConfig.Dispatcher dispatcher = config.dispatcher();
        return new FunctionLimits(dispatcher.defaultCpu(), dispatcher.defaultMemory(), dispatcher.defaultTimeout());
    }

    public long cpuMillis(FunctionDefinition fn) {
        return FunctionValidator.cpuMillis(fn.cpu() != null ? fn.cpu() : defaultCpu);
    }

    public long memoryBytes(FunctionDefinition fn) {
        return FunctionValidator.memoryBytes(fn.memory() != null ? fn.memory() : defaultMemory);
    }

    /** What one execution of the function requests (its script's CPU and memory, and a GPU when it asks). */
    public Resources requested(FunctionDefinition fn) {
        return new Resources(cpuMillis(fn), memoryBytes(fn), Boolean.TRUE.equals(fn.enableGpu()) ? 1 : 0);
    }

    public Duration timeout(FunctionDefinition fn) {
        return fn.timeout() != null ? Duration.ofSeconds(fn.timeout()) : defaultTimeout;
    }
}
