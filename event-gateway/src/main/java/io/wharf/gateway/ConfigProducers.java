package io.wharf.gateway;

import jakarta.enterprise.inject.Produces;

import io.wharf.jetstream.NatsConfig;

/** Hands the gateway's {@code wharf.nats} settings to the shared JetStream producers. */
public class ConfigProducers {

    @Produces
    NatsConfig nats(GatewayConfig config) {
        return config.nats();
    }
}
