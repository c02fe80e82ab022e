package io.wharf.gateway.api;

import java.util.UUID;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.wharf.contracts.ValidationException;
import io.wharf.gateway.ingest.ForeignObjectException;
import io.wharf.gateway.ingest.MalformedEventException;
import io.wharf.jetstream.ConflictException;
import io.wharf.jetstream.StoreException;

/**
 * The one table from exception to HTTP status. Bad input is a 4xx naming the field and the rule; a failure of a
 * dependency is a 503 the client may retry; anything else is a 500 whose stack trace goes to the log, under an id the
 * client is given, and never to the client.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return respond(e.toProblem());
    }

    @ServerExceptionMapper
    public Response validation(ValidationException e) {
        return respond(new Problem("Invalid function definition", 400,
                e.violations().size() + " rule(s) broken", e.violations()));
    }

    @ServerExceptionMapper
    public Response malformed(MalformedEventException e) {
        return respond(new Problem("Bad Request", 400, e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response foreign(ForeignObjectException e) {
        return respond(new Problem("Forbidden", 403, e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response conflict(ConflictException e) {
        return respond(new Problem("Conflict", 409, e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response unavailable(StoreException e) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "store unavailable [%s]", id);
        return respond(new Problem("Service Unavailable", 503,
                "a dependency (NATS JetStream or object storage) failed; retry later (error " + id + ")", null));
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return respond(new Problem("Unauthorized", 401, "authentication required", null));
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return respond(new Problem("Unauthorized", 401, "authentication failed", null));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(new Problem("Forbidden", 403, "your credentials do not allow this request", null));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        return respond(new Problem(e.getResponse().getStatusInfo().getReasonPhrase(), status, e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error [%s]", id);
        return respond(new Problem("Internal Server Error", 500, "unexpected error " + id + " (see the gateway's log)",
                null));
    }

    static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
