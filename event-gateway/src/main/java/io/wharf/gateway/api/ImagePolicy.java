package io.wharf.gateway.api;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.nats.client.Connection;
import io.wharf.contracts.ValidationException;
import io.wharf.contracts.Violation;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.jetstream.PlatformSettings;

/**
 * The image repositories functions may use, as OSCAR's {@code allowed_image_repositories}: set by an operator with
 * {@code PUT /system/config}, checked when a function is created or replaced (functions already stored keep running).
 * An image is allowed when it starts with one of them (OSCAR accepts one that merely contains it, which
 * {@code evil.example/docker.io/...} would pass); none set, any image.
 */
@ApplicationScoped
public class ImagePolicy {

    static final int MAX_REPOSITORIES = 64;
    static final int MAX_REPOSITORY_CHARS = 256;
    private static final String FIELD = "allowed_image_repositories";

    private final PlatformSettings settings;

    public ImagePolicy(Connection connection) {
        this.settings = new PlatformSettings(connection);
    }

    public List<String> allowed() {
        return settings.allowedImageRepositories();
    }

    /** @throws ValidationException naming each entry that is not a repository prefix */
    public void allow(List<String> repositories) {
        List<String> given = repositories == null ? List.of() : repositories;
        List<Violation> violations = new ArrayList<>();
        if (given.size() > MAX_REPOSITORIES) {
            violations.add(new Violation(FIELD, "must list at most " + MAX_REPOSITORIES + " repositories"));
        }
        for (int i = 0; i < given.size(); i++) {
            String r = given.get(i);
            if (r == null || r.isBlank() || r.length() > MAX_REPOSITORY_CHARS || !r.chars()
                    .allMatch(c -> c > 0x20
                            && c < 0x7f)) {
                violations.add(new Violation(FIELD + "[" + i + "]", "must be an image repository prefix such as "
                        + "'ghcr.io/grycap/' of at most " + MAX_REPOSITORY_CHARS + " printable characters, no spaces"));
            }
        }
        if (!violations.isEmpty()) {
            throw new ValidationException(violations);
        }
        settings.allowImageRepositories(given);
    }

    /** Whether an image may be used: no list, or it starts with one of the repositories allowed. */
    public boolean allows(String image) {
        List<String> allowed = allowed();
        return allowed.isEmpty() || allowed.stream().anyMatch(image::startsWith);
    }

    /** @throws ValidationException when the function's image comes from a repository not allowed */
    public void check(FunctionDefinition fn) {
        List<String> allowed = allowed();
        if (allowed.isEmpty() || fn.image() == null || allowed.stream().anyMatch(fn.image()::startsWith)) {
            return;
        }
        throw new ValidationException(List.of(new Violation("image", "must come from a repository this platform "
                + "allows: " + String.join(", ", allowed))));
    }
}
