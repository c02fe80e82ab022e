package io.wharf.build.context;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.wharf.contracts.ValidationException;
import io.wharf.contracts.Violation;
import io.wharf.contracts.build.BuildSpec;

/**
 * Makes the context of a build section: its inline Containerfile, or one written from a base image, packages and
 * commands. Package names are checked (they become words of a shell command); commands are the user's own shell, run
 * inside the build like any {@code RUN} line.
 */
public final class GeneratedContexts {

    public static final String CONTAINERFILE = "Containerfile";
    private static final Pattern PACKAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9+._:=~-]{0,127}");
    private static final int MAX_LIST = 64;
    private static final int MAX_COMMAND = 4096;
    private static final int MAX_DOCKERFILE = 256 * 1024;

    private GeneratedContexts() {
    }

    /** @throws ValidationException naming {@code <field>.dockerfile}, {@code <field>.packages[i]}, ... */
    public static BuildContext of(BuildSpec spec, String field) {
        // "" for a body that is the section itself: its fields are named as they are
        String at = field.isEmpty() ? "" : field + ".";
        List<Violation> v = new ArrayList<>();
        String containerfile = null;
        boolean inline = spec.dockerfile() != null && !spec.dockerfile().isBlank();
        boolean generated = spec.baseImage() != null && !spec.baseImage().isBlank();
        if (inline == generated) {
            v.add(new Violation(field.isEmpty() ? "dockerfile" : field,
                    "needs either dockerfile (a Containerfile's text) or base_image (with packages "
                            + "and commands), not " + (inline ? "both" : "neither")));
        } else if (inline) {
            if (spec.dockerfile().length() > MAX_DOCKERFILE) {
                v.add(new Violation(at + "dockerfile", "must be at most " + MAX_DOCKERFILE + " characters"));
            }
            if (!spec.packages().isEmpty() || !spec.commands().isEmpty()) {
                v.add(new Violation(at + "packages", "go with base_image, not with a dockerfile"));
            }
            containerfile = spec.dockerfile();
        } else {
            containerfile = written(spec, field, v);
        }
        if (!v.isEmpty()) {
            throw new ValidationException(v);
        }
        return new BuildContext(List.of(new BuildContext.Entry(CONTAINERFILE, false, false,
                containerfile.getBytes(StandardCharsets.UTF_8))), CONTAINERFILE);
    }

    private static String written(BuildSpec spec, String field, List<Violation> v) {
        String at = field.isEmpty() ? "" : field + ".";
        String base = spec.baseImage().strip();
        if (base.chars().anyMatch(c -> c <= ' ') || base.length() > 512) {
            v.add(new Violation(at + "base_image", "must be an image reference without spaces"));
        }
        if (spec.packages().size() > MAX_LIST || spec.commands().size() > MAX_LIST) {
            v.add(new Violation(field.isEmpty() ? "packages" : field,
                    "may list at most " + MAX_LIST + " packages and " + MAX_LIST + " commands"));
        }
        for (int i = 0; i < spec.packages().size(); i++) {
            String p = spec.packages().get(i);
            if (p == null || !PACKAGE.matcher(p).matches()) {
                v.add(new Violation(at + "packages[" + i + "]", "must be a package name: letters, digits and "
                        + "+._:=~- (at most 128)"));
            }
        }
        for (int i = 0; i < spec.commands().size(); i++) {
            String c = spec.commands().get(i);
            if (c == null || c.isBlank() || c.length() > MAX_COMMAND || c.contains("\n") || c.contains("\r")) {
                v.add(new Violation(at + "commands[" + i + "]", "must be one line of shell, at most "
                        + MAX_COMMAND + " characters"));
            }
        }
        StringBuilder file = new StringBuilder("FROM ").append(base).append('\n');
        if (!spec.packages().isEmpty()) {
            String names = String.join(" ", spec.packages());
            file.append("RUN if command -v apk >/dev/null; then apk add --no-cache ")
                    .append(names)
                    .append("; elif command -v apt-get >/dev/null; then apt-get update && apt-get install -y ")
                    .append("--no-install-recommends ")
                    .append(names)
                    .append(" && rm -rf /var/lib/apt/lists/*; elif command -v dnf >/dev/null; then dnf install -y ")
                    .append(names)
                    .append(" && dnf clean all; else echo 'no package manager (apk, apt-get, dnf) in ")
                    .append("the base image' >&2; exit 1; fi\n");
        }
        for (String command : spec.commands()) {
            file.append("RUN ").append(command).append('\n');
        }
        return file.toString();
    }
}
