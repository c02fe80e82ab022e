package io.wharf.gateway;

import static io.restassured.RestAssured.given;
import static io.wharf.gateway.Api.asOther;
import static io.wharf.gateway.Api.asUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.Cookie;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.wharf.jetstream.Publisher;
import io.wharf.testing.WharfTestResource;

/**
 * The web UI's wiring: form login on {@code /ui} only (the API keeps its 401 with a Basic challenge), the session
 * cookie's flags, the CSRF token on every state change, and the public API's object upload and download it uses.
 */
@QuarkusTest
@WithTestResource(WharfTestResource.class)
class WebUiTest {

    @Inject
    Publisher publisher;

    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @Test
    void shouldSendAPageWithoutSessionToTheLoginPage() {
        given().redirects()
                .follow(false)
                .when()
                .get("/ui/functions")
                .then()
                .statusCode(302)
                .header("Location", endsWith("/ui/login"));
    }

    @Test
    void shouldTakeNoBasicCredentialsOnPages() {
        asUser().redirects().follow(false).when().get("/ui/functions").then().statusCode(302);
    }

    @Test
    void shouldKeepAnsweringTheApiWithABasicChallenge() {
        given().when()
                .get("/system/services")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", startsWith("Basic"))
                .contentType(startsWith("application/problem+json"));
    }

    @Test
    void shouldServeTheLoginPageAndItsAssetsWithoutASession() {
        given().when()
                .get("/ui/login")
                .then()
                .statusCode(200)
                .contentType(startsWith("text/html"))
                .header("Content-Security-Policy", containsString("default-src 'self'"))
                .body(containsString("action=\"/ui/j_security_check\""));
        given().when().get("/ui/static/wharf.css").then().statusCode(200);
        // no OpenID Connect login without wharf.gateway.oidc.ui-client-id (OidcTest has one)
        given().when().get("/ui/login").then().body(org.hamcrest.Matchers.not(containsString("/ui/oidc/login")));
        given().redirects().follow(false).when().get("/ui/oidc/login").then().statusCode(404);
        given().when().get("/ui/static/wharf.js").then().statusCode(200);
    }

    @Test
    void shouldLogInWithTheApiPasswordIntoAStrictHttpOnlyCookieForPagesOnly() {
        Response login = login(WharfTestResource.USER, WharfTestResource.PASSWORD);

        assertThat(login.statusCode()).isEqualTo(302);
        Cookie session = login.getDetailedCookie("wharf-session");
        assertThat(session.getValue()).isNotBlank();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualToIgnoringCase("Strict");
        assertThat(session.getPath()).isEqualTo("/ui");
        given().cookie("wharf-session", session.getValue())
                .when()
                .get("/ui/functions")
                .then()
                .statusCode(200)
                .body(containsString("id=\"current-user\">" + WharfTestResource.USER + "<"));
    }

