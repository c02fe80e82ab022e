package io.wharf.build.context;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import io.wharf.contracts.ValidationException;

/**
 * What a Containerfile may do, and what it builds from. The engine runs some instructions on the host rather than in
 * the build's sandbox, so those are refused: parser directives ({@code # syntax=}, {@code # escape=}: another
 * frontend, or an escape character that hides lines from this check), {@code ADD} of a URL or a Git repository (a
 * download by the host, past the build's network limit), {@code RUN} flags ({@code --mount} of host caches or other
 * images, {@code --network}, {@code --security}), and {@code COPY}/{@code ADD --from} anything but an earlier stage.
 * The images of the {@code FROM} lines are returned, to be checked like any image a function names.
 */
public final class Containerfiles {

    private static final Pattern DIRECTIVE = Pattern.compile("#\\s*[A-Za-z][A-Za-z0-9_-]*\\s*=.*");
    private static final Pattern FROM_FLAG = Pattern.compile("--from=(\\S+)");

    private Containerfiles() {
    }

    /**
     * @return the images the Containerfile's stages start from, in order (a stage built from an earlier stage, and
     *         {@code scratch}, name no image)
     * @throws ValidationException naming {@code field} with the first instruction that is refused
     */
    public static List<String> baseImages(String containerfile, String field) {
        List<String> images = new ArrayList<>();
        Set<String> stages = new HashSet<>();
        int stageCount = 0;
        boolean instructionSeen = false;
        for (String line : logicalLines(containerfile)) {
            String stripped = line.strip();
            if (stripped.isEmpty()) {
                continue;
            }
            if (stripped.startsWith("#")) {
                if (!instructionSeen && DIRECTIVE.matcher(stripped).matches()) {
                    throw refused(field, "parser directives (# syntax=, # escape=) are not allowed: " + stripped);
                }
                continue;
            }
            instructionSeen = true;
            String[] words = stripped.split("\\s+");
            String instruction = words[0].toUpperCase(Locale.ROOT);
            switch (instruction) {
                case "FROM" -> {
                    if (words.length < 2 || words[1].startsWith("--")) {
                        throw refused(field, "FROM must name its image directly, without flags: " + stripped);
                    }
                    String image = words[1];
                    if (image.contains("$")) {
                        throw refused(field, "FROM must name its image literally (no ARG): " + image);
                    }
                    if (!image.equalsIgnoreCase("scratch") && !stages.contains(image.toLowerCase(Locale.ROOT))) {
                        images.add(image);
                    }
                    if (words.length >= 4 && words[2].equalsIgnoreCase("AS")) {
                        stages.add(words[3].toLowerCase(Locale.ROOT));
                    }
                    stageCount++;
                }
                case "RUN" -> {
                    if (words.length > 1 && words[1].startsWith("--")) {
                        throw refused(field, "RUN takes no flags (--mount, --network, --security): " + stripped);
                    }
                }
                case "ADD", "COPY" -> checkCopy(stripped, words, stages, stageCount, field);
                default -> {
                    // the other instructions act inside the image being built
                }
            }
        }
        if (stageCount == 0) {
            throw refused(field, "has no FROM line");
        }
        return images;
    }

    private static void checkCopy(String line, String[] words, Set<String> stages, int stageCount, String field) {
        for (int i = 1; i < words.length; i++) {
            String word = words[i];
            var from = FROM_FLAG.matcher(word);
            if (from.matches()) {
                String stage = from.group(1).toLowerCase(Locale.ROOT);
                boolean earlierIndex = stage.matches("[0-9]{1,3}") && Integer.parseInt(stage) < stageCount;
                if (!stages.contains(stage) && !earlierIndex) {
                    throw refused(field, words[0] + " --from must name an earlier stage, not an image: " + line);
                }
            }
            if (words[0].equalsIgnoreCase("ADD") && (word.contains("://") || word.startsWith("git@"))) {
                throw refused(field, "ADD of a URL or a Git repository is not allowed (the host would fetch it): "
                        + line);
            }
        }
    }

    /** The lines, with backslash continuations joined (comment lines inside a continuation dropped). */
    private static List<String> logicalLines(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = null;
        for (String raw : text.split("\r?\n", -1)) {
            if (current != null && raw.strip().startsWith("#")) {
                continue;
            }
            boolean continues = raw.endsWith("\\");
            String part = continues ? raw.substring(0, raw.length() - 1) : raw;
            current = current == null ? new StringBuilder(part) : current.append(' ').append(part);
            if (!continues) {
                lines.add(current.toString());
                current = null;
            }
        }
        if (current != null) {
            lines.add(current.toString());
        }
        return lines;
    }

    private static ValidationException refused(String field, String rule) {
        return new ValidationException(field, rule);
    }
}
