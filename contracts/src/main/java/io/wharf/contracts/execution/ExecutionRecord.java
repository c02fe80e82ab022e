package io.wharf.contracts.execution;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What Wharf remembers of one execution; it outlives the execution, its container and its dispatcher.
 *
 * @param id {@code <function>-<16 hex of the envelope id>}, see {@link io.wharf.contracts.envelope.EnvelopeIds}
 * @param function the function that ran
 * @param eventId the envelope id
 * @param eventType the envelope type
 * @param inputKey the input object's key, or {@code null} for an invocation
 * @param state where the execution is
 * @param attempt 1 for the first try; raised each time a dispatcher claims the execution again
 * @param exitCode the script's exit code, once it ended; absent when it never ran or was killed
 * @param reason why it failed (or was retried), in a sentence
 * @param createdAt when the event was accepted for execution
 * @param startedAt when the script started
 * @param finishedAt when the execution reached its final state
 * @param heartbeatAt the owner's last sign of life while the execution is not final
 * @param owner the dispatcher instance running it; absent while released for a retry
 * @param outputs the keys the outputs were uploaded to, as {@code <bucket>/<key>}
 * @param functionUid the uid of the function the execution belongs to: a function deleted and created again under
 *        the same name is another function, and does not see this execution
 * @param failures failures of the platform that count towards dead-lettering (an outage of storage or of the engine
 *        does not count: the execution waits for it to end)
 * @param functionRevision the revision of the function's definition the latest attempt ran with (an update applies
 *        to attempts that start after it, never to one running)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecutionRecord(
        String id,
        String function,
        String eventId,
        String eventType,
        String inputKey,
        ExecutionState state,
        int attempt,
        Integer exitCode,
        String reason,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Instant heartbeatAt,
        String owner,
        List<String> outputs,
        String functionUid,
        int failures,
        Integer functionRevision) {

    public ExecutionRecord {
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    public static ExecutionRecord queued(String id, String function, String eventId, String eventType,
            String inputKey, String owner, Instant now) {
        return new ExecutionRecord(id, function, eventId, eventType, inputKey, ExecutionState.QUEUED, 1, null, null,
                now, null, null, now, owner, List.of(), null, 0, null);
    }

    /** The same record, of the function with this uid. */
    public ExecutionRecord ofFunction(String uid) {
        return new ExecutionRecord(id, function, eventId, eventType, inputKey, state, attempt, exitCode, reason,
                createdAt, startedAt, finishedAt, heartbeatAt, owner, outputs, uid, failures, functionRevision);
    }

    /** Whether the execution belongs to the function with this uid (records from before uids belong to any). */
    public boolean belongsTo(String uid) {
        return functionUid == null || uid == null || functionUid.equals(uid);
    }

    /** The script started, with the function's definition at {@code revision}. */
    public ExecutionRecord running(Instant now, Integer revision) {
        return new ExecutionRecord(id, function, eventId, eventType, inputKey, ExecutionState.RUNNING, attempt, null,
                null, createdAt, now, null, now, owner, List.of(), functionUid, failures, revision);
    }

    public ExecutionRecord heartbeat(Instant now) {
        return new ExecutionRecord(id, function, eventId, eventType, inputKey, state, attempt, exitCode, reason,
                createdAt, startedAt, finishedAt, now, owner, outputs, functionUid, failures,
                functionRevision);
    }

    /**
     * A new attempt, by a dispatcher that claims the execution: after a platform failure released it, or after its
     * previous owner stopped beating.
     */
    public ExecutionRecord claimedBy(String newOwner, Instant now, String why) {
        return new ExecutionRecord(id, function, eventId, eventType, inputKey, ExecutionState.QUEUED, attempt + 1,
                null, why, createdAt, null, null, now, newOwner, List.of(), functionUid, failures,
                functionRevision);
    }

    /**
     * Back to the queue with no owner after a failure of the platform (not of the script), to be retried.
     *
     * @param counted whether the failure counts towards dead-lettering (an outage does not)
     */
    public ExecutionRecord released(Instant now, String why, boolean counted) {
        return new ExecutionRecord(id, function, eventId, eventType, inputKey, ExecutionState.QUEUED, attempt, null,
                why, createdAt, null, null, now, null, List.of(), functionUid, counted ? failures + 1 : failures,
                functionRevision);
    }

    /**
     * Queued again by a replay from the dead-letter stream: a new attempt of the same execution, its failures
     * forgotten.
     */
    public ExecutionRecord replayed(Instant now) {
        return new ExecutionRecord(id, function, eventId, eventType, inputKey, ExecutionState.QUEUED, attempt, null,
                "replayed from the dead-letter stream", createdAt, null, null, now, null, List.of(), functionUid, 0,
                functionRevision);
    }

    public ExecutionRecord succeeded(Instant now, int code, List<String> outputKeys) {
        return new ExecutionRecord(id, function, eventId, eventType, inputKey, ExecutionState.SUCCEEDED, attempt,
                code, null, createdAt, startedAt, now, now, owner, outputKeys, functionUid, failures,
                functionRevision);
    }

    /** Removed by its owner before it finished: its script is stopped, nothing more is recorded. */
    public ExecutionRecord removed(Instant now) {
        return new ExecutionRecord(id, function, eventId, eventType, inputKey, ExecutionState.REMOVED, attempt, null,
                "removed by its owner before it finished", createdAt, startedAt, now, now, owner, List.of(),
                functionUid, failures, functionRevision);
    }

    public ExecutionRecord failed(Instant now, Integer code, String why, List<String> outputKeys) {
        return new ExecutionRecord(id, function, eventId, eventType, inputKey, ExecutionState.FAILED, attempt, code,
                why, createdAt, startedAt, now, now, owner, outputKeys, functionUid, failures,
                functionRevision);
    }
}
