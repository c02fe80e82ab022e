package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.wharf.testing.KeycloakServer;
import io.wharf.testing.Platform;

/**
 * The web UI's OpenID Connect login in a real browser: Keycloak's own login page, the way back to the gateway, and
 * the SameSite=Strict session cookie the browser must then send (the callback moves on from a page of Wharf's).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiOidcTest {

    private static final String REALM = "science";
    private static final String GROUP = "vo.example.org";
    private static final String PASSWORD = "correct horse battery";

    @TempDir
    static Path dir;

    private KeycloakServer keycloak;
    private Platform platform;
    private ChromeDriver browser;
    private WebDriverWait wait;
    private String member;

    @BeforeAll
    void start() throws IOException {
        HeadlessChromium.requireInstalled();
        keycloak = new KeycloakServer(Files.createDirectories(dir.resolve("keycloak"))).start();
        keycloak.createRealm(REALM);
        member = keycloak.createUser(REALM, "alice", PASSWORD, GROUP);
        keycloak.createUser(REALM, "mallory", PASSWORD);
        platform = Platform.start(dir,
                Map.of("wharf.dispatcher.executor", "process"),
                Map.of("wharf.gateway.oidc.issuer", keycloak.issuer(REALM), "wharf.gateway.oidc.audience", "account",
                        "wharf.gateway.oidc.required-group", GROUP, "wharf.gateway.oidc.ui-client-id", "wharf-web"));
        keycloak.createWebClient(REALM, "wharf-web", platform.url() + "/ui/oidc/callback");
        browser = HeadlessChromium.start();
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (platform != null) {
            platform.close();
        }
        if (keycloak != null) {
            keycloak.stop();
        }
    }

    @Test
    @Order(1)
    void shouldRefuseAUserOutsideTheRequiredGroup() {
        logInAtTheProvider("mallory");

        WebElement refused = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("oidc-error")));
        assertThat(refused.getText()).contains("may not use this platform");
        assertThat(browser.manage().getCookieNamed("wharf-session")).isNull();
        // the provider's own session of this user (its cookies live under the realm's path) goes too, so that the
        // next login asks again
        browser.get(keycloak.issuer(REALM) + "/");
        browser.manage().deleteAllCookies();
    }

    @Test
    @Order(2)
    void shouldLogAMemberInThroughTheProvidersLoginPage() {
        logInAtTheProvider("alice");

        wait.until(ExpectedConditions.textToBe(By.id("current-user"), member));
        assertThat(browser.getCurrentUrl()).endsWith("/ui/functions");
        assertThat(browser.manage().getCookieNamed("wharf-session").isHttpOnly()).isTrue();
    }

    private void logInAtTheProvider(String user) {
        browser.get(platform.url() + "/ui/functions");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("oidc-login"))).click();
        wait.until(ExpectedConditions.urlContains("/realms/" + REALM + "/"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("username"))).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(PASSWORD + Keys.ENTER);
    }
}
