package io.wharf.build.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.wharf.contracts.ValidationException;
import io.wharf.contracts.build.BuildSpec;

class ContextArchivesTest {

    @TempDir
    Path dir;

    @Test
    void aContextIsReadHashedByContentAndWrittenOutAsItWas() throws Exception {
        byte[] archive = tar(file("Containerfile", "FROM localhost/wharf-busybox:1\nCOPY tool /usr/local/bin/\n"),
                folder("sub/"), file("tool", "#!/bin/sh\necho hi\n", 0755), file("sub/data.txt", "x"));

        BuildContext context = ContextArchives.read(archive, null, Limits.DEFAULT);

        assertThat(context.dockerfilePath()).isEqualTo("Containerfile");
        assertThat(context.containerfile()).startsWith("FROM localhost/wharf-busybox:1");
        assertThat(context.hash()).isEqualTo(ContextArchives.read(gzip(context), null, Limits.DEFAULT).hash());
        context.writeTo(dir);
        assertThat(Files.readString(dir.resolve("tool"))).contains("echo hi");
        assertThat(Files.isExecutable(dir.resolve("tool"))).isTrue();
        assertThat(Files.readString(dir.resolve("sub/data.txt"))).isEqualTo("x");
    }

    @Test
    void aDifferentFileOrModeIsADifferentContext() throws Exception {
        String a = ContextArchives.read(tar(file("Dockerfile", "FROM a"), file("t", "1")), null, Limits.DEFAULT)
                .hash();
        String b = ContextArchives.read(tar(file("Dockerfile", "FROM a"), file("t", "2")), null, Limits.DEFAULT)
                .hash();
        String c = ContextArchives.read(tar(file("Dockerfile", "FROM a"), file("t", "1", 0755)), null,
                Limits.DEFAULT).hash();

        assertThat(List.of(a, b, c)).doesNotHaveDuplicates();
    }

    @Test
    void badContextsAreRefusedNamingTheRule() throws Exception {
        assertThat(refused(new byte[]{1, 2, 3, 4}, null)).contains("not a readable tar archive");
        assertThat(refused(tar(file("Dockerfile", "FROM a"), file("../escape", "x")), null)).contains("leaves");
        assertThat(refused(tar(file("Dockerfile", "FROM a"), file("/etc/passwd", "x")), null)).contains("absolute");
        assertThat(refused(tar(file("Dockerfile", "FROM a"), link("l", "/etc/passwd")), null)).contains("link");
        assertThat(refused(tar(file("Dockerfile", "FROM a"), file("Dockerfile", "FROM b")), null)).contains("twice");
        assertThat(refused(tar(file("Dockerfile", "FROM a"), file("big", "x".repeat(2000))), null, 1000))
                .contains("larger than 1000 bytes");
        assertThat(refused(new byte[0], null)).contains("is required");
        ValidationException noDockerfile = catchThrowableOfType(ValidationException.class,
                () -> ContextArchives.read(tar(file("readme", "x")), null, Limits.DEFAULT));
        assertThat(noDockerfile.violations().get(0).field()).isEqualTo("dockerfile_path");
        ValidationException outside = catchThrowableOfType(ValidationException.class,
                () -> ContextArchives.read(tar(file("Dockerfile", "FROM a")), "../Dockerfile", Limits.DEFAULT));
        assertThat(outside.violations().get(0).field()).isEqualTo("dockerfile_path");
    }

    @Test
    void aBuildSectionBecomesAContainerfile() {
        BuildContext context = GeneratedContexts.of(new BuildSpec(null, "localhost/wharf-busybox:1",
                List.of("jq"), List.of("echo ok > /etc/ok"), List.of()), "build");

        assertThat(context.containerfile()).startsWith("FROM localhost/wharf-busybox:1\n")
                .contains("apk add --no-cache jq", "RUN echo ok > /etc/ok\n");
        assertThat(catchThrowableOfType(ValidationException.class, () -> GeneratedContexts.of(new BuildSpec(null,
                "base", List.of("jq; rm -rf /"), List.of(), List.of()), "build")).violations().get(0).field())
                .isEqualTo("build.packages[0]");
        assertThat(catchThrowableOfType(ValidationException.class, () -> GeneratedContexts.of(new BuildSpec(null,
                null, List.of(), List.of(), List.of()), "build")).violations().get(0).field()).isEqualTo("build");
    }

