package io.wharf.build.context;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.wharf.contracts.ValidationException;

/** What a Containerfile builds from: the images of its {@code FROM} lines, which must be allowed like any image. */
public final class Containerfiles {

    private Containerfiles() {
    }

    /**
     * The images the Containerfile's stages start from, in order; a stage built from an earlier stage, and
     * {@code scratch}, name no image.
     *
     * @throws ValidationException naming {@code field} when there is no {@code FROM}, or one whose image is not
     *         written out (an {@code ARG} in it), or one with flags (such as {@code --platform})
     */
    public static List<String> baseImages(String containerfile, String field) {
        List<String> images = new ArrayList<>();
        Set<String> stages = new HashSet<>();
        String joined = containerfile.replace("\\\r\n", " ").replace("\\\n", " ");
        for (String raw : joined.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            if (!words[0].toUpperCase(Locale.ROOT).equals("FROM")) {
                continue;
            }
            if (words.length < 2 || words[1].startsWith("--")) {
                throw new ValidationException(field, "FROM must name its image directly, without flags: " + line);
            }
            String image = words[1];
            if (image.contains("$")) {
                throw new ValidationException(field, "FROM must name its image literally (no ARG): " + image);
            }
            if (!image.equalsIgnoreCase("scratch") && !stages.contains(image.toLowerCase(Locale.ROOT))) {
                images.add(image);
            }
            if (words.length >= 4 && words[2].equalsIgnoreCase("AS")) {
                stages.add(words[3].toLowerCase(Locale.ROOT));
            }
        }
        if (images.isEmpty() && !joined.toUpperCase(Locale.ROOT).contains("FROM")) {
            throw new ValidationException(field, "has no FROM line");
        }
        return images;
    }
}
