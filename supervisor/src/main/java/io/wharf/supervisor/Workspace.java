package io.wharf.supervisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

import io.wharf.contracts.LogLines;

/**
 * The folder of one execution. What the script may see lives in {@code sandbox/} (mounted into its container, or its
 * working folder): {@code input/} (the input file), {@code output/} (what the script leaves there is delivered),
 * {@code event.json}, {@code script.sh} and {@code environment.sh} (its variables). The platform's own
 * {@code execution.log} lies beside the sandbox, out of the script's reach. Nothing from an event names a path here
 * except through {@link io.wharf.contracts.ObjectKeys}.
 *
 * @param root {@code <base>/<execution id>-<random>}
 */
public record Workspace(Path root) {

    /** Where the workspace is mounted inside a container. */
    public static final String CONTAINER_ROOT = "/wharf";

    /**
     * A fresh workspace for an execution, in a folder of its own whose name no one can guess (mode 0700): a retry
     * never sees a half-written output of an earlier attempt, and no other local user can find or prepare the folder.
     */
    public static Workspace create(Path base, String executionId) {
        try {
            Workspace ws = new Workspace(Files.createTempDirectory(base, executionId + "-"));
            Files.setPosixFilePermissions(ws.root(), PosixFilePermissions.fromString("rwx--x--x"));
            Files.createDirectories(ws.inputDir());
            Files.createDirectories(ws.outputDir());
            Files.setPosixFilePermissions(ws.sandbox(), PosixFilePermissions.fromString("rwx------"));
            return ws;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a workspace in " + base, e);
        }
    }

    /**
     * Empties the workspace (or makes it) and creates its folders; returns this workspace. The folder itself stays: in
     * a pod it is a volume's mount point, which cannot be removed.
     */
    public Workspace reset() {
        try {
            Files.createDirectories(root);
            try (Stream<Path> children = Files.list(root)) {
                for (Path child : children.toList()) {
                    deleteTree(child);
                }
            }
            Files.createDirectories(inputDir());
            Files.createDirectories(outputDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the workspace " + root, e);
        }
        return this;
    }

    /**
     * Gives the workspace to the user the script runs as, once the platform has written into it. With a user (the
     * platform is root): everything is that user's, private ({@code 0700}/{@code 0600}, the variables file
     * {@code 0400}). Without one (the platform runs unprivileged, e.g. rootless Podman, whose container user is not
     * the platform's): readable by others, the output folder writable, and reachable only through the workspace's
     * unguessable name in a base folder no one else can list.
     */
    public void handTo(Optional<ScriptUser> user) throws IOException {
        try (Stream<Path> all = Files.walk(sandbox())) {
            for (Path p : all.toList()) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                if (user.isPresent()) {
                    Files.setAttribute(p, "unix:uid", user.get().uid(), LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(p, "unix:gid", user.get().gid(), LinkOption.NOFOLLOW_LINKS);
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(dir ? "rwx------" : "rw-------"));
                } else {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                            p.equals(outputDir()) ? "rwxrwxrwx" : dir ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        if (user.isPresent() && Files.exists(environmentFile())) {
            Files.setPosixFilePermissions(environmentFile(), PosixFilePermissions.fromString("r--------"));
        }
    }

    /** Bytes held by the sandbox's regular files (symbolic links not followed). */
    public long size() {
        return sizeOf(sandbox());
    }

    /** Bytes held by the regular files under {@code dir} (symbolic links not followed). */
    public static long sizeOf(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException gone) {
                    return 0;
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** What the script sees: mounted at {@link #CONTAINER_ROOT}, or its working folder. */
    public Path sandbox() {
        return root.resolve("sandbox");
    }

    public Path inputDir() {
        return sandbox().resolve("input");
    }

    public Path outputDir() {
        return sandbox().resolve("output");
    }

    public Path eventFile() {
        return sandbox().resolve("event.json");
    }

    public Path scriptFile() {
        return sandbox().resolve("script.sh");
    }

    public Path logFile() {
        return root.resolve("execution.log");
    }

    /** Adds {@code text} to the end of the execution's log, each of its lines stamped with the time now. */
    public void appendToLog(String text) throws IOException {
        appendStampedToLog(LogLines.stamped(text, Instant.now()));
    }

    /** Adds lines that carry their times already ({@link LogLines}: a pod's log, read with its times). */
    public void appendStampedToLog(String lines) throws IOException {
        Files.writeString(logFile(), lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** The script's variables, read by {@link ScriptLauncher} inside the sandbox. */
    public Path environmentFile() {
        return sandbox().resolve("environment.sh");
    }

    /**
     * Created by the launcher inside the sandbox just before the script starts: an exit code without it is the
     * engine's (image missing, engine fault), never the script's.
     */
    public Path startedFile() {
        return sandbox().resolve(".wharf-started");
    }

    /** Whether the launcher got as far as starting the script. */
    public boolean scriptStarted() {
        return Files.exists(startedFile(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /** The paths as the script sees them when it runs on this machine. */
    public ScriptPaths hostView() {
        return new ScriptPaths(sandbox().toString());
    }

    /** The paths as the script sees them inside a container with the workspace mounted at {@link #CONTAINER_ROOT}. */
    public static ScriptPaths containerView() {
        return new ScriptPaths(CONTAINER_ROOT);
    }

    /** Removes the workspace and everything in it; symbolic links are removed, never followed. */
    public void delete() throws IOException {
        deleteTree(root);
    }

    /** Removes a file or a folder and everything in it; symbolic links are removed, never followed. */
    public static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(top, new SimpleFileVisitor<>() {

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
            return inputDir() + "/" + fileName;
        }

        public String inputDir() {
            return root + "/input";
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

        public String environmentFile() {
            return root + "/environment.sh";
        }

        public String startedFile() {
            return root + "/.wharf-started";
        }
    }
}
