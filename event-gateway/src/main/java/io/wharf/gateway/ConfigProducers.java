package io.wharf.gateway;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.minio.MinioClient;
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

    /** The platform's MinIO with its root keys, which only the gateway holds (never logged, never returned). */
    @Produces
    @Singleton
    MinioClient rootStorage(GatewayConfig config) {
        GatewayConfig.Storage s = config.storage();
        return MinioClient.builder()
                .endpoint(s.endpoint())
                .credentials(s.accessKey(), s.secretKey())
                .region(s.region())
                .build();
    }

    @Produces
    @Singleton
    SweepMemory sweepMemory(Connection connection) {
        return new SweepMemory(connection);
    }
}
