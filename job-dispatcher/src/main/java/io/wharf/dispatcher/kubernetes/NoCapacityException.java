package io.wharf.dispatcher.kubernetes;

import java.io.IOException;

import io.wharf.contracts.capacity.Resources;

/** No node has room for an execution now: it waits in the queue (an outage of capacity, not a failure). */
public final class NoCapacityException extends IOException {

    private static final long serialVersionUID = 1L;

    public NoCapacityException(Resources request) {
        super("no node has room for it now (" + request.cpuMillis() + "m CPU, " + request.memoryBytes()
                + " bytes of memory" + (request.gpus() > 0 ? ", " + request.gpus() + " GPU" : "")
                + "): it waits in the queue");
    }
}
