package io.wharf.build;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import io.nats.client.Connection;
import io.wharf.jetstream.NatsConfig;

/** The build service's NATS settings and health: ready while connected, alive while its pull loop runs. */
@ApplicationScoped
public class Producers {

    @Produces
    NatsConfig nats(BuildConfig config) {
        return config.nats();
    }

    @Produces
    @Readiness
    HealthCheck nats(Connection connection) {
        return () -> HealthCheckResponse.named("nats")
                .status(connection.getStatus() == Connection.Status.CONNECTED)
                .build();
    }

    @Produces
    @Liveness
    HealthCheck builds(BuildWorker worker) {
        return () -> HealthCheckResponse.named("build-loop").status(worker.isHealthy()).build();
    }
}
