package io.wharf.dispatcher;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.wharf.contracts.function.SecretCipher;
import io.wharf.dispatcher.execution.DispatcherIdentity;
import io.wharf.dispatcher.executor.ContainerExecutor;
import io.wharf.dispatcher.executor.ProcessExecutor;
import io.wharf.dispatcher.executor.ScriptExecutor;
import io.wharf.jetstream.NatsConfig;
import io.wharf.supervisor.S3Endpoint;
import io.wharf.supervisor.ScriptUser;
import io.wharf.supervisor.StorageClients;
import io.wharf.supervisor.Supervisor;

/** The dispatcher's collaborators: its NATS settings, the supervisor, the configured executor. */
public class Producers {

    @Produces
    NatsConfig nats(DispatcherConfig config) {
        return config.nats();
    }

    @Produces
    @Singleton
    SecretCipher cipher(DispatcherConfig config) {
        return SecretCipher.fromBase64(config.secrets().key());
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
            return new ProcessExecutor(ScriptUser.whenRoot(config.dispatcher().process().user()), identity.workDir());
        }
        ContainerExecutor executor = new ContainerExecutor(config.dispatcher().container());
        executor.verify(identity.workDir());
        return executor;
    }

}
