package io.wharf.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads opaque bearer tokens (a function's token, MinIO's webhook token) from a request. A JSON Web Token (three
 * dot-separated parts) is never one of them: it is left to the OpenID Connect mechanism.
 */
final class BearerTokens {

    private static final String BEARER = "Bearer ";
    private static final Pattern OPAQUE = Pattern.compile("[A-Za-z0-9_~+/=-]{1,512}");

    private BearerTokens() {
    }

    /** The opaque bearer token of the request, or {@code null} when it carries none (or a JSON Web Token). */
    static String opaque(RoutingContext context) {
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = header.substring(BEARER.length()).strip();
        return OPAQUE.matcher(token).matches() ? token : null;
    }

    static boolean constantTimeEquals(String expected, String given) {
        return expected != null && given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }
}
