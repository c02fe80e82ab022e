package io.wharf.gateway;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.nats.client.Connection;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.jetstream.NatsConfig;
import io.wharf.jetstream.SweepMemory;

/** The gateway's NATS settings (for the shared JetStream producers), its secrets cipher and its own stores. */
public class ConfigProducers {

    @Produces
    NatsConfig nats(GatewayConfig config) {
        return config.nats();
    }

    @Produces
    @Singleton
    SecretCipher cipher(GatewayConfig config) {
        return SecretCipher.fromBase64(config.secrets().key());
    }

    @Produces
    @Singleton
    SweepMemory sweepMemory(Connection connection) {
        return new SweepMemory(connection);
    }
}
