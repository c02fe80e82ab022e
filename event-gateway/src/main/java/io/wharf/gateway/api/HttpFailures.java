package io.wharf.gateway.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wharf.gateway.GatewayConfig;

/**
 * Renders the refusals made before a request reaches a resource as problem details, like every other error:
 * authentication (401, checked before the body is read), authorisation of the path (403), and a body over the limit
 * (413, refused from its {@code Content-Length}). {@link ProblemMapper} renders everything after that point.
 */
@ApplicationScoped
public class HttpFailures {

    /** Runs just before Quarkus's own body-size check (order -2), which would answer 413 without a body. */
    private static final int ORDER_BEFORE_UPLOAD_LIMIT = -3;

    private final int maxBodyBytes;

    public HttpFailures(GatewayConfig config) {
        this.maxBodyBytes = config.gateway().maxBodyBytes();
    }

    void install(@Observes Router router) {
        router.route().order(ORDER_BEFORE_UPLOAD_LIMIT).handler(this::refuseOversizedBody);
        router.route().failureHandler(this::handle);
    }

    /** A body announced larger than the limit is refused from its {@code Content-Length}, never read. */
    void refuseOversizedBody(RoutingContext context) {
        String length = context.request().getHeader("Content-Length");
        if (length != null && length.length() < 19 && length.chars().allMatch(Character::isDigit)
                && Long.parseLong(length) > maxBodyBytes) {
            context.response().putHeader("Connection", "close");
            respond(context, tooLarge());
        } else {
            context.next();
        }
    }

    private Problem tooLarge() {
        return new Problem("Payload Too Large", 413, "a request body may have at most " + maxBodyBytes
                + " bytes (upload large inputs to the function's input bucket instead)", null);
    }

    void handle(RoutingContext context) {
        Throwable failure = context.failure();
        int status = context.statusCode();
        if (context.response().headWritten()) {
            context.next();
        } else if (context.response().getStatusCode() / 100 == 3
                && context.response().headers().contains(HttpHeaders.LOCATION)) {
            // the web UI's form login answered with its page (a failed login goes to the login page again)
            context.response().end();
        } else if (failure instanceof AuthenticationFailedException || failure instanceof UnauthorizedException
                || (failure == null && status == 401)) {
            unauthorized(context);
        } else if (failure instanceof ForbiddenException || (failure == null && status == 403)) {
            respond(context, new Problem("Forbidden", 403, "your credentials do not allow this request", null));
        } else if (status == 413) {
            respond(context, tooLarge());
        } else {
            context.next();
        }
    }

    /** 401, with the challenge a browser or a client answers with basic credentials; a problem body, as always. */
    public static void unauthorized(RoutingContext context) {
        context.response().putHeader("WWW-Authenticate", "Basic realm=\"wharf\"");
        respond(context, new Problem("Unauthorized", 401, "authentication required: a user's credentials "
                + "(basic, or an OpenID Connect bearer token), or for /job the function's token", null));
    }

    public static void respond(RoutingContext context, Problem problem) {
        context.response()
                .setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(Json.encode(problem));
    }
}
