package io.wharf.onetrigger;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.nats.client.Connection;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.jetstream.NatsConfig;
import io.wharf.jetstream.OnedataStores;
import io.wharf.supervisor.EndpointGuard;

/** Onetrigger's collaborators: its NATS settings, the secrets cipher, its stores and the endpoint guard. */
public class Producers {

    @Produces
    NatsConfig nats(OnetriggerConfig config) {
        return config.nats();
    }

    @Produces
    @Singleton
    SecretCipher cipher(OnetriggerConfig config) {
        return SecretCipher.fromBase64(config.secrets().key());
    }

    @Produces
    @Singleton
    EndpointGuard guard(OnetriggerConfig config) {
        return new EndpointGuard(config.storage().allowPrivateEndpoints());
    }

    @Produces
    @Singleton
    OnedataStores.Watches watches(Connection connection) {
        return new OnedataStores.Watches(connection);
    }

    @Produces
    @Singleton
    OnedataStores.Announced announced(Connection connection) {
        return new OnedataStores.Announced(connection);
    }

    @Produces
    @Singleton
    OnedataStores.Statuses statuses(Connection connection) {
        return new OnedataStores.Statuses(connection);
    }
}