    @Test
    void theImagesAContainerfileStartsFromAreFound() {
        assertThat(Containerfiles.baseImages("""
                # a comment
                FROM golang:1.22 AS build
                RUN make
                from build as test
                FROM scratch
                FROM localhost/wharf-busybox:1
                COPY --from=build /out /
                """, "dockerfile")).containsExactly("golang:1.22", "localhost/wharf-busybox:1");
        assertThat(catchThrowableOfType(ValidationException.class,
                () -> Containerfiles.baseImages("ARG B=x\nFROM $B\n", "dockerfile"))).hasMessageContaining("literally");
        assertThat(catchThrowableOfType(ValidationException.class,
                () -> Containerfiles.baseImages("RUN true\n", "dockerfile"))).hasMessageContaining("no FROM");
    }

    @Test
    void instructionsTheHostWouldCarryOutAreRefused() {
        for (String containerfile : List.of(
                "# syntax=docker/dockerfile:1\nFROM a\n",
                "# escape=`\nFROM a\n",
                "FROM a\nADD https://example.org/x /x\n",
                "FROM a\nADD git@github.com:o/r.git /r\n",
                "FROM a\nRUN --mount=type=cache,target=/c true\n",
                "FROM a\nRUN --network=host true\n",
                "FROM a\nCOPY --from=localhost/wharf-builds/uother:1 /x /x\n",
                "FROM a AS one\nCOPY --from=1 /x /x\n")) {
            assertThat(catchThrowableOfType(ValidationException.class,
                    () -> Containerfiles.baseImages(containerfile, "dockerfile"))).as(containerfile).isNotNull();
        }
        assertThat(Containerfiles.baseImages("FROM a AS one\nFROM b\nCOPY --from=one /x /x\nCOPY --from=0 /y /y\n"
                + "RUN echo \\\n  ok\n", "dockerfile")).containsExactly("a", "b");
    }

    @Test
    void anArchiveThatInflatesBeyondTheLimitIsRefusedWithoutReadingItAll() throws Exception {
        // a GNU long-name header announcing a 4 MiB name (which a reader keeps in memory whole), gzipped to kilobytes
        java.io.ByteArrayOutputStream bomb = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(bomb)) {
            int size = 4 << 20;
            gzip.write(header("././@LongLink", 'L', size));
            gzip.write(new byte[size]);
        }
        assertThat(bomb.size()).isLessThan(1 << 20);

        assertThat(refused(bomb.toByteArray(), null, 1024, 1)).contains("larger than");
    }

    @Test
    void aFileAndAFolderOfTheSameNameAreRefused() throws Exception {
        assertThat(refused(tar(file("Dockerfile", "FROM a"), file("a", "x"), file("a/b", "y")), null))
                .contains("which is a file");
    }

    private static String refused(byte[] archive, String dockerfile) {
        return refused(archive, dockerfile, Limits.DEFAULT.maxBytes());
    }

    private static String refused(byte[] archive, String dockerfile, long maxBytes) {
        return refused(archive, dockerfile, maxBytes, 100);
    }

    private static String refused(byte[] archive, String dockerfile, long maxBytes, int maxEntries) {
        ValidationException e = catchThrowableOfType(ValidationException.class,
                () -> ContextArchives.read(archive, dockerfile, new Limits(maxBytes, maxEntries)));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.violations().get(0).field()).isEqualTo("context");
        return e.violations().get(0).rule();
    }

    private record Item(String name, byte[] content, int mode, String link) {
    }

    private static Item file(String name, String content) {
        return file(name, content, 0644);
    }

    private static Item file(String name, String content, int mode) {
        return new Item(name, content.getBytes(StandardCharsets.UTF_8), mode, null);
    }

    private static Item folder(String name) {
        return new Item(name, null, 0755, null);
    }

    private static Item link(String name, String target) {
        return new Item(name, null, 0777, target);
    }

    private static byte[] tar(Item... items) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (Item item : items) {
                TarArchiveEntry entry = item.link() != null
                        ? new TarArchiveEntry(item.name(), TarArchiveEntry.LF_SYMLINK)
                        : new TarArchiveEntry(item.name(), true);
                if (item.link() != null) {
                    entry.setLinkName(item.link());
                }
                entry.setMode((item.link() != null ? 0120000 : item.content() == null ? 040000 : 0100000)
                        | item.mode());
                entry.setSize(item.content() == null ? 0 : item.content().length);
                tar.putArchiveEntry(entry);
                if (item.content() != null) {
                    tar.write(item.content());
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A raw ustar header, written by hand: no library writes a header this large quickly. */
    private static byte[] header(String name, char type, long size) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, "00000000000");
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = (byte) type;
        put(h, 257, "ustar  ");
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] header, int offset, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }

    private static byte[] gzip(BuildContext context) {
        return context.toTarGz();
    }
}
