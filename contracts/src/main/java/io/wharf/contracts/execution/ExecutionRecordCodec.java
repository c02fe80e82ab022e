package io.wharf.contracts.execution;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.wharf.contracts.Json;

/** Execution records as JSON, for the {@code wharf-executions} bucket and the {@code wharf.executions.*} subjects. */
public final class ExecutionRecordCodec {

    private ExecutionRecordCodec() {
    }

    public static byte[] encode(ExecutionRecord execution) {
        try {
            return Json.json().writeValueAsBytes(execution);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ExecutionRecord decode(byte[] bytes) {
        try {
            return Json.json().readValue(bytes, ExecutionRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not an execution record", e);
        }
    }
}
