package io.wharf.gateway.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.wharf.gateway.GatewayConfig;

/**
 * The web UI's sessions: the form login's encrypted cookie names a user who once gave their password
 * ({@link ConfiguredUsersIdentityProvider}), or whose OpenID Connect access token was accepted at login (marked
 * {@link #OIDC_SESSION}). Each request's identity is rebuilt from the configuration, so a user removed from
 * {@code wharf.gateway.users} is logged out at their next request, and an operator's role follows
 * {@code wharf.gateway.operators} (an OIDC operators' group counts only for bearer tokens).
 */
@ApplicationScoped
public class SessionUsersIdentityProvider implements IdentityProvider<TrustedAuthenticationRequest> {

    private final GatewayConfig config;
    private final Operators operators;

    public SessionUsersIdentityProvider(GatewayConfig config, Operators operators) {
        this.config = config;
        this.operators = operators;
    }

    @Override
    public Class<TrustedAuthenticationRequest> getRequestType() {
        return TrustedAuthenticationRequest.class;
    }

    /**
     * Marks the session of a user who signed in with OpenID Connect ({@code ui.OidcLogin}); no configured user's name
     * can start with it (a control character).
     */
    public static final String OIDC_SESSION = "oidc\u0001";

    /** The principal of an OpenID Connect session: the mark, when it ends (epoch seconds), the user. */
    public static String oidcPrincipal(String user, java.time.Instant ends) {
        return OIDC_SESSION + ends.getEpochSecond() + "\u0001" + user;
    }

    private static String oidcUser(String principal) {
        return oidcUser(principal, java.time.Instant.now());
    }

    /** The user of an OpenID Connect session's principal; null once it has ended, or when it is not one. */
    static String oidcUser(String principal, java.time.Instant now) {
        if (principal == null || !principal.startsWith(OIDC_SESSION)) {
            return null;
        }
        String rest = principal.substring(OIDC_SESSION.length());
        int mark = rest.indexOf('\u0001');
        if (mark < 1) {
            return null;
        }
        try {
            long ends = Long.parseLong(rest.substring(0, mark));
            return now.getEpochSecond() < ends ? rest.substring(mark + 1) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request,
            AuthenticationRequestContext context) {
        String principal = request.getPrincipal();
        boolean oidc = principal != null && principal.startsWith(OIDC_SESSION);
        String user = oidc ? oidcUser(principal) : principal;
        boolean known = oidc
                ? config.gateway().oidc().uiClientId().isPresent() && user != null && !user.isEmpty()
                : user != null && config.gateway().users().containsKey(user);
        if (!known) {
            return Uni.createFrom().failure(new AuthenticationFailedException("no such user"));
        }
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(user))
                .addRole(Roles.USER);
        if (operators.contains(user)) {
            identity.addRole(Roles.OPERATOR);
        }
        return Uni.createFrom().item(identity.build());
    }
}
