package io.wharf.jetstream;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import io.nats.client.Connection;
import io.wharf.contracts.Names;
import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.contracts.execution.ExecutionRecordCodec;

/**
 * Execution records in the {@value Names#EXECUTIONS_BUCKET} bucket, keyed {@code <function>.<execution id>} so that
 * one function's records are listed with a subject filter. Creating a record is how an execution comes into being:
 * the create is atomic, so one envelope can never get two records, however often it is delivered.
 */
public final class ExecutionStore {

    private final TypedBucket<ExecutionRecord> bucket;

    public ExecutionStore(Connection connection) {
        try {
            this.bucket = new TypedBucket<>(connection.keyValue(Names.EXECUTIONS_BUCKET), ExecutionRecordCodec::encode,
                    ExecutionRecordCodec::decode);
        } catch (IOException e) {
            throw new StoreException("cannot open " + Names.EXECUTIONS_BUCKET, e);
        }
    }

    public Optional<Versioned<ExecutionRecord>> get(String function, String executionId) {
        return bucket.get(key(function, executionId));
    }

    /**
     * @return the new revision
     * @throws ConflictException when the execution already exists
     */
    public long create(ExecutionRecord execution) {
        return bucket.create(key(execution.function(), execution.id()), execution);
    }

    /**
     * @return the new revision
     * @throws ConflictException when the record changed since {@code revision}
     */
    public long update(ExecutionRecord execution, long revision) {
        return bucket.update(key(execution.function(), execution.id()), execution, revision);
    }

    /**
     * Follows one record: {@code onChange} gets it now (once it exists) and after each change, and an empty value when
     * it is deleted.
     *
     * @return closing it stops following
     */
    public AutoCloseable watch(String function, String executionId, Consumer<Optional<ExecutionRecord>> onChange) {
        return bucket.watch(key(function, executionId), onChange);
    }

    public void delete(String function, String executionId) {
        bucket.delete(key(function, executionId));
    }

    /** One function's executions, newest first. */
    public List<ExecutionRecord> list(String function) {
        return bucket.list(function + ".*")
                .stream()
                .sorted(Comparator.comparing(ExecutionRecord::createdAt,
                        Comparator.nullsLast(Comparator.reverseOrder())))
                .toList();
    }

    /** One function's execution ids, sorted: cheap (no record is read), for paging. */
    public List<String> ids(String function) {
        String prefix = function + ".";
        return bucket.keys(prefix + "*").stream().map(k -> k.substring(prefix.length())).toList();
    }

    private static String key(String function, String executionId) {
        return function + "." + executionId;
    }
}
