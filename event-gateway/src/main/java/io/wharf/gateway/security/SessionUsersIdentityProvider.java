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

    @Override
    public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request,
            AuthenticationRequestContext context) {
        String principal = request.getPrincipal();
        boolean oidc = principal != null && principal.startsWith(OIDC_SESSION);
        String user = oidc ? principal.substring(OIDC_SESSION.length()) : principal;
        boolean known = oidc
                ? config.gateway().oidc().uiClientId().isPresent() && !user.isEmpty()
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
