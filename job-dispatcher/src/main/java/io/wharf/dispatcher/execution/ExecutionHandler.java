package io.wharf.dispatcher.execution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Message;
import io.wharf.contracts.Names;
import io.wharf.contracts.ObjectKeys;
import io.wharf.contracts.UnsafeKeyException;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeCodec;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.envelope.InvalidEnvelopeException;
import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.contracts.execution.ExecutionState;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.FunctionNames;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.dispatcher.runtime.Attempt;
import io.wharf.dispatcher.runtime.ExecutionRuntime;
import io.wharf.dispatcher.runtime.Outcome;
import io.wharf.dispatcher.runtime.RefusedAttempt;
import io.wharf.jetstream.ConflictException;
import io.wharf.jetstream.ExecutionStore;
import io.wharf.jetstream.FunctionStore;
import io.wharf.jetstream.LogStore;
import io.wharf.jetstream.Publisher;
import io.wharf.jetstream.ResponseStore;
import io.wharf.jetstream.StoreException;
import io.wharf.jetstream.Versioned;
import io.wharf.supervisor.EndpointGuard;
import io.wharf.supervisor.LogFiles;
import io.wharf.supervisor.RunResult;
import io.wharf.supervisor.Workspace;

/**
 * Turns one delivered envelope into at most one execution.
 * <ol>
 * <li>The execution id derives from the envelope id; creating its record is atomic, so a second delivery finds the
 * record: a finished execution is acked and not run again, a running one is left to its owner.</li>
 * <li>While the script runs, the message is kept alive ({@code +WPI}) and the record's heartbeat renewed; if this
 * dispatcher dies, JetStream delivers the envelope again once the ack wait lapses, and the next dispatcher claims
 * the execution (a new attempt of the same execution, never a second one).</li>
 * <li>A script that fails or times out is a final, failed execution. A platform failure (storage, engine) releases
 * the execution for a retry with back-off, and dead-letters it after the last delivery.</li>
 * <li>The message is acked only once the record is final and the log stored.</li>
 * </ol>
 */
@ApplicationScoped
public class ExecutionHandler {

