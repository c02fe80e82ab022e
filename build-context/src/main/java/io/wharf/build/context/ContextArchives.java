package io.wharf.build.context;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import io.wharf.contracts.ValidationException;

/**
 * Reads an uploaded build context: a tar archive, gzipped or not. Only regular files and folders are taken; a path
 * that is absolute, has a '.' or '..' segment, or appears twice, a link, a device or a FIFO, more than the limits, or
 * an archive that cannot be read is refused with the rule broken, before anything is built.
 */
public final class ContextArchives {

    public static final String FIELD = "context";
    public static final String DOCKERFILE_FIELD = "dockerfile_path";
    private static final int MAX_PATH = 1024;

    private ContextArchives() {
    }

    /**
     * @param dockerfilePath the Containerfile's path in the context; {@code null} for {@code Containerfile}, or
     *        {@code Dockerfile} when there is no {@code Containerfile}
     * @throws ValidationException naming {@value #FIELD} or {@value #DOCKERFILE_FIELD}
     */
    public static BuildContext read(byte[] archive, String dockerfilePath, Limits limits) {
        if (archive == null || archive.length == 0) {
            throw new ValidationException(FIELD,
                    "is required: a tar archive (optionally gzipped) of the build context");
        }
        List<BuildContext.Entry> entries = new ArrayList<>();
        Set<String> paths = new HashSet<>();
        Set<String> files = new HashSet<>();
        long total = 0;
        // the archive as read (headers, long names and padding included) is bounded too: no gzip bomb, no header
        // that claims gigabytes, makes the gateway read more than this
        long cap = limits.maxBytes() + 1024L * 1024 + 2048L * limits.maxEntries();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new Bounded(open(archive), cap, limits))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String path = checkedPath(entry.getName());
                if (path.isEmpty()) {
                    continue; // "./" itself
                }
                if (!(entry.isFile() || entry.isDirectory()) || entry.isSymbolicLink() || entry.isLink()
                        || entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                    throw refused(path + " is a link, a device or a FIFO: a context holds regular files and folders "
                            + "only");
                }
                if (!paths.add(path)) {
                    throw refused(path + " appears twice");
                }
                for (String above = parentOf(path); above != null; above = parentOf(above)) {
                    if (files.contains(above)) {
                        throw refused(path + " is below " + above + ", which is a file");
                    }
                }
                if (entry.isFile()) {
                    files.add(path);
                } else if (files.stream().anyMatch(f -> f.startsWith(path + "/"))) {
                    throw refused(path + " is a folder and holds files named as files");
                }
                if (paths.size() > limits.maxEntries()) {
                    throw refused("holds more than " + limits.maxEntries() + " files and folders");
                }
                byte[] content = new byte[0];
                if (entry.isFile()) {
                    if (entry.getSize() > limits.maxBytes() - total) {
                        throw tooLarge(limits);
                    }
                    content = readBounded(tar, limits.maxBytes() - total, limits);
                    total += content.length;
                }
                entries.add(new BuildContext.Entry(path, entry.isDirectory(), (entry.getMode() & 0100) != 0,
                        content));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw refused("is not a readable tar archive (" + e.getMessage() + ")");
        }
        if (entries.isEmpty()) {
            throw refused("is not a readable tar archive, or holds nothing");
        }
        String dockerfile = dockerfilePath(dockerfilePath, paths);
        boolean isFile = entries.stream().anyMatch(e -> e.path().equals(dockerfile) && !e.folder());
        if (!isFile) {
            throw new ValidationException(DOCKERFILE_FIELD, "names no file of the context: '" + dockerfile
                    + "' (a context needs a Containerfile or Dockerfile)");
        }
        return new BuildContext(entries, dockerfile);
    }

    private static String dockerfilePath(String given, Set<String> paths) {
        if (given != null && !given.isBlank()) {
            try {
                return checkedPath(given);
            } catch (ValidationException e) {
                throw new ValidationException(DOCKERFILE_FIELD, "must be a relative path inside the context, "
                        + "without '.' or '..' segments");
            }
        }
        return paths.contains("Containerfile") ? "Containerfile" : "Dockerfile";
    }

    /** A path made relative and checked: no absolute path, no '.' or '..' segment, no NUL, bounded length. */
    static String checkedPath(String name) {
        String p = name;
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        if (p.equals(".")) {
            return "";
        }
        if (p.startsWith("/")) {
            throw refused(name + " is an absolute path: paths in a context are relative");
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.length() > MAX_PATH || p.indexOf('\0') >= 0 || p.chars().anyMatch(c -> c < 0x20)) {
            throw refused("holds a path longer than " + MAX_PATH + " characters or with control characters");
        }
        for (String segment : p.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw refused(name + " leaves the context or is not a plain path ('.', '..' or empty segments)");
            }
        }
        return p;
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? null : path.substring(0, slash);
    }

    /** A stream that refuses to give more than {@code cap} bytes: the context is too large. */
    private static final class Bounded extends java.io.FilterInputStream {

        private final long cap;
        private final Limits limits;
        private long read;

        Bounded(InputStream in, long cap, Limits limits) {
            super(in);
            this.cap = cap;
            this.limits = limits;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && ++read > cap) {
                throw tooLarge(limits);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0 && (read += n) > cap) {
                throw tooLarge(limits);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] sink = new byte[8192];
            long skipped = 0;
            while (skipped < n) {
                int r = read(sink, 0, (int) Math.min(sink.length, n - skipped));
                if (r <= 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }
    }

    private static InputStream open(byte[] archive) throws IOException {
        boolean gzipped = archive.length > 2 && (archive[0] & 0xff) == 0x1f && (archive[1] & 0xff) == 0x8b;
        InputStream in = new ByteArrayInputStream(archive);
        return gzipped ? new BufferedInputStream(new GZIPInputStream(in)) : in;
    }

    private static byte[] readBounded(InputStream in, long allowed, Limits limits) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (out.size() + (long) n > allowed) {
                throw tooLarge(limits);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static ValidationException tooLarge(Limits limits) {
        return refused("is larger than " + limits.maxBytes() + " bytes uncompressed");
    }

    private static ValidationException refused(String rule) {
        return new ValidationException(FIELD, rule);
    }
}
