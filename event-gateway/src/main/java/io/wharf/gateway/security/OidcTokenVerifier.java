package io.wharf.gateway.security;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.wharf.gateway.GatewayConfig;

/**
 * Verifies OpenID Connect access tokens as OSCAR accepts EGI Check-in or Keycloak tokens: signed by the configured
 * issuer (its keys found through OpenID discovery, or {@code jwks-url}), not expired, for the configured audience
 * when one is set. The user is the value of {@code user-claim} ({@code sub} by default). When
 * {@code required-group} is set the token must carry that group (or VO entitlement) in {@code groups-claim}; a valid
 * token without it gets no role, and every route answers 403.
 */
@ApplicationScoped
public class OidcTokenVerifier implements IdentityProvider<OidcTokenRequest> {

    private static final Logger LOG = Logger.getLogger(OidcTokenVerifier.class);
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final GatewayConfig.Oidc config;
    private final Operators operators;
    private final OidcDiscovery discovery;
    private volatile JwtConsumer consumer;

    public OidcTokenVerifier(GatewayConfig config, Operators operators, OidcDiscovery discovery) {
        this.config = config.gateway().oidc();
        this.operators = operators;
        this.discovery = discovery;
    }

    /** Without an audience, a token the issuer minted for any other service is good here too: say so at start. */
    void warnWithoutAudience(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        if (config.issuer().isPresent() && config.audience().isEmpty()) {
            LOG.warnf("wharf.gateway.oidc.audience is not set: any token %s issued, for any client, is accepted; set "
                    + "it to this platform's client id", config.issuer().get());
        }
    }

    @Override
    public Class<OidcTokenRequest> getRequestType() {
        return OidcTokenRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(OidcTokenRequest request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> identity(verify(request.token())));
    }

    private JwtClaims verify(String token) {
        try {
            return consumer().processToClaims(token);
        } catch (InvalidJwtException e) {
            LOG.debugf("bearer token refused: %s", e.getMessage());
            throw new AuthenticationFailedException("the bearer token is not valid");
        }
    }

    private SecurityIdentity identity(JwtClaims claims) {
        Optional<String> user = claim(claims, config.userClaim()).stream().findFirst().filter(u -> !u.isBlank());
        boolean member = config.requiredGroup().map(g -> claim(claims, config.groupsClaim()).contains(g)).orElse(true);
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(user.orElse("(no " + config.userClaim() + ")")));
        if (user.isPresent() && member) {
            identity.addRole(Roles.USER);
            if (operators.contains(user.get())) {
                identity.addRole(Roles.OPERATOR);
            }
        } else {
            LOG.infof("a valid token of %s gets no role: %s", user.orElse("(unnamed)"), user.isEmpty()
                    ? "it has no claim " + config.userClaim()
                    : "its claim " + config.groupsClaim() + " lacks the required group");
        }
        return identity.build();
    }

    private JwtConsumer consumer() {
        JwtConsumer current = consumer;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (consumer == null) {
                String issuer = config.issuer()
                        .orElseThrow(() -> new AuthenticationFailedException("no OpenID Connect issuer configured"));
                String jwks = config.jwksUrl().orElseGet(() -> discoverKeys(issuer));
                JwtConsumerBuilder builder = new JwtConsumerBuilder()
                        .setRequireExpirationTime()
                        .setRequireSubject()
                        .setAllowedClockSkewInSeconds((int) CLOCK_SKEW.toSeconds())
                        .setExpectedIssuer(issuer)
                        .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(new HttpsJwks(jwks)))
                        .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                                AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.RSA_USING_SHA384,
                                AlgorithmIdentifiers.RSA_USING_SHA512, AlgorithmIdentifiers.RSA_PSS_USING_SHA256,
                                AlgorithmIdentifiers.RSA_PSS_USING_SHA384, AlgorithmIdentifiers.RSA_PSS_USING_SHA512,
                                AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                                AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384,
                                AlgorithmIdentifiers.ECDSA_USING_P521_CURVE_AND_SHA512);
                config.audience()
                        .ifPresentOrElse(builder::setExpectedAudience,
                                builder::setSkipDefaultAudienceValidation);
                consumer = builder.build();
            }
            return consumer;
        }
    }

    /** The provider's signing keys, from its OpenID discovery document. */
    private String discoverKeys(String issuer) {
        try {
            JsonNode keys = discovery.document(issuer).path("jwks_uri");
            if (!keys.isTextual()) {
                throw new AuthenticationFailedException("OpenID discovery at " + OidcDiscovery.uri(issuer)
                        + " names no jwks_uri");
            }
            return keys.asText();
        } catch (IOException e) {
            LOG.warnf("OpenID discovery failed: %s", e.getMessage());
            throw new AuthenticationFailedException("the OpenID provider cannot be reached");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthenticationFailedException("interrupted");
        }
    }

    /** The string values of a claim; a dotted name walks into nested objects ({@code realm_access.roles}). */
    static List<String> claim(JwtClaims claims, String name) {
        String[] path = name.split("\\.");
        Object value = claims.getClaimValue(path[0]);
        for (int i = 1; i < path.length && value != null; i++) {
            value = value instanceof Map<?, ?> map ? map.get(path[i]) : null;
        }
        List<String> result = new ArrayList<>();
        if (value instanceof String s) {
            result.add(s);
        } else if (value instanceof Collection<?> values) {
            values.stream().filter(String.class::isInstance).map(String.class::cast).forEach(result::add);
        }
        return result;
    }
}
