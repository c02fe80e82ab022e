package io.wharf.jetstream;

import java.time.Duration;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.nats.client.Connection;

/**
 * The beans a service gets from this library: its one NATS connection, with the topology ensured, and the stores on
 * it. The service produces the {@link NatsConfig} (its {@code wharf.nats} group).
 */
@Dependent
public class JetStreamProducers {

    @Produces
    @Singleton
    Connection connection(NatsConfig config,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "wharf") String name) {
        Connection connection = NatsConnections.connect(config.url(), name, config.user(), config.password());
        if (config.manageTopology()) {
            Topology.ensure(connection, config.duplicateWindow(), config.replicas(), config.dlqRetention());
        } else {
            Topology.await(connection);
        }
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
    ResponseStore responses(Connection connection) {
        return new ResponseStore(connection);
    }

    @Produces
    @Singleton
    DeadLetterStore deadLetters(Connection connection) {
        return new DeadLetterStore(connection);
    }

    @Produces
    @Singleton
    Publisher publisher(Connection connection) {
        return new Publisher(connection, 5, Duration.ofMillis(100));
    }
}
