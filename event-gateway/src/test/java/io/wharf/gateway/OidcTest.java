package io.wharf.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.wharf.testing.WharfTestResource;

/** OpenID Connect bearer tokens from a real Keycloak, beside basic authentication. */
@QuarkusTest
@WithTestResource(OidcTestResource.class)
class OidcTest {

    @Test
    void shouldTakeTheTokensSubjectAsTheUser() {
        RequestSpecification member = bearer(OidcTestResource.token(OidcTestResource.REALM, OidcTestResource.MEMBER));

        member.contentType("text/plain")
                .body(Api.function("oidc-owned", "oidc-owned"))
                .when()
                .post("/system/services")
                .then()
                .statusCode(201)
                .body("owner", equalTo(OidcTestResource.memberSubject()));
        bearer(OidcTestResource.token(OidcTestResource.REALM, OidcTestResource.MEMBER)).when()
                .get("/system/services")
                .then()
                .statusCode(200)
                .body("name", hasItem("oidc-owned"));
        bearer(OidcTestResource.token(OidcTestResource.REALM, OidcTestResource.MEMBER)).when()
                .get("/system/config")
                .then()
                .statusCode(200)
                .body("minio_provider.access_key", not(equalTo("")));
        // the basic-auth user beside them sees nothing of theirs
        Api.asUser().when().get("/system/services/oidc-owned").then().statusCode(404);
    }

    @Test
    void shouldLogAMemberInToTheWebUiThroughTheProvidersLoginPage() {
        given().when().get("/ui/login").then().statusCode(200).body(containsString("href=\"/ui/oidc/login\""));

        Response start = given().redirects().follow(false).when().get("/ui/oidc/login");
        assertThat(start.statusCode()).isEqualTo(303);
        assertThat(start.header("Location")).contains("code_challenge_method=S256", "client_id=wharf-web");
        WebLogin login = webLogin(start, OidcTestResource.MEMBER);
        Response back = login.answer();

        assertThat(back.statusCode()).isEqualTo(200);
        String session = back.getCookie("wharf-session");
        assertThat(session).isNotBlank();
        given().cookie("wharf-session", session)
                .when()
                .get("/ui/functions")
                .then()
                .statusCode(200)
                .body(containsString("id=\"current-user\">" + OidcTestResource.memberSubject() + "<"));
        // the provider's answer again, without the login's own cookie (a stolen or replayed code): refused
        given().urlEncodingEnabled(false)
                .redirects()
                .follow(false)
                .when()
                .get(login.callback())
                .then()
                .statusCode(400);
    }

    @Test
    void shouldNotLetAUserOutsideTheRequiredGroupInToTheWebUi() {
        Response start = given().redirects().follow(false).when().get("/ui/oidc/login");
        Response back = webLogin(start, OidcTestResource.OUTSIDER).answer();

        assertThat(back.statusCode()).isEqualTo(403);
        assertThat(back.getCookie("wharf-session")).isNull();
        assertThat(back.asString()).contains("id=\"oidc-error\"");
    }

    /** The provider's redirect back to the gateway, and what the gateway answered to it. */
    private record WebLogin(String callback, Response answer) {
    }

    /** What a browser does between the gateway's redirect and the provider's: its login form, filled in. */
    private static WebLogin webLogin(Response start, String user) {
        String oidcCookie = start.getCookie("wharf-oidc");
        Response page = given().urlEncodingEnabled(false)
                .redirects()
                .follow(false)
                .when()
                .get(start.header("Location"));
        assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
        Matcher form = Pattern.compile("<form[^>]*action=\"([^\"]*login-actions/authenticate[^\"]*)\"")
                .matcher(page.asString());
        assertThat(form.find()).as("the provider's login form").isTrue();
        Response signedIn = given().urlEncodingEnabled(false)
                .redirects()
                .follow(false)
                .cookies(page.getCookies())
                .contentType("application/x-www-form-urlencoded")
                .body("username=" + user + "&password="
                        + URLEncoder.encode(OidcTestResource.PASSWORD, StandardCharsets.UTF_8))
                .when()
                .post(form.group(1).replace("&amp;", "&"));
        assertThat(signedIn.statusCode()).as(signedIn.asString()).isEqualTo(302);
        String callback = signedIn.header("Location");
        assertThat(callback).contains("/ui/oidc/callback?");
        return new WebLogin(callback, given().urlEncodingEnabled(false)
                .redirects()
                .follow(false)
                .cookie("wharf-oidc", oidcCookie)
                .when()
                .get(callback));
    }

    @Test
    void shouldRefuseAValidTokenWithoutTheRequiredGroup() {
        bearer(OidcTestResource.token(OidcTestResource.REALM, OidcTestResource.OUTSIDER)).when()
                .get("/system/services")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
    }

    @Test
    void shouldRefuseATokenOfAnotherIssuer() {
        bearer(OidcTestResource.token(OidcTestResource.OTHER_REALM, OidcTestResource.MEMBER)).when()
                .get("/system/services")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void shouldRefuseATamperedToken() {
        String token = OidcTestResource.token(OidcTestResource.REALM, OidcTestResource.MEMBER);
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();

        bearer(forged).when()
                .get("/system/services")
                .then()
                .statusCode(401)
                .body("detail", not(containsString(parts[1])));
    }

    @Test
    void shouldStillAcceptBasicAuthentication() {
        given().auth()
                .preemptive()
                .basic(WharfTestResource.USER, WharfTestResource.PASSWORD)
                .when()
                .get("/system/services")
                .then()
                .statusCode(200);
    }

    private static RequestSpecification bearer(String token) {
        return given().header("Authorization", "Bearer " + token);
    }
}
