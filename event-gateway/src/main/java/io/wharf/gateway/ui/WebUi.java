package io.wharf.gateway.ui;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.http.runtime.security.FormAuthenticationMechanism;
import io.vertx.ext.web.RoutingContext;
import io.wharf.contracts.ValidationException;
import io.wharf.contracts.Violation;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.StorageIO;
import io.wharf.gateway.GatewayConfig;
import io.wharf.gateway.api.ApiException;
import io.wharf.gateway.api.BucketsResource;
import io.wharf.gateway.api.DeadLetterResource;
import io.wharf.gateway.api.LogsResource;
import io.wharf.gateway.api.PlatformStatus;
import io.wharf.gateway.api.Problem;
import io.wharf.gateway.api.ServicesResource;
import io.wharf.gateway.api.SystemResource;
import io.wharf.gateway.security.Caller;
import io.wharf.jetstream.StoreException;

/**
 * The web UI ({@code /ui}): server-rendered pages over the public REST API. Every action calls the API's own resource
 * methods with the logged-in user's identity ({@link Caller}), so the UI can do nothing that user's API calls could
 * not, and sees only what the API shows them. Login is Quarkus' form authentication on {@code /ui/*} only
 * ({@code application.properties}); every state-changing request carries the {@link Csrf} token. Errors are pages that
 * say what went wrong, never stack traces.
 */
@Path("/ui")
@Produces(MediaType.TEXT_HTML)
public class WebUi {

    private static final Logger LOG = Logger.getLogger(WebUi.class);
    private static final Set<String> STATUSES = Set.of("Pending", "Running", "Succeeded", "Failed");
    private static final int MAX_EXECUTIONS = 1000;

    private final Pages pages;
    private final Csrf csrf;
    private final Caller caller;
    private final RoutingContext http;
    private final ServicesResource services;
    private final LogsResource logs;
    private final DeadLetterResource deadLetters;
    private final SystemResource system;
    private final BucketsResource buckets;
    private final Folders folders;
    private final boolean oidcOffered;

    public WebUi(Pages pages, Csrf csrf, Caller caller, RoutingContext http, ServicesResource services,
            LogsResource logs, DeadLetterResource deadLetters, SystemResource system, BucketsResource buckets,
            Folders folders, GatewayConfig config,
            @ConfigProperty(name = "quarkus.http.auth.session.encryption-key") Optional<String> sessionKey) {
        this.folders = folders;
        this.oidcOffered = OidcLogin.offered(config, sessionKey);
        this.pages = pages;
        this.csrf = csrf;
        this.caller = caller;
        this.http = http;
        this.services = services;
        this.logs = logs;
        this.deadLetters = deadLetters;
        this.system = system;
        this.buckets = buckets;
    }

    // ------------------------------------------------------------------------------------------------------ login

    @GET
    public Response home() {
        return seeOther("/ui/functions");
    }

    @GET
    @Path("/login")
    public String login() {
        return loginPage(false);
    }

    /** Where form authentication sends a failed login ({@code quarkus.http.auth.form.error-page}). */
    @GET
    @Path("/login-failed")
    public Response loginFailed() {
        return Response.status(401)
                .type(MediaType.TEXT_HTML_TYPE)
                .entity(loginPage(true))
                .build();
    }

    private String loginPage(boolean failed) {
        return pages.render("login", Map.of("title", "Log in", "failed", failed, "oidc", oidcOffered, "oidcError", "",
                "user", "", "section", "", "csrf", ""));
    }

    @POST
    @Path("/logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout(@FormParam(Csrf.FIELD) String token) {
        checkCsrf(token);
        FormAuthenticationMechanism.logout(http);
        return seeOther("/ui/login");
    }

    // -------------------------------------------------------------------------------------------------- functions

    @GET
    @Path("/functions")
    public String functions() {
        String user = caller.user();
        List<Views.FunctionRow> rows = services.list()
                .stream()
                .map(fn -> new Views.FunctionRow(fn.name(), Formats.text(fn.image()), Formats.text(fn.owner()),
                        fn.isOwnedBy(user),
                        fn.input().isEmpty() ? "" : fn.input().get(0).path(),
                        fn.output().isEmpty() ? "" : fn.output().get(0).path(),
                        fn.visibility() == null ? "private" : fn.visibility()))
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .toList();
        return page("functions", "Functions", "functions", Map.of("functions", rows));
    }

