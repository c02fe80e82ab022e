package io.wharf.gateway.ui;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.PersistentLoginManager;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import io.wharf.contracts.Json;
import io.wharf.gateway.GatewayConfig;
import io.wharf.gateway.api.ApiException;
import io.wharf.gateway.security.OidcDiscovery;
import io.wharf.gateway.security.OidcTokenRequest;
import io.wharf.gateway.security.Roles;
import io.wharf.gateway.security.SessionUsersIdentityProvider;

/**
 * Login with OpenID Connect for the web UI: the authorization code flow with PKCE through the client
 * {@code wharf.gateway.oidc.ui-client-id}. The access token the provider gives back is checked exactly as a bearer
 * token of the API ({@code OidcTokenVerifier}: issuer, signature, audience, required group), and its user gets the
 * same session cookie as a password login. The state and the PKCE verifier wait in a short-lived cookie signed with a
 * key derived from the session key; it is SameSite=Lax, as the provider sends the browser back from another site.
 */
@Path("/ui/oidc")
@Produces(MediaType.TEXT_HTML)
public class OidcLogin {

    private static final Logger LOG = Logger.getLogger(OidcLogin.class);
    private static final String COOKIE = "wharf-oidc";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration LOGIN_TIME = Duration.ofMinutes(10);

    private final GatewayConfig.Oidc oidc;
    private final OidcDiscovery discovery;
    private final Optional<String> sessionKey;
    private final IdentityProviderManager identities;
    private final RoutingContext http;
    private final Pages pages;
    private final PersistentLoginManager sessions;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public OidcLogin(GatewayConfig config, IdentityProviderManager identities, RoutingContext http, Pages pages,
            OidcDiscovery discovery,
            @ConfigProperty(name = "quarkus.http.auth.session.encryption-key") Optional<String> sessionKey,
            @ConfigProperty(name = "quarkus.http.auth.form.cookie-name") String cookieName,
            @ConfigProperty(name = "quarkus.http.auth.form.timeout") Duration timeout,
            @ConfigProperty(name = "quarkus.http.auth.form.new-cookie-interval", defaultValue = "PT1M") Duration renew,
            @ConfigProperty(name = "quarkus.http.auth.form.cookie-path") String cookiePath) {
        this.oidc = config.gateway().oidc();
        this.discovery = discovery;
        this.sessionKey = sessionKey;
        this.identities = identities;
        this.http = http;
        this.pages = pages;
        // the session a password login makes (quarkus.http.auth.form.*): the form mechanism reads it back
        this.sessions = sessionKey.map(key -> new PersistentLoginManager(key, cookieName, timeout.toMillis(),
                renew.toMillis(), true, CookieSameSite.STRICT.name(), cookiePath, -1, null)).orElse(null);
    }

    /** Whether the login page offers OpenID Connect. */
    static boolean offered(GatewayConfig config, Optional<String> sessionKey) {
        GatewayConfig.Oidc oidc = config.gateway().oidc();
        return oidc.issuer().isPresent() && oidc.uiClientId().isPresent() && sessionKey.isPresent();
    }

    @GET
    @Path("/login")
    public Response login() {
        String issuer = configuredIssuer();
        String state = random(24);
        String verifier = random(32);
        String signed = state + "." + verifier;
        http.response()
                .addCookie(Cookie.cookie(COOKIE, signed + "." + sign(signed))
                        .setPath("/ui/oidc")
                        .setHttpOnly(true)
                        .setSameSite(CookieSameSite.LAX)
                        .setSecure(http.request().isSSL())
                        .setMaxAge(LOGIN_TIME.toSeconds()));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", oidc.uiClientId().orElseThrow());
        query.put("redirect_uri", redirectUri());
        query.put("scope", "openid");
        query.put("state", state);
        query.put("code_challenge", challengeOf(verifier));
        query.put("code_challenge_method", "S256");
        String endpoint = discovery(issuer).path("authorization_endpoint").asText("");
        if (endpoint.isEmpty()) {
            return failed(502, "the identity provider's discovery document names no authorization endpoint");
        }
        return Response.seeOther(URI.create(endpoint + (endpoint.contains("?") ? "&" : "?") + form(query))).build();
    }

