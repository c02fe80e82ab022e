package io.wharf.supervisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The folder of one execution: {@code input/} (the input file), {@code output/} (what the script leaves there is
 * delivered), {@code event.json}, {@code script.sh} and {@code execution.log}. Nothing from an event names a path
 * here except through {@link io.wharf.contracts.ObjectKeys}.
 *
 * @param root {@code <base>/<execution id>}
 */
public record Workspace(Path root) {

    /** Where the workspace is mounted inside a container. */
    public static final String CONTAINER_ROOT = "/wharf";

    /**
     * A fresh workspace for an execution. A folder left by an earlier attempt of the same execution is removed first,
     * so that a retry never sees a half-written output.
     */
    public static Workspace create(Path base, String executionId) {
        return new Workspace(base.resolve(executionId)).reset();
    }

    /** Empties the workspace (or makes it) and creates its folders; returns this workspace. */
    public Workspace reset() {
        try {
            delete();
            Files.createDirectories(inputDir());
            Files.createDirectories(outputDir());
            // the script may run as another (non-root) user than the supervisor: it must be able to write its outputs
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(inputDir(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(outputDir(), PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the workspace " + root, e);
        }
        return this;
    }

    public Path inputDir() {
        return root.resolve("input");
    }

    public Path outputDir() {
        return root.resolve("output");
    }

    public Path eventFile() {
        return root.resolve("event.json");
    }

    public Path scriptFile() {
        return root.resolve("script.sh");
    }

    public Path logFile() {
        return root.resolve("execution.log");
    }

    /** The paths as the script sees them when it runs on this machine. */
    public ScriptPaths hostView() {
        return new ScriptPaths(root.toString());
    }

    /** The paths as the script sees them inside a container with the workspace mounted at {@link #CONTAINER_ROOT}. */
    public static ScriptPaths containerView() {
        return new ScriptPaths(CONTAINER_ROOT);
    }

    /** Removes the workspace and everything in it; symbolic links are removed, never followed. */
    public void delete() throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** The workspace's paths from the script's point of view. */
    public record ScriptPaths(String root) {

        public String inputFile(String fileName) {
            return root + "/input/" + fileName;
        }

        public String outputDir() {
            return root + "/output";
        }

        public String eventFile() {
            return root + "/event.json";
        }

        public String scriptFile() {
            return root + "/script.sh";
        }
    }
}
