package io.wharf.build.context;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * A checked build context: regular files and folders with relative paths that stay inside it, and the Containerfile
 * among them. Made by {@link ContextArchives} (an uploaded archive) or {@link GeneratedContexts} (a build section);
 * nothing else makes one, so a builder may write it out as it is.
 *
 * @param entries sorted by path; folders have no content
 * @param dockerfilePath the Containerfile's path in the context
 */
public record BuildContext(List<Entry> entries, String dockerfilePath) {

    /**
     * One file or folder.
     *
     * @param path relative, '/'-separated, no '.' or '..' segment
     * @param folder whether it is a folder
     * @param executable whether the file is executable (the only mode kept)
     * @param content the file's bytes; empty for a folder
     */
    public record Entry(String path, boolean folder, boolean executable, byte[] content) {
    }

    public BuildContext {
        entries = entries.stream().sorted(java.util.Comparator.comparing(Entry::path)).toList();
    }

    /** The Containerfile's text. */
    public String containerfile() {
        return entries.stream()
                .filter(e -> e.path().equals(dockerfilePath))
                .findFirst()
                .map(e -> new String(e.content(), StandardCharsets.UTF_8))
                .orElseThrow();
    }

    /** The files' total size in bytes. */
    public long size() {
        return entries.stream().mapToLong(e -> e.content().length).sum();
    }

    /** sha256 of every path, kind, mode and content, and the Containerfile's path: equal contexts, equal hashes. */
    public String hash() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Entry e : entries) {
                sha.update((e.folder() ? "d " : e.executable() ? "x " : "f ").getBytes(StandardCharsets.UTF_8));
                sha.update(e.path().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Long.toString(e.content().length).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(e.content());
            }
            sha.update(("dockerfile " + dockerfilePath).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes the context into an empty folder the caller made: folders 0755, files 0644 or 0755. No link is ever
     * made, and every path is checked again to resolve inside {@code dir}.
     */
    public void writeTo(Path dir) throws IOException {
        Path root = dir.toRealPath();
        for (Entry e : entries) {
            Path target = root.resolve(e.path()).normalize();
            if (!target.startsWith(root) || target.equals(root)) {
                throw new IOException("context path leaves its folder: " + e.path());
            }
            Files.createDirectories(target.getParent());
            if (!target.getParent().toRealPath().startsWith(root)) {
                throw new IOException("context path leaves its folder: " + e.path());
            }
            if (e.folder()) {
                Files.createDirectories(target);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            } else {
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("context path twice: " + e.path());
                }
                Files.write(target, e.content());
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(e.executable()
                        ? "rwxr-xr-x"
                        : "rw-r--r--"));
            }
        }
    }

    /** The context as a gzipped tar archive (what Kaniko reads), with fixed times and owners. */
    public byte[] toTarGz() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry entry = new TarArchiveEntry(e.folder() ? e.path() + "/" : e.path());
                entry.setMode(e.folder() ? 040755 : e.executable() ? 0100755 : 0100644);
                entry.setSize(e.folder() ? 0 : e.content().length);
                entry.setModTime(0);
                tar.putArchiveEntry(entry);
                if (!e.folder()) {
                    tar.write(e.content());
                }
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