    @GET
    @Path("/callback")
    public Response callback(@QueryParam("code") String code, @QueryParam("state") String state,
            @QueryParam("error") String error) {
        String issuer = configuredIssuer();
        Cookie cookie = http.request().getCookie(COOKIE);
        http.response()
                .addCookie(Cookie.cookie(COOKIE, "").setPath("/ui/oidc").setMaxAge(0).setHttpOnly(true));
        if (error != null) {
            return failed(401, "the identity provider did not sign you in (" + error + ")");
        }
        String[] parts = cookie == null ? new String[0] : cookie.getValue().split("\\.");
        if (parts.length != 3 || state == null || code == null
                || !MessageDigest.isEqual(sign(parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII),
                        parts[2].getBytes(StandardCharsets.US_ASCII))
                || !MessageDigest.isEqual(parts[0].getBytes(StandardCharsets.UTF_8),
                        state.getBytes(StandardCharsets.UTF_8))) {
            return failed(400, "this login did not start here, or took longer than " + LOGIN_TIME.toMinutes()
                    + " minutes; log in again");
        }
        String accessToken = exchange(issuer, code, parts[1]);
        if (accessToken == null) {
            return failed(401, "the identity provider did not give an access token for this login; log in again");
        }
        SecurityIdentity identity;
        try {
            identity = identities.authenticateBlocking(new OidcTokenRequest(accessToken));
        } catch (AuthenticationFailedException e) {
            LOG.infof("OpenID Connect login refused: %s", e.getMessage());
            return failed(403, "your account may not use this platform: " + e.getMessage());
        }
        if (!identity.hasRole(Roles.USER)) {
            // a token of the right issuer, without the group (or VO) the platform requires
            return failed(403, "your account may not use this platform (it is not in the required group)");
        }
        String user = identity.getPrincipal().getName();
        sessions.save(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(SessionUsersIdentityProvider.oidcPrincipal(user,
                        java.time.Instant.now().plus(oidc.uiSessionLifetime()))))
                .addRole(Roles.USER)
                .build(), http, null, http.request().isSSL());
        LOG.infof("%s logged in to the web UI with OpenID Connect", user);
        // a page of this site moves on, so that the browser sends the SameSite=Strict session cookie with it
        return Response.ok(pages.render("continue", Map.of("title", "Logged in", "user", "", "section", "",
                "csrf", "", "next", "/ui/functions"))).build();
    }

    private String configuredIssuer() {
        if (!enabled() || sessions == null) {
            throw new ApiException(404, "Not Found", "login with OpenID Connect is not "
                    + "configured here (wharf.gateway.oidc.issuer, wharf.gateway.oidc.ui-client-id and "
                    + "quarkus.http.auth.session.encryption-key)");
        }
        return oidc.issuer().orElseThrow();
    }

    private boolean enabled() {
        return oidc.issuer().isPresent() && oidc.uiClientId().isPresent() && sessionKey.isPresent();
    }

    /** The code for the access token, at the provider's token endpoint; {@code null} when it refuses. */
    private String exchange(String issuer, String code, String verifier) {
        String endpoint = discovery(issuer).path("token_endpoint").asText("");
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "authorization_code");
        body.put("code", code);
        body.put("redirect_uri", redirectUri());
        body.put("client_id", oidc.uiClientId().orElseThrow());
        body.put("code_verifier", verifier);
        oidc.uiClientSecret().ifPresent(secret -> body.put("client_secret", secret));
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(endpoint))
                    .timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(form(body)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                LOG.infof("OpenID Connect login: the token endpoint answered %d", response.statusCode());
                return null;
            }
            String token = Json.json().readTree(response.body()).path("access_token").asText("");
            return token.isEmpty() ? null : token;
        } catch (IOException | IllegalArgumentException e) {
            LOG.warnf("OpenID Connect login: the token endpoint %s failed: %s", endpoint, e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private JsonNode discovery(String issuer) {
        try {
            return discovery.document(issuer);
        } catch (IOException e) {
            LOG.warnf("OpenID discovery failed: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Json.json().createObjectNode();
    }

    private String redirectUri() {
        return URI.create(http.request().absoluteURI()).resolve("/ui/oidc/callback").toString();
    }

    private Response failed(int status, String why) {
        return Response.status(status)
                .type(MediaType.TEXT_HTML_TYPE)
                .entity(pages.render("login", Map.of("title", "Log in", "failed", false, "oidcError", why,
                        "oidc", enabled(), "user", "", "section", "", "csrf", "")))
                .build();
    }

    private String sign(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            byte[] key = MessageDigest.getInstance("SHA-256")
                    .digest(("wharf-ui-oidc\n" + sessionKey.orElseThrow()).getBytes(StandardCharsets.UTF_8));
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    private static String challengeOf(String verifier) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256")
                            .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    private static String random(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static String form(Map<String, String> values) {
        return values.entrySet()
                .stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
