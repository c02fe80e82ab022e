package io.wharf.gateway.security;

import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;

/** Who sent the request: a user, or the holder of one function's token. */
@RequestScoped
public class Caller {

    private final SecurityIdentity identity;

    public Caller(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The user's name; only users reach the routes that ask (see {@code application.properties}). */
    public String user() {
        if (!identity.hasRole(Roles.USER)) {
            throw new ForbiddenException("a user's credentials are needed");
        }
        return identity.getPrincipal().getName();
    }

    public boolean isUser() {
        return identity.hasRole(Roles.USER);
    }

    /** Whether the caller operates the platform ({@code wharf.gateway.operators}, or the OIDC operators' group). */
    public boolean isOperator() {
        return identity.hasRole(Roles.OPERATOR);
    }

    /** The function whose token authenticated the request, if one did. */
    public Optional<String> function() {
        return Optional.ofNullable(identity.getAttribute(Roles.FUNCTION_ATTRIBUTE));
    }

    /** Tells callers apart (e.g. to scope idempotency keys): {@code user:<name>} or {@code function:<name>}. */
    public String id() {
        return function().map(f -> "function:" + f).orElseGet(() -> "user:" + user());
    }
}
