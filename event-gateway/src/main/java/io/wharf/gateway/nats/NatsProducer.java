package io.wharf.gateway.nats;

import java.time.Duration;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.nats.client.Connection;
import io.wharf.gateway.GatewayConfig;
import io.wharf.jetstream.ExecutionStore;
import io.wharf.jetstream.FunctionStore;
import io.wharf.jetstream.LogStore;
import io.wharf.jetstream.NatsConnections;
import io.wharf.jetstream.Publisher;
import io.wharf.jetstream.Topology;

/** The gateway's one NATS connection, with the JetStream topology ensured, and the stores built on it. */
public class NatsProducer {

    @Produces
    @Singleton
    Connection connection(GatewayConfig config) {
        Connection connection = NatsConnections.connect(config.nats().url(), "wharf-event-gateway");
        Topology.ensure(connection, config.nats().duplicateWindow(), config.nats().replicas());
        return connection;
    }

    void close(@Disposes Connection connection) throws InterruptedException {
        connection.close();
    }

    @Produces
    @Singleton
    FunctionStore functions(Connection connection) {
        return new FunctionStore(connection);
    }

    @Produces
    @Singleton
    ExecutionStore executions(Connection connection) {
        return new ExecutionStore(connection);
    }

    @Produces
    @Singleton
    LogStore logs(Connection connection) {
        return new LogStore(connection);
    }

    @Produces
    @Singleton
    Publisher publisher(Connection connection) {
        return new Publisher(connection, 5, Duration.ofMillis(100));
    }
}
