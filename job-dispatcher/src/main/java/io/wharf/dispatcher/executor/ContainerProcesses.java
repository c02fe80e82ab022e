package io.wharf.dispatcher.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What runs in a warm worker's container, seen from the host, where no script can reach: between two runs, the
 * engine's init and one child, the agent, without children of its own. Anything more is a process a run left behind,
 * whatever the agent (which runs as the script's user, and could have been tampered with) answered.
 */
final class ContainerProcesses {

    private final long init;

    private ContainerProcesses(long init) {
        this.init = init;
    }

    /** The container's init, as the engine knows it; empty when the engine cannot say. */
    static Optional<ContainerProcesses> of(ContainerExecutor containers, String name) {
        try {
            String pid = containers.engineCommand(List.of("inspect", "--format", "{{.State.Pid}}", name)).strip();
            long init = Long.parseLong(pid);
            return init > 0 ? Optional.of(new ContainerProcesses(init)) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Whether nothing runs but the init and the agent. */
    boolean onlyTheAgent() {
        List<Long> agents = children(init);
        return agents.size() == 1 && children(agents.get(0)).isEmpty();
    }

    private static List<Long> children(long pid) {
        Path listed = Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children");
        if (Files.isReadable(listed)) {
            try {
                String text = Files.readString(listed).strip();
                return text.isEmpty()
                        ? List.of()
                        : java.util.Arrays.stream(text.split("\\s+"))
                                .map(Long::valueOf)
                                .toList();
            } catch (IOException gone) {
                return List.of();
            }
        }
        return ProcessHandle.of(pid).map(p -> p.children().map(ProcessHandle::pid).toList()).orElse(List.of());
    }
}
