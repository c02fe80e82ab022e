package io.wharf.gateway.security;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.wharf.gateway.GatewayConfig;
import io.wharf.gateway.api.HttpFailures;

/**
 * The senders of events on {@code /events/*}: {@code Authorization: Bearer <token>} (or the token as it is) with
 * MinIO's webhook token ({@code wharf.gateway.webhook-token}) on {@code /events/minio}, onetrigger's
 * ({@code wharf.gateway.onetrigger-token}) on {@code /events/onedata}. Checked before the body is read.
 */
@ApplicationScoped
public class WebhookTokenMechanism implements HttpAuthenticationMechanism {

    private static final String EVENTS = "/events/";
    private static final String ONEDATA = "/events/onedata";

    private final GatewayConfig config;

    public WebhookTokenMechanism(GatewayConfig config) {
        this.config = config;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (!context.normalizedPath().startsWith(EVENTS) || header == null) {
            return Uni.createFrom().nullItem();
        }
        String token = BearerTokens.opaque(context);
        String given = token != null ? token : header.strip();
        // each sender's token is good on its own path only: MinIO's cannot announce Onedata files, nor the reverse
        boolean onedata = context.normalizedPath().startsWith(ONEDATA);
        String expected = onedata ? config.gateway().onetriggerToken().orElse(null) : config.gateway().webhookToken();
        if (expected == null || !BearerTokens.constantTimeEquals(expected, given)) {
            return Uni.createFrom()
                    .failure(new AuthenticationFailedException("not the token of " + (onedata
                            ? "onetrigger"
                            : "MinIO's webhook")));
        }
        return Uni.createFrom()
                .item(QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(onedata ? "onetrigger" : "minio-webhook"))
                        .addRole(onedata ? Roles.ONETRIGGER : Roles.WEBHOOK)
                        .build());
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
        return Set.of();
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom()
                .item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "bearer", "webhook"));
    }

    @Override
    public int getPriority() {
        return FunctionTokenMechanism.PRIORITY + 1;
    }
}
