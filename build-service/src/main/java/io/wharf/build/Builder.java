package io.wharf.build;

import java.io.IOException;
import java.nio.file.Path;

import io.wharf.build.context.BuildContext;
import io.wharf.contracts.build.BuildRecord;
import io.wharf.supervisor.Workspace;

/**
 * Builds one image: with Podman on this machine ({@link io.wharf.build.podman.PodmanBuilder}) or a Kaniko Job
 * ({@link KanikoBuilder}).
 */
public interface Builder {

    /**
     * @param build the record (its id, image, flags)
     * @param context the checked context
     * @param dir a folder of this build's own, empty
     * @param log where the build's output goes
     */
    Outcome build(BuildRecord build, BuildContext context, Path dir, Path log) throws IOException,
            InterruptedException;

    /**
     * Removes a build's folder and whatever its build left behind, also when it was left by a service that stopped
     * mid-build.
     */
    default void release(Path dir) throws IOException, InterruptedException {
        Workspace.deleteTree(dir);
    }

    /**
     * Removes the image of a deleted build from where this builder put it, where it can: a registry's images are kept
     * (registries differ in how, and whether, they delete).
     *
     * @return {@code true} when it is gone (or was never there), {@code false} when it could not be removed now
     */
    default boolean remove(String image) throws IOException, InterruptedException {
        return true;
    }

    /** What a build ended with: the image's digest when it succeeded, or why it failed. */
    record Outcome(String digest, String failure) {

        public boolean succeeded() {
            return digest != null;
        }
    }
}
