package io.wharf.gateway;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.wharf.contracts.function.SecretCipher;
import io.wharf.jetstream.NatsConfig;

/** The gateway's NATS settings (for the shared JetStream producers) and its secrets cipher. */
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
}
