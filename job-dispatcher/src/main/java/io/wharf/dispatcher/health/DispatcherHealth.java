package io.wharf.dispatcher.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import io.nats.client.Connection;
import io.wharf.dispatcher.execution.EventConsumer;

/** Ready while connected to NATS; alive while the pull loop runs and reaches NATS. */
@ApplicationScoped
public class DispatcherHealth {

    @Produces
    @Readiness
    HealthCheck nats(Connection connection) {
        return () -> HealthCheckResponse.named("nats")
                .status(connection.getStatus() == Connection.Status.CONNECTED)
                .withData("status", connection.getStatus().name())
                .build();
    }

    @Produces
    @Liveness
    HealthCheck consumer(EventConsumer consumer) {
        return () -> HealthCheckResponse.named("dispatch-loop").status(consumer.isHealthy()).build();
    }
}