    private static final Logger LOG = Logger.getLogger(ExecutionHandler.class);
    private final FunctionStore functions;
    private final ExecutionStore executions;
    private final LogStore logs;
    private final ResponseStore responses;
    private final Publisher publisher;
    private final ExecutionRuntime runtime;
    private final DispatcherConfig.Dispatcher config;
    private final Path workDir;
    private final String instanceId;
    private final ScheduledExecutorService heartbeats;
    private final MeterRegistry meters;
    private final SecretCipher cipher;
    private final Workload workload;
    private final BuildGate buildGate;
    /** Stores the logs of running executions ({@link LiveLog}). */
    private final ScheduledExecutorService liveLogs = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
                Thread t = new Thread(r, "wharf-live-logs");
                t.setDaemon(true);
                return t;
            });

    public ExecutionHandler(FunctionStore functions, ExecutionStore executions, LogStore logs, ResponseStore responses,
            Publisher publisher,
            ExecutionRuntime runtime, DispatcherConfig config, DispatcherIdentity identity,
            ScheduledExecutorService heartbeats, MeterRegistry meters, SecretCipher cipher, Workload workload,
            BuildGate buildGate) {
        this.buildGate = buildGate;
        this.functions = functions;
        this.executions = executions;
        this.logs = logs;
        this.responses = responses;
        this.publisher = publisher;
        this.runtime = runtime;
        this.config = config.dispatcher();
        this.workDir = identity.workDir();
        this.instanceId = identity.instanceId();
        this.heartbeats = heartbeats;
        this.meters = meters;
        this.cipher = cipher;
        this.workload = workload;
    }

    /** Executions running now on this dispatcher. */
    public int busy() {
        return workload.size();
    }

    public void handle(Message message) {
        Envelope envelope;
        try {
            envelope = EnvelopeCodec.decode(message.getData());
        } catch (InvalidEnvelopeException e) {
            deadLetter(functionOf(message.getSubject()), message, e.reason(), e.getMessage());
            return;
        }
        Optional<Versioned<FunctionDefinition>> fn = functions.get(envelope.wharffunction());
        if (isForAnotherIncarnation(envelope, fn)) {
            // queued for a function since deleted (or deleted and created again): its work went with it
            LOG.infof("function=%s eventId=%s was queued for function uid %s, which no longer exists: dropped",
                    envelope.wharffunction(), envelope.id(), envelope.wharffunctionuid());
            meters.counter("wharf.envelopes.orphaned").increment();
            message.ack();
            return;
        }
        if (fn.isEmpty()) {
            deadLetter(envelope.wharffunction(), message, "unknown-function",
                    "no function named '" + envelope.wharffunction() + "'");
            return;
        }
        FunctionDefinition function;
        try {
            function = fn.get().value().opened(cipher);
        } catch (IllegalArgumentException e) {
            deadLetter(envelope.wharffunction(), message, "secrets-unreadable", e.getMessage()
                    + " (is wharf.secrets.key the same for the gateway and the dispatcher?)");
            return;
        }
        String executionId = EnvelopeIds.executionId(envelope.wharffunction(), envelope.id());
        if (!workload.begin(executionId, function)) {
            // delivered again while this dispatcher handles it (a late heartbeat): the handling one acks
            return;
        }
        try {
            TrackedExecution execution = claim(envelope, executionId, message);
            if (execution != null) {
                run(envelope, function, execution, message);
            }
        } finally {
            workload.end(executionId);
        }
    }

    private static boolean isForAnotherIncarnation(Envelope envelope, Optional<Versioned<FunctionDefinition>> fn) {
        String uid = envelope.wharffunctionuid();
        return uid != null && (fn.isEmpty() || !uid.equals(fn.get().value().uid()));
    }

    private void run(Envelope envelope, FunctionDefinition function, TrackedExecution execution, Message message) {
        String executionId = execution.current().id();
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> beat(message, execution),
                heartbeatPeriod().toMillis(), heartbeatPeriod().toMillis(), TimeUnit.MILLISECONDS);
        Workspace ws = Workspace.create(workDir, executionId);
        try {
            execute(envelope, function, execution, ws, message);
        } finally {
            heartbeat.cancel(false);
            try {
                ws.delete();
            } catch (IOException e) {
                LOG.warnf("executionId=%s workspace not removed: %s", executionId, e.getMessage());
            }
        }
    }

    /** Creates the execution, or claims it back; {@code null} when there is nothing to run. */
    private TrackedExecution claim(Envelope envelope, String executionId, Message message) {
        String function = envelope.wharffunction();
        Instant now = Instant.now();
        Optional<Versioned<ExecutionRecord>> existing = executions.get(function, executionId);
        if (existing.isEmpty()) {
            ExecutionRecord queued = ExecutionRecord.queued(executionId, function, envelope.id(), envelope.type(),
                    envelope.isInvocation() ? null : envelope.data().key(), instanceId, now)
                    .ofFunction(envelope.wharffunctionuid());
            try {
                return TrackedExecution.create(executions, publisher, queued);
            } catch (ConflictException raced) {
                existing = executions.get(function, executionId);
                if (existing.isEmpty()) {
                    message.nakWithDelay(Duration.ofSeconds(1));
                    return null;
                }
            }
        }
        ExecutionRecord record = existing.get().value();
        if (record.state() == ExecutionState.REMOVED) {
            // its owner removed it before it ran (or while its last attempt waited): it goes, unrun
            LOG.infof("function=%s executionId=%s was removed by its owner: not run", function, executionId);
            logs.delete(executionId);
            executions.delete(function, executionId);
            message.ack();
            return null;
        }
        if (record.state().isTerminal()) {
            LOG.infof("function=%s executionId=%s eventId=%s already %s: duplicate delivery acked, not run", function,
                    executionId, envelope.id(), record.state());
            meters.counter("wharf.executions.duplicates", "function", function).increment();
            message.ack();
            return null;
        }
        boolean ownedElsewhere = record.owner() != null && !record.owner().equals(instanceId)
                && record.heartbeatAt() != null && record.heartbeatAt().isAfter(now.minus(lease()));
        if (ownedElsewhere) {
            message.nakWithDelay(lease());
            return null;
        }
        String why = record.owner() == null || record.owner().equals(instanceId)
                ? record.reason()
                : "claimed from " + record.owner() + ", which stopped beating";
        try {
            TrackedExecution claimed = TrackedExecution.claim(executions, publisher, record,
                    existing.get().revision(), r -> r.claimedBy(instanceId, now, why));
            if (record.owner() != null) {
                runtime.takeOver(executionId);
            }
            LOG.infof("function=%s executionId=%s attempt %d (%s)", function, executionId,
                    claimed.current().attempt(), why);
            return claimed;
        } catch (ConflictException lost) {
            message.nakWithDelay(Duration.ofSeconds(1));
            return null;
        }
    }

    private void execute(Envelope envelope, FunctionDefinition fn, TrackedExecution execution, Workspace ws,
            Message message) {
        String id = execution.current().id();
        Timer.Sample duration = Timer.start(meters);
        try {
            note(ws, "wharf: execution %s of function %s, attempt %d, on %s (%s)", id, fn.name(),
                    execution.current().attempt(), instanceId, runtime.kind());
            note(ws, "wharf: input %s", envelope.isInvocation()
                    ? "from the invocation's body"
                    : ObjectKeys.printable(envelope.data().bucket() + "/" + envelope.data().key()));
            buildGate.check(fn);
            Outcome outcome;
            try (LiveLog live = LiveLog.follow(liveLogs, config.liveLogInterval(), logs, id, ws.logFile(),
                    execution::isCurrent)) {
                outcome = runtime.carryOut(new Attempt(id, envelope, fn, ws, () -> started(envelope, fn,
                        execution), execution::isCancelled));
            }
            if (outcome.cancelled()) {
                meters.counter("wharf.executions.cancelled", "function", fn.name()).increment();
                // removed by its owner (marked) or with its function (gone): nothing of it stays
                logs.delete(id);
                executions.delete(fn.name(), id);
                message.ack();
                return;
            }
            String reason = outcome.failure();
            List<String> outputs = outcome.outputs();
            note(ws, "wharf: %s; %d output(s) delivered%s", reason == null ? "succeeded" : reason, outputs.size(),
                    outputs.isEmpty() ? "" : ": " + String.join(", ", outputs));
            if (execution.isCurrent()) {
                storeLog(id, ws); // a run taken over meanwhile leaves the log to its new owner
            }
            if (outcome.response() != null) {
                responses.put(id, outcome.response());
            }
            Instant end = Instant.now();
            RunResult result = outcome.result();
            ExecutionRecord done = execution.transition(r -> result.succeeded()
                    ? r.succeeded(end, 0, outputs)
                    : r.failed(end, result.timedOut() || result.limitExceeded() != null ? null : result.exitCode(),
                            reason, List.of()));
            finished(fn.name(), done, duration);
            message.ack();
        } catch (UnsafeKeyException e) {
            failPermanently(fn.name(), execution, ws, message, "unsafe-key", e.getMessage(), duration);
        } catch (EndpointGuard.ForbiddenEndpointException e) {
            failPermanently(fn.name(), execution, ws, message, "forbidden-endpoint", e.getMessage(), duration);
        } catch (RefusedAttempt e) {
            failPermanently(fn.name(), execution, ws, message, e.reason(), e.getMessage(), duration);
        } catch (ConflictException e) {
            LOG.warnf("function=%s executionId=%s taken over by another dispatcher; leaving it", fn.name(), id);
        } catch (InterruptedException e) {
            // the dispatcher is stopping: a local script must not outlive it (a container would keep running,
            // orphaned, and its retry collide with it), so the runtime stops it; a Job runs on, to be adopted
            Thread.interrupted();
            runtime.handBack(id);
            release(fn.name(), execution, message, "interrupted: the dispatcher is stopping", Duration.ZERO, false);
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            platformFailure(fn.name(), execution, ws, message, e, duration);
        }
    }

    /** The script is about to start: the record says so. */
    private void started(Envelope envelope, FunctionDefinition fn, TrackedExecution execution) {
        ExecutionRecord running = execution.transition(r -> r.running(Instant.now(), fn.revision()));
        if (envelope.time() != null) {
            meters.timer("wharf.dispatch.latency").record(Duration.between(envelope.time(), running.startedAt()));
        }
    }

    /**
     * A failure of the platform, not of the script. An outage (storage, NATS or the engine unavailable) waits for the
     * platform to come back, as long as it takes; any other failure counts, and the execution is dead-lettered when
     * {@code max-deliver} of them have happened.
     */
    private void platformFailure(String function, TrackedExecution execution, Workspace ws, Message message,
            Exception e, Timer.Sample duration) {
        String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
        boolean outage = Outages.isOutage(e) || e instanceof EngineFailure && !runtime.available();
        if (outage) {
            LOG.warnf("function=%s executionId=%s waits for the platform (%s); retrying in %s", function,
                    execution.current().id(), reason, config.outageRetry());
            meters.counter("wharf.executions.outages", "function", function).increment();
            release(function, execution, message, "waiting for the platform: " + reason, config.outageRetry(),
                    false);
            return;
        }
        int failures = execution.current().failures() + 1;
        if (failures < config.maxDeliver()) {
            List<Duration> backoff = config.retryBackoff();
            Duration delay = backoff.get(Math.min(failures - 1, backoff.size() - 1));
            LOG.warnf(e, "function=%s executionId=%s platform failure %d/%d, retrying in %s: %s", function,
                    execution.current().id(), failures, config.maxDeliver(), delay, reason);
            release(function, execution, message, reason, delay, true);
        } else {
            failPermanently(function, execution, ws, message, "execution-failed",
                    "gave up after " + failures + " failures: " + reason, duration);
        }
    }

    private void release(String function, TrackedExecution execution, Message message, String reason,
            Duration delay, boolean counted) {
        try {
            execution.transition(r -> r.released(Instant.now(), reason, counted));
        } catch (RuntimeException e) {
            LOG.warnf("function=%s executionId=%s cannot release the record: %s", function, execution.current().id(),
                    e.getMessage());
        }
        message.nakWithDelay(delay);
    }

    private void failPermanently(String function, TrackedExecution execution, Workspace ws, Message message,
            String reason, String detail, Timer.Sample duration) {
        try {
            note(ws, "wharf: failed: %s", detail);
            storeLog(execution.current().id(), ws);
            // the dead letter first: once the record is final, a redelivery is acked as a duplicate, and a dead letter
            // not yet written would be lost. Its message id stores it once when a lost ack makes the publish retry.
            ExecutionRecord current = execution.current();
            publisher.deadLetter(function, message.getSubject(), message.getData(), reason, detail,
                    "dead-letter:" + current.id() + ":" + current.attempt());
            ExecutionRecord failed = execution.transition(r -> r.failed(Instant.now(), null, detail, List.of()));
            finished(function, failed, duration);
            meters.counter("wharf.executions.dead.lettered", "function", function, "reason", reason).increment();
            message.ack();
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "function=%s executionId=%s cannot record its failure; it will be delivered again",
                    function, execution.current().id());
            message.nakWithDelay(config.retryBackoff().get(0));
        }
    }

    private void storeLog(String executionId, Workspace ws) throws IOException {
        if (!Files.exists(ws.logFile())) {
            return;
        }
        LogFiles.capTo(ws.logFile(), config.maxLogBytes());
        logs.put(executionId, ws.logFile());
    }

    private void finished(String function, ExecutionRecord done, Timer.Sample duration) {
        String outcome = done.state().name().toLowerCase(Locale.ROOT);
        meters.counter("wharf.executions", "function", function, "outcome", outcome).increment();
        duration.stop(meters.timer("wharf.execution.duration", "function", function));
        LOG.infof("function=%s executionId=%s eventId=%s %s%s", function, done.id(), done.eventId(), outcome,
                done.reason() == null ? "" : ": " + done.reason());
    }

    private void deadLetter(String function, Message message, String reason, String detail) {
        String target = FunctionNames.isValid(function) ? function : Names.UNATTRIBUTED;
        try {
            publisher.deadLetter(target, message.getSubject(), message.getData(), reason, detail);
            meters.counter("wharf.executions.dead.lettered", "function", target, "reason", reason).increment();
            LOG.warnf("function=%s dead-lettered (%s): %s", target, reason, detail);
            message.ack();
        } catch (StoreException e) {
            LOG.warnf("cannot dead-letter yet (%s): %s", reason, e.getMessage());
            message.nakWithDelay(config.retryBackoff().get(0));
        }
    }

    private void beat(Message message, TrackedExecution execution) {
        ExecutionRecord record = execution.current();
        try {
            message.inProgress();
            execution.heartbeat(Instant.now());
        } catch (ConflictException e) {
            if (executions.get(record.function(), record.id())
                    .map(v -> v.value().state() == ExecutionState.REMOVED)
                    .orElse(true)) {
                // removed with its function, or by its owner: stop the script, deliver nothing
                execution.cancel();
                runtime.stop(record.id());
                LOG.infof("function=%s executionId=%s was removed while running: stopped", record.function(),
                        record.id());
            } else {
                // taken over: its log is the new owner's to store now
                execution.supersede();
                LOG.warnf("executionId=%s heartbeat refused: %s", record.id(), e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.warnf("executionId=%s heartbeat failed: %s", record.id(), e.getMessage());
        }
    }

    private Duration heartbeatPeriod() {
        return config.ackWait().dividedBy(3);
    }

    /** How long an owner may stay silent before another dispatcher may claim its execution. */
    private Duration lease() {
        return config.ackWait().multipliedBy(2);
    }

    private static String functionOf(String subject) {
        return subject.substring(subject.lastIndexOf('.') + 1);
    }

    private static void note(Workspace ws, String format, Object... args) {
        try {
            ws.appendToLog(String.format(format, args) + "\n");
        } catch (IOException e) {
            LOG.debugf("cannot write to %s: %s", ws.logFile(), e.getMessage());
        }
    }
}
