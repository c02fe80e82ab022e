package io.wharf.dispatcher.executor;

import java.util.Objects;

import io.wharf.contracts.function.FunctionDefinition;

/**
 * What a warm worker is for: one function of one owner, at one revision, with one image and one set of limits. A
 * changed function gets new workers; the old ones idle out.
 */
record WorkerKey(String owner, String function, String uid, int revision, String image, long cpuMillis,
        long memoryBytes) {

    static WorkerKey of(ExecutionRequest request) {
        FunctionDefinition fn = request.function();
        return new WorkerKey(Objects.toString(fn.owner(), ""), fn.name(), Objects.toString(fn.uid(), ""),
                fn.revision() == null ? 0 : fn.revision(), fn.image(), request.cpuMillis(), request.memoryBytes());
    }
}
