package io.wharf.onetrigger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.nats.client.Connection;

/** Ready while connected to NATS and once the current watches were read. */
@ApplicationScoped
public class OnetriggerHealth {

    @Produces
    @Readiness
    HealthCheck ready(Connection connection, Watcher watcher) {
        return () -> HealthCheckResponse.named("watches")
                .status(connection.getStatus() == Connection.Status.CONNECTED && watcher.caughtUp())
                .withData("nats", connection.getStatus().name())
                .withData("functions", watcher.functions())
                .build();
    }
}
