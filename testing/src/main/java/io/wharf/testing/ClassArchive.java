package io.wharf.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;

/**
 * The AppCDS archive of a service's classes, kept as {@code ./wharf up} keeps one (docs/adr/0013): the first start
 * writes it when the service stops, the starts after it map it, until the jar or the JDK changes. The services then
 * start in tests and benchmarks as they start for users. Written under a name of its own and moved into place once
 * complete, so that two platforms stopping at once never leave half an archive.
 */
final class ClassArchive {

    private final Path archive;
    private final Path pending;
    private final boolean usable;

    private ClassArchive(Path archive, boolean usable) {
        this.archive = archive;
        this.pending = archive.resolveSibling(archive.getFileName() + "." + UUID.randomUUID() + ".tmp");
        this.usable = usable;
    }

    /** The archive of {@code service} for this jar and the JDK the tests run on. */
    static ClassArchive of(String service, Path jar) {
        String jdk = Integer.toHexString((System.getProperty("java.home") + System.getProperty("java.vm.version"))
                .hashCode());
        Path archive = Binaries.repositoryRoot().resolve(".wharf/cds-tests").resolve(service + "-" + jdk + ".jsa");
        try {
            Files.createDirectories(archive.getParent());
            boolean usable = Files.size(archive) > 0
                    && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0;
            return new ClassArchive(archive, usable);
        } catch (IOException missing) {
            return new ClassArchive(archive, false);
        }
    }

    /** The JVM options: map the archive, or write one at exit. */
    List<String> options() {
        return usable
                ? List.of("-Xlog:cds=off", "-XX:SharedArchiveFile=" + archive)
                : List.of("-Xlog:cds=off", "-XX:ArchiveClassesAtExit=" + pending);
    }

    /** Once the service has stopped: the archive it wrote at exit, if any, is put in place. */
    void keep() {
        try {
            if (Files.exists(pending) && Files.size(pending) > 0) {
                Files.move(pending, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.deleteIfExists(pending);
        } catch (IOException e) {
            // no archive: the next start writes one again
        }
    }
}
