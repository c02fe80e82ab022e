package io.wharf.build.podman;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.wharf.supervisor.ProcessRunner;
import io.wharf.supervisor.ShortCommand;
import io.wharf.supervisor.Workspace;

/**
 * Removes what a build left in its folder, also when the service crashed mid-build: the engine (found by the pid it
 * noted, and only if that process still is the engine on this folder's store), every step still running (a process
 * whose root is a layer of this store, whatever it runs: it is user code), the mounts below the folder (deepest
 * first), and then the folder (and the engine's run-time folder named after it). A killed {@code podman build} leaves
 * all three behind: its {@code RUN} step's processes outlive it, and so do its mounts.
 * <p>
 * This needs the engine to run as root, as on the platform's machines: a rootless engine's mounts live in its own
 * mount namespace, where they end with it.
 */
final class BuildLeftovers {

    private static final Logger LOG = Logger.getLogger(BuildLeftovers.class);
    private static final Duration EXIT_GRACE = Duration.ofSeconds(10);
    private static final Path PROC = Path.of("/proc");

    private BuildLeftovers() {
    }

    static void release(Path dir, Map<String, String> environment) throws IOException, InterruptedException {
        // as the kernel names it in mount tables: symbolic links resolved
        Path folder = Files.exists(dir) ? dir.toRealPath() : dir.toAbsolutePath().normalize();
        Path runRoot = PodmanBuilder.runRoot(folder);
        if (!Files.exists(folder) && !Files.exists(runRoot)) {
            return;
        }
        List<ProcessHandle> killed = new ArrayList<>();
        engine(folder).ifPresent(engine -> {
            LOG.infof("stopping the engine (pid %d) a previous run of the build service left in %s", engine.pid(),
                    folder);
            killed.add(engine);
            ProcessRunner.killTree(engine.pid());
        });
        for (ProcessHandle step : steps(folder)) {
            LOG.infof("stopping a build step (pid %d) left running in %s", step.pid(), folder);
            killed.add(step);
            ProcessRunner.killTree(step.pid());
        }
        for (ProcessHandle p : killed) {
            p.onExit().completeOnTimeout(p, EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS).join();
        }
        for (Path top : List.of(runRoot, folder)) {
            for (String mount : mountsBelow(top, PROC.resolve("self/mountinfo"))) {
                unmount(mount, environment);
            }
            Workspace.deleteTree(top);
        }
    }

    /** The engine the pid file names, if it still runs on this folder's store (a pid may have been reused). */
    private static Optional<ProcessHandle> engine(Path folder) {
        Path pidFile = folder.resolve(PodmanBuilder.PID_FILE);
        try {
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).strip());
            String root = "--root=" + folder.resolve(PodmanBuilder.STORE);
            return ProcessHandle.of(pid).filter(p -> commandLine(p.pid()).contains(root));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Processes whose root file system is a layer of this folder's store: a step's processes. A step's root is an
     * overlay mount; it is known by its upper directory in the folder, or (where the engine gave the overlay relative
     * paths) by being the very overlay mounted below the folder: the same device.
     */
    private static List<ProcessHandle> steps(Path folder) throws IOException {
        String upper = "upperdir=" + folder + "/";
        Set<String> overlays = overlayDevicesBelow(folder, PROC.resolve("self/mountinfo"));
        List<ProcessHandle> steps = new ArrayList<>();
        try (Stream<Path> all = Files.list(PROC)) {
            for (Path p : all.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == ProcessHandle.current().pid()) {
                    continue;
                }
                try (Stream<String> lines = Files.lines(p.resolve("mountinfo"))) {
                    if (lines.map(MountLine::parse)
                            .anyMatch(m -> m != null && m.point().equals("/") && m.type().equals("overlay")
                                    && (m.line().contains(upper) || overlays.contains(m.device())))) {
                        ProcessHandle.of(pid).ifPresent(steps::add);
                    }
                } catch (IOException | java.io.UncheckedIOException e) {
                    // gone meanwhile, or a kernel thread
                }
            }
        }
        return steps;
    }

    /** The devices of the overlay mounts below the folder (a running step's root, as the engine mounted it). */
    static Set<String> overlayDevicesBelow(Path folder, Path mountinfo) throws IOException {
        String top = folder + "/";
        try (Stream<String> lines = Files.lines(mountinfo)) {
            return lines.map(MountLine::parse)
                    .filter(m -> m != null && m.type().equals("overlay") && m.point().startsWith(top))
                    .map(MountLine::device)
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    /**
     * One line of a mountinfo table: {@code id parent major:minor root point options... - type source super}.
     *
     * @param point the mount point, unescaped
     */
    record MountLine(String device, String point, String type, String line) {

        static MountLine parse(String line) {
            String[] fields = line.split(" ");
            int separator = java.util.Arrays.asList(fields).indexOf("-");
            if (fields.length < 5 || separator < 0 || separator + 1 >= fields.length) {
                return null;
            }
            return new MountLine(fields[2], unescape(fields[4]), fields[separator + 1], line);
        }
    }

    /** Mount points at or below the folder, deepest first, unescaped ({@code \040} is a space). */
    static List<String> mountsBelow(Path folder, Path mountinfo) throws IOException {
        String top = folder.toString();
        try (Stream<String> lines = Files.lines(mountinfo)) {
            return lines.map(l -> l.split(" "))
                    .filter(f -> f.length > 4)
                    .map(f -> unescape(f[4]))
                    .filter(m -> m.equals(top) || m.startsWith(top + "/"))
                    .distinct()
                    .sorted(Comparator.comparingInt(String::length).reversed())
                    .toList();
        }
    }

    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code umount} of a path below the build's folder (Wharf's own names only), lazily if it is still busy. */
    private static void unmount(String mount, Map<String, String> environment)
            throws IOException, InterruptedException {
        for (List<String> command : List.of(List.of("umount", mount), List.of("umount", "--lazy", mount))) {
            if (ShortCommand.run(command, environment, Duration.ofMinutes(1)).succeeded()) {
                return;
            }
        }
        LOG.warnf("cannot unmount %s", mount);
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(PROC.resolve(pid + "/cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
