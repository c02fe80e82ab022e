package io.wharf.gateway.health;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.health.SmallRyeHealthReporter;

/** {@code GET /health}: OSCAR's health path; 200 {@code Ok} once every readiness check passes, 503 otherwise. */
@Path("/health")
public class HealthResource {

    private final SmallRyeHealthReporter reporter;

    public HealthResource(SmallRyeHealthReporter reporter) {
        this.reporter = reporter;
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public Response health() {
        return reporter.getReadiness().isDown()
                ? Response.status(503).entity("Not ready (see /q/health/ready)").build()
                : Response.ok("Ok").build();
    }
}
