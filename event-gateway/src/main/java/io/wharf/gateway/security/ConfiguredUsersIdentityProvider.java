package io.wharf.gateway.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.wharf.gateway.GatewayConfig;

/**
 * Checks HTTP basic credentials against {@code wharf.gateway.users}, in constant time. OSCAR's clients authenticate
 * this way; OpenID Connect tokens ({@link OidcUsers}) sit beside it.
 */
@ApplicationScoped
public class ConfiguredUsersIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    private final GatewayConfig config;
    private final Operators operators;

    public ConfiguredUsersIdentityProvider(GatewayConfig config, Operators operators) {
        this.config = config;
        this.operators = operators;
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
            AuthenticationRequestContext context) {
        String expected = config.gateway().users().get(request.getUsername());
        String given = new String(request.getPassword().getPassword());
        if (!BearerTokens.constantTimeEquals(expected, given)) {
            return Uni.createFrom().failure(new AuthenticationFailedException("bad credentials"));
        }
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(request.getUsername()))
                .addRole(Roles.USER);
        if (operators.contains(request.getUsername())) {
            identity.addRole(Roles.OPERATOR);
        }
        return Uni.createFrom().item(identity.build());
    }
}