    @GET
    @Path("/functions/new")
    public String newFunction() {
        return formPage(FunctionForm.empty(), false, List.of(), "", List.of());
    }

    @POST
    @Path("/functions")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@FormParam(Csrf.FIELD) String token, @FormParam("name") String name,
            @FormParam("image") String image, @FormParam("script") String script, @FormParam("cpu") String cpu,
            @FormParam("memory") String memory, @FormParam("timeout") String timeout,
            @FormParam("input") String input, @FormParam("output") String output) {
        checkCsrf(token);
        FunctionForm form = new FunctionForm(name, image, script, cpu, memory, timeout, input, output);
        try {
            services.create(form.toJson());
        } catch (ValidationException e) {
            return refused(400, form, false, e.violations(), null);
        } catch (ApiException e) {
            return refused(e.status(), form, false, e.toProblem().violations(), e);
        }
        return seeOther("/ui/functions/" + form.name());
    }

    /** A function (or an FDL file holding one) pasted as YAML or JSON, as {@code oscar-cli apply} would send it. */
    @POST
    @Path("/functions/fdl")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response createFromFdl(@FormParam(Csrf.FIELD) String token, @FormParam("fdl") String fdl) {
        checkCsrf(token);
        String text = fdl == null ? "" : fdl;
        FunctionDefinition created;
        try {
            created = (FunctionDefinition) services.create(text).getEntity();
        } catch (ValidationException e) {
            return fdlRefused(400, text, e.violations().stream().map(Violation::toString).toList());
        } catch (ApiException e) {
            List<Violation> violations = e.toProblem().violations();
            return fdlRefused(e.status(), text, violations == null || violations.isEmpty()
                    ? List.of(e.getMessage())
                    : violations.stream().map(Violation::toString).toList());
        }
        return seeOther("/ui/functions/" + created.name());
    }

    @GET
    @Path("/functions/{name}")
    public String function(@PathParam("name") String name) {
        FunctionDefinition fn = services.get(name);
        boolean own = fn.isOwnedBy(caller.user());
        List<Views.Folder> inputs = new ArrayList<>();
        for (StorageIO location : fn.input()) {
            inputs.add(folders.of("input", location, true));
        }
        List<Views.Folder> outputs = new ArrayList<>();
        for (StorageIO location : fn.output()) {
            outputs.add(folders.of("output", location, false));
        }
        Map<String, Object> data = new HashMap<>();
        data.put("fn", fn);
        data.put("own", own);
        data.put("resources", List.of(new Views.Line("image", Formats.text(fn.image())),
                new Views.Line("CPU", fn.cpu() == null ? "platform default" : fn.cpu()),
                new Views.Line("memory", fn.memory() == null ? "platform default" : fn.memory()),
                new Views.Line("timeout", fn.timeout() == null ? "platform default" : fn.timeout() + " s"),
                new Views.Line("owner", Formats.text(fn.owner())),
                new Views.Line("visibility", fn.visibility() == null ? "private" : fn.visibility()),
                new Views.Line("revision", fn.revision() == null ? "" : fn.revision().toString())));
        data.put("script", Formats.text(fn.script()));
        data.put("inputs", inputs);
        data.put("outputs", outputs);
        return page("function", fn.name(), "functions", data);
    }

    @GET
    @Path("/functions/{name}/edit")
    public String edit(@PathParam("name") String name) {
        FunctionDefinition fn = services.get(name);
        if (!fn.isOwnedBy(caller.user())) {
            throw new ApiException(403, "Forbidden", "function '" + name + "' is shared with you; only its owner ("
                    + fn.owner() + ") may change it");
        }
        return formPage(FunctionForm.of(fn), true, List.of(), "", List.of());
    }

    @POST
    @Path("/functions/{name}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response update(@PathParam("name") String name, @FormParam(Csrf.FIELD) String token,
            @FormParam("image") String image, @FormParam("script") String script, @FormParam("cpu") String cpu,
            @FormParam("memory") String memory, @FormParam("timeout") String timeout,
            @FormParam("input") String input, @FormParam("output") String output) {
        checkCsrf(token);
        FunctionDefinition current = services.get(name);
        FunctionForm form = new FunctionForm(name, image, script, cpu, memory, timeout, input, output);
        try {
            services.update(name, form.toJson(current));
        } catch (ValidationException e) {
            return refused(400, form, true, e.violations(), null);
        } catch (ApiException e) {
            return refused(e.status(), form, true, e.toProblem().violations(), e);
        }
        return seeOther("/ui/functions/" + name);
    }

    @POST
    @Path("/functions/{name}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response delete(@PathParam("name") String name, @FormParam(Csrf.FIELD) String token) {
        checkCsrf(token);
        services.delete(name);
        return seeOther("/ui/functions");
    }

    // ------------------------------------------------------------------------------------------------- executions

    @GET
    @Path("/functions/{name}/executions")
    public String executions(@PathParam("name") String name, @QueryParam("status") String status) {
        String filter = status != null && STATUSES.contains(status) ? status : "";
        LogsResource.Jobs jobs = logs.list(name, null, MAX_EXECUTIONS);
        List<Views.ExecutionRow> rows = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        STATUSES.stream().sorted().forEach(s -> counts.put(s, 0));
        jobs.jobs().forEach((id, job) -> {
            counts.merge(job.status(), 1, Integer::sum);
            if (filter.isEmpty() || filter.equals(job.status())) {
                rows.add(new Views.ExecutionRow(id, job.status(), job.status().toLowerCase(Locale.ROOT),
                        Formats.time(job.creationTime()), Formats.time(job.startTime()), Formats.time(job.finishTime()),
                        Integer.toString(job.attempt()), job.exitCode() == null ? "" : job.exitCode().toString(),
                        Formats.text(job.reason()), outputLinks(job.outputs()),
                        "/ui/functions/" + name + "/executions/" + id));
            }
        });
        List<Views.Line> summary = counts.entrySet()
                .stream()
                .map(e -> new Views.Line(e.getKey(), e.getValue().toString()))
                .toList();
        Map<String, Object> data = new HashMap<>();
        data.put("name", name);
        data.put("executions", rows);
        data.put("filter", filter);
        data.put("statuses", List.of("Pending", "Running", "Succeeded", "Failed"));
        data.put("summary", summary);
        data.put("more", jobs.remainingJobs() > 0);
        return page("executions", "Executions of " + name, "functions", data);
    }

    @GET
    @Path("/functions/{name}/executions/{id}")
    public String execution(@PathParam("name") String name, @PathParam("id") String id) {
        Response log = logs.log(name, id, "true");
        String state = String.valueOf(log.getHeaderString("Wharf-Execution-State"));
        Map<String, Object> data = new HashMap<>();
        data.put("name", name);
        data.put("id", id);
        data.put("state", state.toLowerCase(Locale.ROOT));
        data.put("finished", state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("REMOVED"));
        data.put("log", new String((byte[]) log.getEntity(), StandardCharsets.UTF_8));
        data.put("logUrl", "/ui/functions/" + name + "/executions/" + id + "/log");
        return page("execution", id, "functions", data);
    }

    /** The log as text, for the execution page to follow while the execution runs. */
    @GET
    @Path("/functions/{name}/executions/{id}/log")
    @Produces(MediaType.TEXT_PLAIN)
    public Response executionLog(@PathParam("name") String name, @PathParam("id") String id) {
        return logs.log(name, id, "true");
    }

    // ------------------------------------------------------------------------------------------------------ files

    /**
     * Uploads one file into a folder: {@code PUT /system/buckets/{bucket}/objects/{key}} of the public API, with the
     * CSRF token in {@value Csrf#HEADER}.
     */
    @PUT
    @Path("/files/{bucket}/{key: .+}")
    @Produces(MediaType.TEXT_PLAIN)
    public Response upload(@PathParam("bucket") String bucket, @PathParam("key") String key,
            @HeaderParam(Csrf.HEADER) String token, @HeaderParam("Content-Type") String contentType, byte[] body) {
        checkCsrf(token);
        buckets.upload(bucket, key, contentType, body);
        return Response.status(201).entity("uploaded " + key).build();
    }

    /** Downloads one object: {@code GET /system/buckets/{bucket}/objects/{key}} of the public API. */
    @GET
    @Path("/files/{bucket}/{key: .+}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response download(@PathParam("bucket") String bucket, @PathParam("key") String key) {
        return buckets.download(bucket, key);
    }

    // --------------------------------------------------------------------------------------- dead letters, status

    @GET
    @Path("/dead-letters")
    public String deadLetters() {
        List<Views.LetterRow> rows = new ArrayList<>();
        for (String name : deadLetters.summary().keySet()) {
            for (DeadLetterResource.Entry e : deadLetters.list(name, 0, 100).deadLetters()) {
                rows.add(new Views.LetterRow(name, e.sequence(), Formats.text(e.reason()), Formats.text(e.detail()),
                        Formats.time(e.time()),
                        Formats.text(e.notReplayable()), e.notReplayable() == null));
            }
        }
        List<String> functions = rows.stream().map(Views.LetterRow::function).distinct().toList();
        return page("dead-letters", "Dead letters", "dead-letters", Map.of("letters", rows, "functions", functions));
    }

    @POST
    @Path("/dead-letters/{name}/replay")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response replayAll(@PathParam("name") String name, @FormParam(Csrf.FIELD) String token) {
        checkCsrf(token);
        deadLetters.replayAll(name);
        return seeOther("/ui/dead-letters");
    }

    @POST
    @Path("/dead-letters/{name}/{sequence}/replay")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response replay(@PathParam("name") String name, @PathParam("sequence") long sequence,
            @FormParam(Csrf.FIELD) String token) {
        checkCsrf(token);
        deadLetters.replayOne(name, sequence);
        return seeOther("/ui/dead-letters");
    }

    @GET
    @Path("/status")
    public String status() {
        PlatformStatus.Status status = system.status();
        PlatformStatus.Metrics metrics = status.cluster().metrics();
        List<Views.Line> capacity = List.of(new Views.Line("nodes", Integer.toString(status.cluster().nodesCount())),
                new Views.Line("free CPU", metrics.cpu().totalFree() + " millicores"),
                new Views.Line("free memory", Formats.bytes(metrics.memory().totalFree())),
                new Views.Line("GPUs", Long.toString(metrics.gpu().total())),
                new Views.Line("dispatchers ready", status.oscar().ready() ? "yes" : "none reporting"));
        Map<String, Object> data = new HashMap<>();
        data.put("capacity", capacity);
        data.put("dispatchers", status.wharf().dispatchers());
        data.put("work", status.wharf().functions());
        return page("status", "Platform status", "status", data);
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    /** An execution's outputs ({@code <bucket>/<key>}), each with its download address. */
    private static List<Views.Line> outputLinks(List<String> outputs) {
        if (outputs == null) {
            return List.of();
        }
        return outputs.stream().map(o -> new Views.Line(o, Formats.fileHref(o))).toList();
    }

    private Response refused(int status, FunctionForm form, boolean editing, List<Violation> violations,
            ApiException cause) {
        Map<String, List<String>> byField = new HashMap<>();
        List<String> general = new ArrayList<>();
        for (Violation v : violations == null ? List.<Violation>of() : violations) {
            String field = FunctionForm.fieldOf(v);
            if (field == null) {
                general.add(v.toString());
            } else {
                byField.computeIfAbsent(field, f -> new ArrayList<>()).add(v.rule());
            }
        }
        if (cause != null && byField.isEmpty() && general.isEmpty()) {
            if (cause.status() == 409 && cause.getMessage().startsWith("a function named")) {
                byField.put("name", List.of(cause.getMessage()));
            } else {
                general.add(cause.getMessage());
            }
        }
        Map<String, String> errors = new HashMap<>();
        byField.forEach((f, rules) -> errors.put(f, String.join("; ", rules)));
        return Response.status(status)
                .type(MediaType.TEXT_HTML_TYPE)
                .entity(formPage(form, editing, general, "", List.of(), errors))
                .build();
    }

    private Response fdlRefused(int status, String fdl, List<String> errors) {
        return Response.status(status)
                .type(MediaType.TEXT_HTML_TYPE)
                .entity(formPage(FunctionForm.empty(), false, List.of(), fdl, errors))
                .build();
    }

    private String formPage(FunctionForm form, boolean editing, List<String> general, String fdl,
            List<String> fdlErrors) {
        return formPage(form, editing, general, fdl, fdlErrors, Map.of());
    }

    private String formPage(FunctionForm form, boolean editing, List<String> general, String fdl,
            List<String> fdlErrors, Map<String, String> errors) {
        Views.FunctionFormView view = new Views.FunctionFormView(
                editing ? "/ui/functions/" + form.name() : "/ui/functions", editing,
                field("name", form.name(), errors), field("image", form.image(), errors),
                field("script", form.script(), errors), field("cpu", form.cpu(), errors),
                field("memory", form.memory(), errors), field("timeout", form.timeout(), errors),
                field("input", form.input(), errors), field("output", form.output(), errors),
                form.hasMoreOptions() || errors.containsKey("cpu") || errors.containsKey("memory")
                        || errors.containsKey("timeout"),
                general, FunctionForm.FIELDS.stream()
                        .filter(errors::containsKey)
                        .map(f -> new Views.Line(f, FunctionForm.LABELS.get(f) + ": " + errors.get(f)))
                        .toList(),
                fdl, fdlErrors);
        return page("function-form", editing ? "Edit " + form.name() : "New function", "functions",
                Map.of("form", view));
    }

    private static Views.Field field(String name, String value, Map<String, String> errors) {
        return new Views.Field(name, value, errors.getOrDefault(name, ""));
    }

    private String page(String template, String title, String section, Map<String, Object> data) {
        String user = caller.user();
        Map<String, Object> all = new HashMap<>(data);
        all.put("title", title);
        all.put("section", section);
        all.put("user", user);
        all.put("csrf", csrf.token(http, user));
        return pages.render(template, all);
    }

    private void checkCsrf(String token) {
        csrf.check(http, caller.user(), token);
    }

    private static Response seeOther(String path) {
        return Response.seeOther(URI.create(path)).build();
    }

    // ------------------------------------------------------------------------------------------------ error pages

    @ServerExceptionMapper
    public Response apiError(ApiException e) {
        return errorPage(e.toProblem());
    }

    @ServerExceptionMapper
    public Response invalid(ValidationException e) {
        return errorPage(new Problem("Invalid input", 400, e.getMessage(), e.violations()));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return errorPage(new Problem("Forbidden", 403, "your account may not do this", null));
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return seeOther("/ui/login");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        return errorPage(new Problem(e.getResponse().getStatusInfo().getReasonPhrase(), status, e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response unavailable(StoreException e) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "ui: store unavailable [%s]", id);
        return errorPage(new Problem("Service Unavailable", 503,
                "the platform's storage or NATS did not answer; try again in a moment (error " + id + ")", null));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "ui: unexpected error [%s]", id);
        return errorPage(new Problem("Internal Server Error", 500, "something went wrong (error " + id
                + ", in the gateway's log)", null));
    }

    private Response errorPage(Problem problem) {
        Map<String, Object> data = new HashMap<>();
        data.put("problem", problem);
        data.put("violations", problem.violations() == null ? List.of() : problem.violations());
        String html;
        if (caller.isUser()) {
            html = page("error", problem.title(), "", data);
        } else {
            data.put("title", problem.title());
            data.put("section", "");
            data.put("user", "");
            data.put("csrf", "");
            html = pages.render("error", data);
        }
        return Response.status(problem.status()).type(MediaType.TEXT_HTML_TYPE).entity(html).build();
    }
}
