package io.wharf.gateway.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import io.vertx.core.http.HttpServerRequest;
import io.wharf.contracts.LogLines;
import io.wharf.contracts.Names;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.contracts.execution.ExecutionState;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.gateway.GatewayConfig;
import io.wharf.gateway.ingest.IngestService;
import io.wharf.jetstream.LogStore;
import io.wharf.jetstream.ResponseStore;
import io.wharf.jetstream.StoreException;

/**
 * {@code POST /run/<name>}: runs a function synchronously, as OSCAR's {@code /run} (oscar-cli's {@code service run}).
 * The body becomes the input file, as on {@code /job}; the execution is queued, limited and recorded like any other,
 * and the caller waits for it, holding no thread, and gets OSCAR's response: 200 with the base64 of the one file the
 * script left in its output folder, of a zip of them when it left several, or of its output when it left none. A
 * failed execution is a 422 naming why, with the end of its log; a caller that waits longer than
 * {@code wharf.gateway.run.max-wait} gets a 504. An execution whose caller went away (or timed out) is withdrawn:
 * nobody is left to take its response.
 */
@Path("/run")
@ApplicationScoped
public class RunResource {

    private static final Logger LOG = Logger.getLogger(RunResource.class);
    private static final String RUN_SOURCE = "api://gateway/run";
    /** How much of a failed execution's log its problem details carry. */
    private static final int LOG_TAIL_BYTES = 2048;

    private final Invocations invocations;
    private final IngestService ingest;
    private final ExecutionWaiter waiter;
    private final ExecutionRemoval removal;
    private final ResponseStore responses;
    private final LogStore logs;
    private final Duration maxWait;
    private final int maxWaiting;
    private final Semaphore waiting;
    /** Reads responses and withdraws executions off the threads that must not block (NATS's, the event loop). */
    private final ExecutorService blocking = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "wharf-run");
        t.setDaemon(true);
        return t;
    });

    public RunResource(Invocations invocations, IngestService ingest, ExecutionWaiter waiter,
            ExecutionRemoval removal, ResponseStore responses, LogStore logs, GatewayConfig config) {
        this.invocations = invocations;
        this.ingest = ingest;
        this.waiter = waiter;
        this.removal = removal;
        this.responses = responses;
        this.logs = logs;
        this.maxWait = config.gateway().run().maxWait();
        this.maxWaiting = config.gateway().run().maxWaiting();
        this.waiting = new Semaphore(maxWaiting);
    }

    @POST
    @Path("/{name}")
    public CompletionStage<Response> run(@PathParam("name") String name,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam("Idempotency-Key") String idempotencyKey, byte[] body, @Context HttpServerRequest request) {
        FunctionDefinition fn = invocations.function(name);
        String token = invocations.uniqueToken(idempotencyKey);
        if (!waiting.tryAcquire()) {
            throw new ApiException(429, "Too Many Requests", maxWaiting + " callers already wait for /run; retry "
                    + "later, or run the function asynchronously with POST /job/" + fn.name());
        }
        try {
            Envelope envelope = ingest.invoke(fn, RUN_SOURCE, token, body,
                    contentType == null ? MediaType.APPLICATION_OCTET_STREAM : contentType, "api",
                    Invocations.parseJson(body), true);
            String executionId = EnvelopeIds.executionId(fn.name(), envelope.id());
            ExecutionRecord queued = ExecutionRecord.queued(executionId, fn.name(), envelope.id(), envelope.type(),
                    null, null, Instant.now()).ofFunction(fn.uid());
            CompletableFuture<Optional<ExecutionRecord>> finished = waiter.finished(fn.name(), executionId, maxWait);
            request.response().closeHandler(closed -> {
                if (finished.cancel(false)) {
                    blocking.execute(() -> withdraw(queued, "its caller went away"));
                }
            });
            return finished.handleAsync((record, failure) -> respond(queued, record, failure), blocking)
                    .whenComplete((response, failure) -> waiting.release());
        } catch (RuntimeException e) {
            waiting.release();
            throw e;
        }
    }

    private Response respond(ExecutionRecord queued, Optional<ExecutionRecord> record, Throwable failure) {
        String executionId = queued.id();
        if (failure instanceof TimeoutException) {
            withdraw(queued, "its caller waited " + maxWait.toSeconds() + "s");
            return problem(queued, 504, "Gateway Timeout", "execution '" + executionId + "' did not finish within "
                    + maxWait.toSeconds() + "s, the most /run waits; it was withdrawn. Run longer work with POST /job/"
                    + queued.function());
        }
        if (failure != null) {
            return problem(queued, 503, "Service Unavailable", "cannot follow execution '" + executionId + "': "
                    + failure.getMessage());
        }
        if (record.isEmpty()) {
            return problem(queued, 409, "Conflict", "execution '" + executionId + "' was removed before it finished");
        }
        ExecutionRecord done = record.get();
        try {
            if (done.state() != ExecutionState.SUCCEEDED) {
                return problem(queued, 422, "Unprocessable Content", "execution '" + executionId + "' failed: "
                        + done.reason() + logTail(executionId));
            }
            Optional<byte[]> response = responses.get(executionId);
            if (response.isEmpty()) {
                return problem(queued, 502, "Bad Gateway", "execution '" + executionId + "' succeeded, but left no "
                        + "response /run can return (larger than " + Names.RESPONSE_MAX_BYTES
                        + " bytes, or older than an hour); its outputs: " + done.outputs());
            }
            return withExecution(Response.ok(Base64.getEncoder().encodeToString(response.get()),
                    MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")), queued).build();
        } catch (StoreException e) {
            LOG.warnf("executionId=%s response unreadable: %s", executionId, e.getMessage());
            return problem(queued, 503, "Service Unavailable", "the response of execution '" + executionId
                    + "' cannot be read now; it stays for an hour: retry with the same Idempotency-Key");
        }
    }

    private void withdraw(ExecutionRecord queued, String why) {
        try {
            if (removal.withdraw(queued)) {
                LOG.infof("function=%s executionId=%s withdrawn: %s", queued.function(), queued.id(), why);
            }
        } catch (RuntimeException e) {
            LOG.warnf("function=%s executionId=%s cannot be withdrawn (%s): %s", queued.function(), queued.id(), why,
                    e.getMessage());
        }
    }

    private String logTail(String executionId) {
        byte[] log = LogLines.withoutTimes(logs.get(executionId).orElse(new byte[0]));
        if (log.length == 0) {
            return "";
        }
        int from = Math.max(0, log.length - LOG_TAIL_BYTES);
        return "; the end of its log:\n" + new String(log, from, log.length - from, StandardCharsets.UTF_8);
    }

    private static Response problem(ExecutionRecord queued, int status, String title, String detail) {
        return withExecution(Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(title, status, detail, null)), queued).build();
    }

    private static Response.ResponseBuilder withExecution(Response.ResponseBuilder response, ExecutionRecord queued) {
        // a relative Location, set as a header: the request's context, which would make it absolute, is not active here
        return response.header("Wharf-Execution-Id", queued.id())
                .header(HttpHeaders.LOCATION, "/system/logs/" + queued.function() + "/" + queued.id());
    }

    @PreDestroy
    void stop() {
        blocking.shutdownNow();
    }
}
