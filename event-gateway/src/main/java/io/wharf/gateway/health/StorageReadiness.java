package io.wharf.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.wharf.gateway.storage.StorageSetup;

/** Ready only while the platform's MinIO answers: functions cannot be created without it. */
@Readiness
@ApplicationScoped
public class StorageReadiness implements HealthCheck {

    private final StorageSetup storage;

    public StorageReadiness(StorageSetup storage) {
        this.storage = storage;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("object-storage").status(storage.reachable()).build();
    }
}
