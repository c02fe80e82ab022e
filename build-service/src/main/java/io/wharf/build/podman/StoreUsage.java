package io.wharf.build.podman;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The disk a build's own folder takes: every file below it on the folder's own file system. Mounts inside it are
 * not counted: a running step's root ({@code overlay/<layer>/merged}) shows the base image's files, which live in the
 * machine's image store, and the step's own writes, which are counted once, in the layer's {@code diff} folder.
 */
final class StoreUsage {

    private StoreUsage() {
    }

    static long bytes(Path top) {
        if (!Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        long[] total = {0};
        try {
            Object device = device(top);
            Files.walkFileTree(top, new SimpleFileVisitor<>() {

                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    return device.equals(device(dir)) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // removed meanwhile, or a step's file we may not read
                }
            });
        } catch (IOException e) {
            return total[0];
        }
        return total[0];
    }

    private static Object device(Path dir) throws IOException {
        return Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
    }
}
