package io.wharf.gateway.ui;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import io.wharf.gateway.api.ApiException;

/**
 * Cross-site request forgery protection for the web UI: a signed double-submit token. Each browser gets a random nonce
 * in an HttpOnly, SameSite=Strict cookie scoped to {@code /ui}; each page carries the token HMAC(key, nonce, user),
 * which every state-changing UI request sends back (form field {@value #FIELD}, or header {@value #HEADER} for the
 * uploads). A request whose token is missing or does not match its cookie and its user is refused with 403. The key
 * derives from the session's encryption key ({@code quarkus.http.auth.session.encryption-key}), or is random per
 * process when none is configured (sessions do not survive a restart then either).
 */
@ApplicationScoped
public class Csrf {

    public static final String COOKIE = "wharf-csrf";
    public static final String FIELD = "csrf";
    public static final String HEADER = "X-CSRF-Token";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 24;

    private final byte[] key;

    public Csrf(@ConfigProperty(name = "quarkus.http.auth.session.encryption-key") Optional<String> sessionKey) {
        this.key = sessionKey.map(k -> sha256("wharf-ui-csrf\n" + k)).orElseGet(() -> {
            byte[] random = new byte[32];
            RANDOM.nextBytes(random);
            return random;
        });
    }

    /** The token of this browser and user, setting the browser's nonce cookie first when it has none. */
    public String token(RoutingContext context, String user) {
        String nonce = nonce(context).orElse(null);
        if (nonce == null) {
            byte[] random = new byte[NONCE_BYTES];
            RANDOM.nextBytes(random);
            nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            context.response()
                    .addCookie(Cookie.cookie(COOKIE, nonce)
                            .setPath("/ui")
                            .setHttpOnly(true)
                            .setSameSite(CookieSameSite.STRICT)
                            .setSecure(context.request().isSSL()));
        }
        return sign(nonce, user);
    }

    /** @throws ApiException 403 unless the token is this browser's and this user's */
    public void check(RoutingContext context, String user, String token) {
        String nonce = nonce(context).orElse(null);
        if (nonce == null || token == null || !MessageDigest.isEqual(sign(nonce, user)
                .getBytes(StandardCharsets.US_ASCII), token.getBytes(StandardCharsets.US_ASCII))) {
            throw new ApiException(403, "Forbidden", "this form has expired or did not come from Wharf's own page; "
                    + "reload the page and try again");
        }
    }

    private static Optional<String> nonce(RoutingContext context) {
        Cookie cookie = context.request().getCookie(COOKIE);
        return cookie == null || cookie.getValue().isBlank() ? Optional.empty() : Optional.of(cookie.getValue());
    }

    private String sign(String nonce, String user) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signed = mac.doFinal((nonce + "\n" + user).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
