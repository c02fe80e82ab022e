package io.wharf.dispatcher;

import java.time.Clock;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.dispatcher.execution.DispatcherIdentity;
import io.wharf.dispatcher.execution.FunctionLimits;
import io.wharf.dispatcher.execution.LocalRuntime;
import io.wharf.dispatcher.execution.RunPreparer;
import io.wharf.dispatcher.execution.StorageAccess;
import io.wharf.dispatcher.executor.ContainerExecutor;
import io.wharf.dispatcher.executor.ProcessExecutor;
import io.wharf.dispatcher.executor.ScriptExecutor;
import io.wharf.dispatcher.executor.WarmExecutor;
import io.wharf.dispatcher.executor.WarmPool;
import io.wharf.dispatcher.kubernetes.KubernetesRuntime;
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
    ExecutionRuntime runtime(DispatcherConfig config, Instance<RunPreparer> preparer, Instance<ScriptExecutor> executor,
            StorageAccess storage, DispatcherIdentity identity) {
        if (config.dispatcher().executor() == DispatcherConfig.ExecutorKind.kubernetes) {
            // in a pod: its ServiceAccount; elsewhere: KUBECONFIG or ~/.kube/config
            return new KubernetesRuntime(new KubernetesClientBuilder().build(), config.dispatcher().kubernetes(),
                    FunctionLimits.of(config), storage::platformStore, Clock.systemUTC());
        }
        return new LocalRuntime(preparer.get(), executor.get(), storage, identity.host());
    }

    void close(@Disposes ExecutionRuntime runtime) throws Exception {
        if (runtime instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Produces
    @Singleton
    ScriptExecutor executor(DispatcherConfig config, DispatcherIdentity identity) throws Exception {
        if (config.dispatcher().executor() == DispatcherConfig.ExecutorKind.process) {
            return new ProcessExecutor(ScriptUser.whenRoot(config.dispatcher().process().user()), identity.workDir());
        }
        DispatcherConfig.Container container = config.dispatcher().container();
        ContainerExecutor executor = new ContainerExecutor(container);
        executor.verify(identity.workDir());
        return new WarmExecutor(executor, new WarmPool(executor, identity.workDir().resolve(".warm"),
                container.warm().idleTimeout(), container.warm().maxWorkers()));
    }

    void close(@Disposes ScriptExecutor executor) {
        if (executor instanceof WarmExecutor warm) {
            warm.close();
        }
    }

}
