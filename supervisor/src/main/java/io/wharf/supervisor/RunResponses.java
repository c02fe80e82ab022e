package io.wharf.supervisor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * What a synchronous invocation ({@code POST /run}) answers, as OSCAR's supervisor makes it: the one file the script
 * left in its output folder; a zip of them when it left several; the script's output (stdout and stderr) when it left
 * none. Links are not followed, as in delivery.
 */
public final class RunResponses {

    /** The largest response kept for a caller; a larger one is not kept (the outputs are delivered all the same). */
    public static final int MAX_BYTES = io.wharf.contracts.Names.RESPONSE_MAX_BYTES;

    private RunResponses() {
    }

    /**
     * @param outputDir the script's output folder
     * @param scriptOutput what the script wrote to stdout and stderr
     * @return the response; empty when it would be larger than {@link #MAX_BYTES}
     */
    public static Optional<byte[]> of(Path outputDir, byte[] scriptOutput) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(outputDir)) {
            files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        if (files.isEmpty()) {
            return fits(scriptOutput.length) ? Optional.of(scriptOutput) : Optional.empty();
        }
        if (files.size() == 1) {
            return fits(Files.size(files.get(0))) ? Optional.of(Files.readAllBytes(files.get(0))) : Optional.empty();
        }
        long total = 0;
        for (Path file : files) {
            total += Files.size(file);
        }
        if (!fits(total)) {
            return Optional.empty();
        }
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            for (Path file : files) {
                out.putNextEntry(new ZipEntry(outputDir.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
        return fits(zip.size()) ? Optional.of(zip.toByteArray()) : Optional.empty();
    }

    private static boolean fits(long bytes) {
        return bytes <= MAX_BYTES;
    }
}
