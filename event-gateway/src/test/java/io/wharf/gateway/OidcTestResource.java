package io.wharf.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.wharf.testing.KeycloakServer;
import io.wharf.testing.WharfTestResource;

/**
 * The gateway's servers plus a real Keycloak: realm {@value #REALM} with client {@value #CLIENT}, user
 * {@value #MEMBER} in group {@value #GROUP} and user {@value #OUTSIDER} in no group; a second realm
 * {@value #OTHER_REALM} issues tokens the gateway must not trust.
 */
public class OidcTestResource extends WharfTestResource {

    static final String REALM = "science";
    static final String OTHER_REALM = "elsewhere";
    static final String CLIENT = "wharf-cli";
    static final String WEB_CLIENT = "wharf-web";
    static final String GROUP = "vo.example.org";
    static final String MEMBER = "alice";
    static final String OUTSIDER = "mallory";
    static final String PASSWORD = "correct horse battery";

    private static KeycloakServer keycloak;
    private static String memberSubject;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        try {
            keycloak = new KeycloakServer(Files.createTempDirectory(Path.of("target").toAbsolutePath(), "keycloak-"))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String realm : new String[]{REALM, OTHER_REALM}) {
            keycloak.createRealm(realm);
            keycloak.createClient(realm, CLIENT);
        }
        // the web UI's login (authorization code flow), back to this gateway's callback only
        keycloak.createWebClient(REALM, WEB_CLIENT, "http://127.0.0.1:" + config.get("quarkus.http.test-port")
                + "/ui/oidc/callback");
        config.put("wharf.gateway.oidc.ui-client-id", WEB_CLIENT);
        memberSubject = keycloak.createUser(REALM, MEMBER, PASSWORD, GROUP);
        keycloak.createUser(REALM, OUTSIDER, PASSWORD);
        keycloak.createUser(OTHER_REALM, MEMBER, PASSWORD, GROUP);
        config.put("wharf.gateway.oidc.issuer", keycloak.issuer(REALM));
        config.put("wharf.gateway.oidc.required-group", GROUP);
        // Keycloak's access tokens are for its "account" service unless a client adds its own audience
        config.put("wharf.gateway.oidc.audience", "account");
        return config;
    }

    @Override
    public void stop() {
        if (keycloak != null) {
            keycloak.stop();
        }
        super.stop();
    }

    static String token(String realm, String user) {
        return keycloak.accessToken(realm, CLIENT, user, PASSWORD);
    }

    /** The {@code sub} of the member's tokens: their Wharf user name. */
    static String memberSubject() {
        return memberSubject;
    }
}
