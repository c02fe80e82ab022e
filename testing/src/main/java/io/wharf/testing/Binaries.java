package io.wharf.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the real server binaries the tests run. They are installed by {@code ./wharf install} (which {@code .ci/run}
 * calls) into {@code .wharf/bin}; the pinned versions live in that script, in one place.
 */
public final class Binaries {

    private Binaries() {
    }

    public static Path natsServer() {
        return find("nats-server");
    }

    public static Path minio() {
        return find("minio");
    }

    /** The repository's root: the nearest folder upwards that holds {@code mvnw}. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "not inside the Wharf repository: no mvnw above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    public static Path find(String name) {
        List<Path> candidates = new ArrayList<>();
        String binDir = System.getenv("WHARF_BIN_DIR");
        if (binDir != null && !binDir.isBlank()) {
            candidates.add(Path.of(binDir, name));
        }
        candidates.add(repositoryRoot().resolve(".wharf/bin").resolve(name));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, name));
            }
        }
        return candidates.stream()
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " not found in " + candidates
                        + ": run ./wharf install, or ./wharf install kubernetes for the control plane"
                        + " (or set WHARF_BIN_DIR)"));
    }
}
