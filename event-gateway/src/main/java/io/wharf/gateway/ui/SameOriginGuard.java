package io.wharf.gateway.ui;

import java.net.URI;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wharf.gateway.api.HttpFailures;
import io.wharf.gateway.api.Problem;

/**
 * Refuses a state-changing request to the web UI that a browser says comes from another site, before anything else
 * (the login itself included, which no CSRF token of a page can guard: a forged login would put the victim in the
 * forger's account). A browser names where a request comes from in {@code Sec-Fetch-Site}, and in {@code Origin} on
 * every POST; a request that names another site, or an opaque origin, is refused with 403. Clients that are not
 * browsers send neither and are left to the session and the CSRF token.
 */
@ApplicationScoped
public class SameOriginGuard {

    /** Before the authentication of the request (and so before the form login reads the credentials). */
    private static final int ORDER = Integer.MIN_VALUE + 2;
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private static final Set<String> SAME_SITE = Set.of("same-origin", "none");

    void install(@Observes Router router) {
        router.route("/ui/*").order(ORDER).handler(this::check);
    }

    void check(RoutingContext context) {
        if (SAFE.contains(context.request().method()) || fromHere(context)) {
            context.next();
            return;
        }
        HttpFailures.respond(context, new Problem("Forbidden", 403, "a request from another site may not change "
                + "anything here", null));
    }

    private static boolean fromHere(RoutingContext context) {
        String site = context.request().getHeader("Sec-Fetch-Site");
        if (site != null && !SAME_SITE.contains(site)) {
            return false;
        }
        String origin = context.request().getHeader("Origin");
        if (origin == null) {
            return true;
        }
        String authority;
        try {
            authority = URI.create(origin).getRawAuthority();
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (authority == null) {
            return false; // "null": an opaque origin (a sandboxed frame, a data: page)
        }
        String host = context.request().getHeader("Host");
        String forwarded = context.request().getHeader("X-Forwarded-Host");
        return authority.equalsIgnoreCase(host) || authority.equalsIgnoreCase(forwarded);
    }
}
