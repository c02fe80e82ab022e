package io.wharf.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.nats.client.Connection;

/** Ready only while connected to NATS: without it, no event can be stored. */
@Readiness
@ApplicationScoped
public class NatsReadiness implements HealthCheck {

    private final Connection connection;

    public NatsReadiness(Connection connection) {
        this.connection = connection;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("nats")
                .status(connection.getStatus() == Connection.Status.CONNECTED)
                .withData("status", connection.getStatus().name())
                .build();
    }
}