    @Test
    void shouldSendAWrongPasswordBackToTheLoginPage() {
        Response login = login(WharfTestResource.USER, "not-the-password");

        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.header("Location")).endsWith("/ui/login-failed");
        assertThat(login.getDetailedCookie("wharf-session")).isNull();
    }

    @Test
    void shouldRefuseAStateChangeWithoutItsCsrfToken() {
        String session = login(WharfTestResource.USER, WharfTestResource.PASSWORD).getCookie("wharf-session");
        Response form = given().cookie("wharf-session", session).when().get("/ui/functions/new");
        String nonce = form.getCookie("wharf-csrf");
        String token = csrfOf(form.asString());

        // no token, a wrong one, and another user's: refused before anything is done
        page(session, nonce).formParam("name", "ui-csrf-fn")
                .when()
                .post("/ui/functions")
                .then()
                .statusCode(403)
                .contentType(startsWith("text/html"));
        page(session, nonce).formParam("csrf", token.substring(1) + "x")
                .formParam("name", "ui-csrf-fn")
                .when()
                .post("/ui/functions")
                .then()
                .statusCode(403);
        String otherSession = login(WharfTestResource.OTHER_USER, WharfTestResource.OTHER_PASSWORD)
                .getCookie("wharf-session");
        page(otherSession, nonce).formParam("csrf", token)
                .formParam("name", "ui-csrf-fn")
                .when()
                .post("/ui/functions")
                .then()
                .statusCode(403);
        page(session, nonce).header("Content-Type", "text/plain")
                .body("x")
                .when()
                .put("/ui/files/ui-csrf-bucket/in/x.txt")
                .then()
                .statusCode(403);
        page(session, nonce).formParam("x", "y").when().post("/ui/logout").then().statusCode(403);
        asUser().when().get("/system/services/ui-csrf-fn").then().statusCode(404);

        // with the token, the API's own validation answers, each violation beside its field
        String refused = page(session, nonce).formParam("csrf", token)
                .formParam("name", "ui-csrf-fn")
                .formParam("image", "localhost/wharf-busybox:1")
                .formParam("script", "true")
                .formParam("memory", "lots")
                .formParam("input", "ui-csrf-bucket/in")
                .formParam("output", "ui-csrf-bucket/out")
                .when()
                .post("/ui/functions")
                .then()
                .statusCode(400)
                .extract()
                .asString();
        assertThat(refused).containsPattern("(?s)id=\"field-memory\".*id=\"memory-error\">must be a quantity")
                .doesNotContain("id=\"name-error\"");
    }

    @Test
    void shouldUploadAndDownloadThroughThePublicApiForWhoeverMaySeeTheBucket() {
        Api.create("ui-objects-fn", "ui-objects-bucket");

        asUser().contentType("text/plain")
                .body("hello, objects")
                .when()
                .put("/system/buckets/ui-objects-bucket/objects/in/hello world.txt")
                .then()
                .statusCode(201);
        byte[] back = asUser().when()
                .get("/system/buckets/ui-objects-bucket/objects/in/hello world.txt")
                .then()
                .statusCode(200)
                .header("Content-Disposition", startsWith("attachment"))
                .contentType(startsWith("application/octet-stream"))
                .extract()
                .asByteArray();
        assertThat(new String(back, StandardCharsets.UTF_8)).isEqualTo("hello, objects");

        // another user: the bucket does not exist for them, as one that does not exist at all
        Response hidden = asOther().when().get("/system/buckets/ui-objects-bucket/objects/in/hello world.txt");
        Response unknown = asOther().when().get("/system/buckets/ui-no-such-bucket/objects/in/hello world.txt");
        assertThat(hidden.statusCode()).isEqualTo(404).isEqualTo(unknown.statusCode());
        asOther().contentType("text/plain")
                .body("x")
                .when()
                .put("/system/buckets/ui-objects-bucket/objects/in/other.txt")
                .then()
                .statusCode(404);
        given().when().get("/system/buckets/ui-objects-bucket/objects/in/hello world.txt").then().statusCode(401);
        asUser().when()
                .get("/system/buckets/ui-objects-bucket/objects/in/missing.txt")
                .then()
                .statusCode(404)
                .contentType(startsWith("application/problem+json"));
    }

    /**
     * A browser's login, or any change, from another site is refused before anything is read: a forged login would
     * put the victim in the forger's account. The same login from the UI's own page, or from a client that is no
     * browser, goes on.
     */
    @Test
    void shouldRefuseALoginOrAChangeThatABrowserSaysComesFromAnotherSite() {
        Response forged = given().redirects()
                .follow(false)
                .header("Origin", "https://evil.example")
                .formParam("j_username", WharfTestResource.USER)
                .formParam("j_password", WharfTestResource.PASSWORD)
                .when()
                .post("/ui/j_security_check");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.getCookie("wharf-session")).isNull();
        Response opaque = given().redirects()
                .follow(false)
                .header("Origin", "null")
                .formParam("j_username", WharfTestResource.USER)
                .formParam("j_password", WharfTestResource.PASSWORD)
                .when()
                .post("/ui/j_security_check");
        assertThat(opaque.statusCode()).isEqualTo(403);

        String session = login(WharfTestResource.USER, WharfTestResource.PASSWORD).getCookie("wharf-session");
        Response page = given().cookie("wharf-session", session).when().get("/ui/functions");
        page(session, page.getCookie("wharf-csrf")).header("Sec-Fetch-Site", "cross-site")
                .formParam("csrf", csrfOf(page.asString()))
                .when()
                .post("/ui/logout")
                .then()
                .statusCode(403);

        // the UI as a browser reaches it, by the name it is served under
        Response ownPage = given().redirects()
                .follow(false)
                .header("Host", "wharf.test:8443")
                .header("Origin", "https://wharf.test:8443")
                .header("Sec-Fetch-Site", "same-origin")
                .formParam("j_username", WharfTestResource.USER)
                .formParam("j_password", WharfTestResource.PASSWORD)
                .when()
                .post("/ui/j_security_check");
        assertThat(ownPage.statusCode()).isEqualTo(302);
        assertThat(ownPage.getCookie("wharf-session")).isNotNull();
    }

    /** A user's values are shown as text: a script that is markup does not become markup on the function's page. */
    @Test
    void shouldEscapeWhatUsersWrote() {
        asUser().contentType("text/plain")
                .body(Api.function("ui-markup-fn", "ui-markup-bucket")
                        .replace("wc -l", "echo '<script>alert(1)</script><img src=x onerror=alert(2)>'; wc -l"))
                .when()
                .post("/system/services")
                .then()
                .statusCode(201);
        String session = login(WharfTestResource.USER, WharfTestResource.PASSWORD).getCookie("wharf-session");

        String page = given().cookie("wharf-session", session).when().get("/ui/functions/ui-markup-fn").asString();

        assertThat(page).contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;")
                .doesNotContain("<script>alert(1)")
                .doesNotContain("<img src=x");
    }

    /** Another user's function is not found through any page of the UI, as through the API. */
    @Test
    void shouldFindNoPageOfAnotherUsersFunction() {
        Api.create("ui-private-fn", "ui-private-bucket");
        String id = asUser().body("x")
                .when()
                .post("/job/ui-private-fn")
                .then()
                .statusCode(201)
                .extract()
                .path("executionId");
        String session = login(WharfTestResource.OTHER_USER, WharfTestResource.OTHER_PASSWORD)
                .getCookie("wharf-session");

        for (String path : List.of("/ui/functions/ui-private-fn", "/ui/functions/ui-private-fn/edit",
                "/ui/functions/ui-private-fn/executions", "/ui/functions/ui-private-fn/executions/" + id,
                "/ui/functions/ui-private-fn/executions/" + id + "/log", "/ui/files/ui-private-bucket/in/x.txt")) {
            Response answer = given().cookie("wharf-session", session).redirects().follow(false).when().get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(answer.asString()).as(path).doesNotContain(id.substring(id.length() - 8));
        }
    }

    @Test
    void shouldRenderEveryPageAndCarryOutEveryActionThroughTheApi() {
        String session = login(WharfTestResource.USER, WharfTestResource.PASSWORD).getCookie("wharf-session");
        Response newPage = given().cookie("wharf-session", session).when().get("/ui/functions/new");
        String nonce = newPage.getCookie("wharf-csrf");
        String token = csrfOf(newPage.asString());

        // from the form
        page(session, nonce).formParam("csrf", token)
                .formParam("name", "ui-pages-fn")
                .formParam("image", "localhost/wharf-busybox:1")
                .formParam("script", "cat \"$INPUT_FILE_PATH\"")
                .formParam("memory", "64Mi")
                .formParam("input", "ui-pages-bucket/in")
                .formParam("output", "ui-pages-bucket/out")
                .when()
                .post("/ui/functions")
                .then()
                .statusCode(303)
                .header("Location", endsWith("/ui/functions/ui-pages-fn"));
        assertThat(asUser().when()
                .get("/system/services/ui-pages-fn")
                .then()
                .statusCode(200)
                .extract()
                .path("memory")
                .toString()).isEqualTo("64Mi");

        // from a pasted FDL; a broken one names its rule
        page(session, nonce).formParam("csrf", token)
                .formParam("fdl", Api.function("ui-pages-fdl", "ui-pages-bucket2"))
                .when()
                .post("/ui/functions/fdl")
                .then()
                .statusCode(303)
                .header("Location", endsWith("/ui/functions/ui-pages-fdl"));
        page(session, nonce).formParam("csrf", token)
                .formParam("fdl", "name: Not A Name\nimage: x\nscript: true\n")
                .when()
                .post("/ui/functions/fdl")
                .then()
                .statusCode(400)
                .body(containsString("id=\"fdl-errors\""));

        // a dead letter of the function, shown with why, and "replay all" skips what cannot be replayed
        publisher.deadLetter("ui-pages-fn", "minio/webhook", "{\"raw\":true}".getBytes(StandardCharsets.UTF_8),
                "unsafe-key", "object key 'in/..' contains a '..' segment");
        given().cookie("wharf-session", session)
                .when()
                .get("/ui/dead-letters")
                .then()
                .statusCode(200)
                .body(containsString("unsafe-key"), containsString("action=\"/ui/dead-letters/ui-pages-fn/replay\""));
        page(session, nonce).formParam("csrf", token)
                .when()
                .post("/ui/dead-letters/ui-pages-fn/replay")
                .then()
                .statusCode(303);

        // each page renders
        for (String path : new String[]{"/ui/functions", "/ui/functions/ui-pages-fn", "/ui/functions/ui-pages-fn/edit",
                "/ui/functions/ui-pages-fn/executions", "/ui/functions/ui-pages-fn/executions?status=Succeeded",
                "/ui/dead-letters", "/ui/status"}) {
            given().cookie("wharf-session", session)
                    .when()
                    .get(path)
                    .then()
                    .statusCode(200)
                    .contentType(startsWith("text/html"))
                    .body(containsString("id=\"current-user\""));
        }
        given().cookie("wharf-session", session).redirects().follow(false).when().get("/ui").then().statusCode(303);

        // an upload from the page, then its execution and log
        page(session, nonce).header("X-CSRF-Token", token)
                .contentType("text/plain")
                .body("hello, page")
                .when()
                .put("/ui/files/ui-pages-bucket/in/hello.txt")
                .then()
                .statusCode(201);
        assertThat(asUser().when().get("/system/buckets/ui-pages-bucket/objects/in/hello.txt").asString())
                .isEqualTo("hello, page");
        String download = given().cookie("wharf-session", session)
                .when()
                .get("/ui/files/ui-pages-bucket/in/hello.txt")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(download).isEqualTo("hello, page");
        // an execution's page for an execution that is not there (no dispatcher runs here; e2e's WebUiTest follows one)
        given().cookie("wharf-session", session)
                .when()
                .get("/ui/functions/ui-pages-fn/executions/ui-pages-fn-0123456789abcdef")
                .then()
                .statusCode(404)
                .contentType(startsWith("text/html"))
                .body(containsString("id=\"problem-detail\""));

        // edit keeps what the form does not show, delete removes
        page(session, nonce).formParam("csrf", token)
                .formParam("image", "localhost/wharf-busybox:1")
                .formParam("script", "true")
                .formParam("memory", "128Mi")
                .formParam("input", "ui-pages-bucket/in")
                .formParam("output", "ui-pages-bucket/out")
                .when()
                .post("/ui/functions/ui-pages-fn")
                .then()
                .statusCode(303);
        Response updated = asUser().when().get("/system/services/ui-pages-fn");
        assertThat(updated.jsonPath().getString("memory")).isEqualTo("128Mi");
        assertThat(updated.jsonPath().getInt("revision")).isEqualTo(2);
        page(session, nonce).formParam("csrf", token)
                .when()
                .post("/ui/functions/ui-pages-fdl/delete")
                .then()
                .statusCode(303);
        asUser().when().get("/system/services/ui-pages-fdl").then().statusCode(404);

        // another user's session cannot change it: the API's own 404
        String other = login(WharfTestResource.OTHER_USER, WharfTestResource.OTHER_PASSWORD)
                .getCookie("wharf-session");
        Response otherPage = given().cookie("wharf-session", other).when().get("/ui/functions");
        assertThat(otherPage.asString()).doesNotContain("ui-pages-fn");
        page(other, otherPage.getCookie("wharf-csrf")).formParam("csrf", csrfOf(otherPage.asString()))
                .when()
                .post("/ui/functions/ui-pages-fn/delete")
                .then()
                .statusCode(404)
                .contentType(startsWith("text/html"));
        asUser().when().get("/system/services/ui-pages-fn").then().statusCode(200);

        // logout ends the session's cookie
        Response logout = page(session, nonce).formParam("csrf", token).when().post("/ui/logout");
        assertThat(logout.statusCode()).isEqualTo(303);
        assertThat(logout.getHeaders().getValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                .startsWith("wharf-session=")
                .containsAnyOf("Max-Age=0", "Expires="));
    }

    private static Response login(String user, String password) {
        return given().redirects()
                .follow(false)
                .contentType("application/x-www-form-urlencoded")
                .formParam("j_username", user)
                .formParam("j_password", password)
                .when()
                .post("/ui/j_security_check");
    }

    private static RequestSpecification page(String session, String nonce) {
        return given().redirects().follow(false).cookie("wharf-session", session).cookie("wharf-csrf", nonce);
    }

    private static String csrfOf(String html) {
        Matcher m = CSRF_FIELD.matcher(html);
        assertThat(m.find()).as("a CSRF field in the page").isTrue();
        return m.group(1);
    }
}
