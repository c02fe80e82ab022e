package io.wharf.supervisor;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The environment a container engine ({@code podman run}, {@code podman build}) is started with: the few variables it
 * needs, taken from the service's own environment, and nothing else. No value a user gives ever reaches it.
 */
public final class EngineEnvironment {

    private static final Set<String> ENGINE_VARIABLES = Set.of("PATH", "HOME", "CONTAINERS_CONF", "XDG_RUNTIME_DIR",
            "XDG_CONFIG_HOME", "XDG_DATA_HOME", "TMPDIR", "DOCKER_HOST", "CONTAINER_HOST", "LANG");

    private EngineEnvironment() {
    }

    /** The engine's variables from this process's environment. */
    public static Map<String, String> fromHost() {
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (ENGINE_VARIABLES.contains(k)) {
                env.put(k, v);
            }
        });
        return Map.copyOf(env);
    }
}
