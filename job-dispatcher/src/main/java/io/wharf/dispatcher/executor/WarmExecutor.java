package io.wharf.dispatcher.executor;

import java.io.IOException;
import java.util.Optional;

import io.wharf.supervisor.RunResult;
import io.wharf.supervisor.ScriptUser;
import io.wharf.supervisor.Workspace;

/**
 * The container executor with warm workers: a function that opted in ({@code labels: {wharf.io/warm: "true"}}) runs
 * on a {@link WarmPool} worker, any other (or one that finds every worker busy) in a container of its own.
 */
public final class WarmExecutor implements ScriptExecutor, AutoCloseable {

    private final ContainerExecutor containers;
    private final WarmPool pool;

    public WarmExecutor(ContainerExecutor containers, WarmPool pool) {
        this.containers = containers;
        this.pool = pool;
    }

    @Override
    public RunResult run(ExecutionRequest request) throws IOException, InterruptedException {
        if (request.function().warm()) {
            RunResult warm = pool.run(request);
            if (warm != null) {
                return warm;
            }
        }
        return containers.run(request);
    }

    @Override
    public Optional<ScriptUser> scriptUser() {
        return containers.scriptUser();
    }

    @Override
    public Workspace.ScriptPaths paths(Workspace workspace) {
        return containers.paths(workspace);
    }

    @Override
    public void cleanUp(String executionId) {
        pool.cancel(executionId);
        containers.cleanUp(executionId);
    }

    @Override
    public String kind() {
        return containers.kind();
    }

    @Override
    public boolean available() {
        return containers.available();
    }

    @Override
    public void close() {
        pool.close();
    }
}
