package io.wharf.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
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
