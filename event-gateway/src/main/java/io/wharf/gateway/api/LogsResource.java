package io.wharf.gateway.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.wharf.contracts.LogLines;
import io.wharf.contracts.execution.ExecutionRecord;
import io.wharf.contracts.execution.ExecutionState;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.gateway.security.Caller;
import io.wharf.jetstream.ExecutionStore;
import io.wharf.jetstream.LogStore;

/**
 * {@code /system/logs}: a function's executions and their logs, in OSCAR's job shapes (oscar-cli's
 * {@code service logs list|get|remove}), with Wharf's details (exit code, reason, outputs) beside them.
 */
@Path("/system/logs/{name}")
public class LogsResource {

    /** {@code <function>-<16 hex>}, see {@link io.wharf.contracts.envelope.EnvelopeIds#executionId}. */
    private static final int MAX_PAGE = 1000;
    /** What Go's {@code strconv.ParseBool}, which OSCAR reads {@code timestamps} with, takes for true. */
    private static final Set<String> TRUE = Set.of("1", "t", "T", "true", "TRUE", "True");
    private static final Pattern EXECUTION_ID = Pattern.compile("[a-z0-9-]{1,39}-[0-9a-f]{16}");

    private final FunctionService functions;
    private final ExecutionStore executions;
    private final LogStore logs;
    private final Caller caller;
    private final ExecutionRemoval removal;

    public LogsResource(FunctionService functions, ExecutionStore executions, LogStore logs, Caller caller,
            ExecutionRemoval removal) {
        this.functions = functions;
        this.executions = executions;
        this.logs = logs;
        this.caller = caller;
        this.removal = removal;
    }

    /**
     * One page of the function's executions, as OSCAR pages its jobs: {@code next_page} (absent on the last page) is
     * the {@code page} of the next request, {@code remaining_jobs} how many come after this page. Only this page's
     * records are read.
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Jobs list(@PathParam("name") String name, @QueryParam("page") String page,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        String uid = functions.visible(name, user()).value().uid();
        if (limit < 1 || limit > MAX_PAGE) {
            throw ApiException.badRequest("limit must be between 1 and " + MAX_PAGE);
        }
        if (page != null && !EXECUTION_ID.matcher(page).matches()) {
            throw ApiException.badRequest("page must be the next_page of a previous answer");
        }
        List<String> ids = executions.ids(name);
        int start = 0;
        if (page != null) {
            while (start < ids.size() && ids.get(start).compareTo(page) <= 0) {
                start++;
            }
        }
        int end = Math.min(ids.size(), start + limit);
        Map<String, JobInfo> jobs = new LinkedHashMap<>();
        ids.subList(start, end)
                .stream()
                .map(id -> executions.get(name, id))
                .flatMap(java.util.Optional::stream)
                .map(v -> v.value())
                .filter(e -> e.belongsTo(uid))
                .filter(e -> e.state() != ExecutionState.REMOVED)
                .sorted(java.util.Comparator.comparing(ExecutionRecord::createdAt,
                        java.util.Comparator.nullsLast(java.util.Comparator.reverseOrder())))
                .forEach(e -> jobs.put(e.id(), JobInfo.of(e)));
        return new Jobs(jobs, end < ids.size() ? ids.get(end - 1) : null, ids.size() - end);
    }

    /**
     * An execution's log; with {@code timestamps=true} (as OSCAR reads Go's booleans: {@code 1}, {@code t},
     * {@code true}, ...) each line starts with the time it was written, as Kubernetes shows a pod's log.
     */
    @GET
    @Path("/{execution}")
    @Produces(MediaType.TEXT_PLAIN)
    public Response log(@PathParam("name") String name, @PathParam("execution") String execution,
            @QueryParam("timestamps") String timestamps) {
        ExecutionRecord record = execution(functions.visible(name, user()).value(), execution);
        byte[] stored = logs.get(record.id()).orElse(new byte[0]);
        byte[] log = TRUE.contains(String.valueOf(timestamps)) ? stored : LogLines.withoutTimes(stored);
        return Response.ok(log, MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
                .header("Wharf-Execution-State", record.state().name())
                .build();
    }

    /** Removes an execution, as OSCAR removes a job (see {@link ExecutionRemoval}). */
    @DELETE
    @Path("/{execution}")
    public Response delete(@PathParam("name") String name, @PathParam("execution") String execution) {
        ExecutionRecord record = execution(functions.owned(name, user()).value(), execution);
        remove(record);
        return Response.noContent().build();
    }

    /** Removes the function's executions: only succeeded ones unless {@code all=true}, then all (OSCAR's semantics). */
    @DELETE
    public Response deleteAll(@PathParam("name") String name, @QueryParam("all") @DefaultValue("false") boolean all) {
        String uid = functions.owned(name, user()).value().uid();
        executions.list(name)
                .stream()
                .filter(e -> e.belongsTo(uid))
                .filter(e -> e.state() != ExecutionState.REMOVED)
                .filter(e -> all || e.state() == ExecutionState.SUCCEEDED)
                .forEach(this::remove);
        return Response.noContent().build();
    }

    /** The execution of this function (not of an earlier one of the same name), or 404. */
    private ExecutionRecord execution(FunctionDefinition fn, String execution) {
        String name = fn.name();
        if (!EXECUTION_ID.matcher(execution).matches() || !execution.startsWith(name + "-")) {
            throw ApiException.notFound("no execution '" + execution + "' of function '" + name + "'");
        }
        return executions.get(name, execution)
                .map(v -> v.value())
                .filter(e -> e.belongsTo(fn.uid()))
                .filter(e -> e.state() != ExecutionState.REMOVED)
                .orElseThrow(
                        () -> ApiException.notFound("no execution '" + execution + "' of function '" + name + "'"));
    }

    private void remove(ExecutionRecord record) {
        removal.remove(record);
    }

    private String user() {
        return caller.user();
    }

    /** OSCAR's list-of-jobs response. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Jobs(@JsonProperty("jobs") Map<String, JobInfo> jobs, @JsonProperty("next_page") String nextPage,
            @JsonProperty("remaining_jobs") int remainingJobs) {
    }

    /** OSCAR's JobInfo, plus Wharf's details, which OSCAR's clients ignore. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JobInfo(
            @JsonProperty("status") String status,
            @JsonProperty("creation_time") Instant creationTime,
            @JsonProperty("start_time") Instant startTime,
            @JsonProperty("finish_time") Instant finishTime,
            @JsonProperty("exit_code") Integer exitCode,
            @JsonProperty("reason") String reason,
            @JsonProperty("attempt") int attempt,
            @JsonProperty("outputs") List<String> outputs,
            @JsonProperty("function_revision") Integer functionRevision) {

        static JobInfo of(ExecutionRecord e) {
            return new JobInfo(e.state().oscarStatus(), seconds(e.createdAt()), seconds(e.startedAt()),
                    seconds(e.finishedAt()), e.exitCode(), e.reason(), e.attempt(), e.outputs(),
                    e.functionRevision());
        }

        /** OSCAR's clients parse Kubernetes timestamps: RFC 3339, whole seconds. */
        private static Instant seconds(Instant t) {
            return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS);
        }
    }
}
