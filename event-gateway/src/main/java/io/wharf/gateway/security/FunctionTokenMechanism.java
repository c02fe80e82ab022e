package io.wharf.gateway.security;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import io.wharf.gateway.api.HttpFailures;

/**
 * {@code Authorization: Bearer <function token>} on {@code /job/<name>} and {@code /run/<name>}, as oscar-cli and
 * OSCAR's webhooks send it. Checked before the body is read; a wrong token, or a function that does not exist, fails
 * the same way, so names cannot be probed. Any other request is left to the other mechanisms.
 */
@ApplicationScoped
public class FunctionTokenMechanism implements HttpAuthenticationMechanism {

    static final int PRIORITY = 3000;
    private static final Pattern INVOCATION_PATH = Pattern.compile("/(?:job|run)/([^/]+)/?");

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        Matcher path = INVOCATION_PATH.matcher(context.normalizedPath());
        String token = BearerTokens.opaque(context);
        if (!path.matches() || token == null) {
            return Uni.createFrom().nullItem();
        }
        return identities.authenticate(new FunctionTokenRequest(path.group(1), token));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    /** Whichever mechanism is asked first, the 401 is the same problem body (never an empty one). */
    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        HttpFailures.unauthorized(context);
        return Uni.createFrom().item(true);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(FunctionTokenRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom()
                .item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "bearer",
                        "function-token"));
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }
}
