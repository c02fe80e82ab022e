package io.wharf.dispatcher;

import java.time.Duration;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.nats.client.Connection;
import io.wharf.dispatcher.execution.DispatcherIdentity;
import io.wharf.dispatcher.executor.ContainerExecutor;
import io.wharf.dispatcher.executor.ProcessExecutor;
import io.wharf.dispatcher.executor.ScriptExecutor;
import io.wharf.jetstream.ExecutionStore;
import io.wharf.jetstream.FunctionStore;
import io.wharf.jetstream.LogStore;
import io.wharf.jetstream.NatsConnections;
import io.wharf.jetstream.Publisher;
import io.wharf.jetstream.Topology;
import io.wharf.supervisor.S3Endpoint;
import io.wharf.supervisor.StorageClients;
import io.wharf.supervisor.Supervisor;

/** The dispatcher's collaborators: NATS and its stores, the supervisor, the configured executor. */
public class Producers {

    @Produces
    @Singleton
    Connection connection(DispatcherConfig config) {
        Connection connection = NatsConnections.connect(config.nats().url(), "wharf-job-dispatcher");
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

    @Produces
    @Singleton
    Supervisor supervisor(DispatcherConfig config) {
        DispatcherConfig.Storage s = config.storage();
        return new Supervisor(new StorageClients(new S3Endpoint(s.endpoint(), s.accessKey(), s.secretKey(),
                s.region())));
    }

    @Produces
    @Singleton
    ScriptExecutor executor(DispatcherConfig config, DispatcherIdentity identity) throws Exception {
        if (config.dispatcher().executor() == DispatcherConfig.ExecutorKind.process) {
            return new ProcessExecutor(config.dispatcher().process().user(), identity.workDir());
        }
        ContainerExecutor executor = new ContainerExecutor(config.dispatcher().container());
        executor.verify(identity.workDir());
        return executor;
    }

}
