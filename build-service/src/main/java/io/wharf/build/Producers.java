package io.wharf.build;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import io.nats.client.Connection;
import io.wharf.jetstream.NatsConfig;

/** The build service's NATS settings, its builder, and health: ready while connected, alive while its loop runs. */
@ApplicationScoped
public class Producers {

    @Produces
    NatsConfig nats(BuildConfig config) {
        return config.nats();
    }

    /** The builder the configuration names: Podman here, or Kaniko Jobs through the cluster's API. */
    @Produces
    @jakarta.inject.Singleton
    Builder builder(BuildConfig config) {
        if (config.build().executor() == BuildConfig.Executor.kaniko) {
            // in a pod: its ServiceAccount; elsewhere: KUBECONFIG or ~/.kube/config
            return new KanikoBuilder(new io.fabric8.kubernetes.client.KubernetesClientBuilder().build(),
                    config.build());
        }
        return new io.wharf.build.podman.PodmanBuilder(config.build());
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
