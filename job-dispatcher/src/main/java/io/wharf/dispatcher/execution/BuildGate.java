package io.wharf.dispatcher.execution;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.nats.client.Connection;
import io.wharf.contracts.build.BuildRecord;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.dispatcher.runtime.RefusedAttempt;
import io.wharf.jetstream.BuildStore;
import io.wharf.jetstream.Versioned;

/**
 * Holds back the executions of a function whose image is still being built from its {@code build} section: they wait
 * as in an outage (uncounted, tried again), run once the build succeeded, and fail at once, with the build's error,
 * when it failed.
 */
@ApplicationScoped
public class BuildGate {

    private final BuildStore builds;

    public BuildGate(Connection connection) {
        this.builds = new BuildStore(connection);
    }

    /**
     * @throws BuildPending while the image is being built
     * @throws RefusedAttempt when the build failed, or is not there
     */
    public void check(FunctionDefinition fn) {
        if (fn.build() == null || fn.image() == null) {
            return;
        }
        String id = BuildRecord.idOfImage(fn.image());
        Optional<BuildRecord> build = builds.get(id).map(Versioned::value);
        if (build.isEmpty()) {
            throw new RefusedAttempt("build-missing", "the function's image was to be built (build " + id
                    + "), and no such build exists");
        }
        if (BuildRecord.FAILED.equals(build.get().state())) {
            throw new RefusedAttempt("build-failed", "the function's image could not be built: "
                    + build.get().error() + " (GET /system/builds/" + id + "/logs)");
        }
        if (!BuildRecord.SUCCEEDED.equals(build.get().state())) {
            throw new BuildPending(id, build.get().state());
        }
    }

    /** The function's image is being built: its executions wait, as in an outage. */
    public static final class BuildPending extends RuntimeException {

        private static final long serialVersionUID = 1L;

        BuildPending(String id, String state) {
            super("the function's image is being built (build " + id + ", " + state + ")");
        }
    }
}
