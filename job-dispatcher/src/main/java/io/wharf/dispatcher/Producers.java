package io.wharf.dispatcher;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.wharf.contracts.function.SecretCipher;
import io.wharf.dispatcher.execution.DispatcherIdentity;
import io.wharf.dispatcher.execution.LocalRuntime;
import io.wharf.dispatcher.execution.RunPreparer;
import io.wharf.dispatcher.execution.StorageAccess;
import io.wharf.dispatcher.executor.ContainerExecutor;
import io.wharf.dispatcher.executor.ProcessExecutor;
import io.wharf.dispatcher.executor.ScriptExecutor;
import io.wharf.dispatcher.runtime.ExecutionRuntime;
import io.wharf.jetstream.NatsConfig;
import io.wharf.supervisor.ScriptUser;

/** The dispatcher's collaborators: its NATS settings, its secrets cipher, the configured executor and runtime. */
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
    ExecutionRuntime runtime(RunPreparer preparer, ScriptExecutor executor, StorageAccess storage) {
        return new LocalRuntime(preparer, executor, storage);
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
