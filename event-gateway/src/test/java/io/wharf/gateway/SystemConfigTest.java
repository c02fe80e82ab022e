package io.wharf.gateway;

import static io.restassured.RestAssured.given;
import static io.wharf.gateway.Api.asUser;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.testing.WharfTestResource;

/**
 * OSCAR's {@code PUT /system/config}: an operator limits the image repositories functions may use; the limit applies
 * to every function created or replaced after it, and only operators set it.
 */
@QuarkusTest
@WithTestResource(WharfTestResource.class)
class SystemConfigTest {

    @AfterEach
    void allowEveryImageAgain() {
        asUser().contentType("application/json")
                .body("{\"allowed_image_repositories\": []}")
                .when()
                .put("/system/config")
                .then()
                .statusCode(200);
    }

    @Test
    void shouldRefuseImagesFromRepositoriesTheOperatorDidNotAllow() {
        asUser().contentType("application/json")
                .body("{\"allowed_image_repositories\": [\"localhost/allowed/\"], \"config\": {\"name\": \"ignored\"}}")
                .when()
                .put("/system/config")
                .then()
                .statusCode(200)
                .body("$", contains("localhost/allowed/"));
        asUser().when()
                .get("/system/config")
                .then()
                .statusCode(200)
                .body("allowed_image_repositories", contains("localhost/allowed/"));

        asUser().contentType("text/plain")
                .body("name: config-refused\nimage: localhost/elsewhere/localhost/allowed/tool:1\nscript: echo\n")
                .when()
                .post("/system/services")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("image"))
                .body("violations[0].rule", containsString("localhost/allowed/"));
        asUser().contentType("text/plain")
                .body("name: config-allowed\nimage: localhost/allowed/tool:1\nscript: echo\n")
                .when()
                .post("/system/services")
                .then()
                .statusCode(201);
        asUser().when().delete("/system/services/config-allowed").then().statusCode(204);
    }

    @Test
    void shouldLetOnlyOperatorsChangeTheConfigurationAndNameEachBadEntry() {
        given().auth()
                .preemptive()
                .basic(WharfTestResource.OTHER_USER, WharfTestResource.OTHER_PASSWORD)
                .contentType("application/json")
                .body("{\"allowed_image_repositories\": [\"localhost/mine/\"]}")
                .when()
                .put("/system/config")
                .then()
                .statusCode(403);
        asUser().when().get("/system/config").then().statusCode(200).body("allowed_image_repositories", empty());

        asUser().contentType("application/json")
                .body("{\"allowed_image_repositories\": [\"ghcr.io/grycap/\", \"has space\", \"\"]}")
                .when()
                .put("/system/config")
                .then()
                .statusCode(400)
                .body("violations.field", contains("allowed_image_repositories[1]", "allowed_image_repositories[2]"));
        asUser().contentType("application/json")
                .body("[not json")
                .when()
                .put("/system/config")
                .then()
                .statusCode(400);
    }
}
