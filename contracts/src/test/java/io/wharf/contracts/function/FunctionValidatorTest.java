package io.wharf.contracts.function;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.wharf.contracts.ValidationException;
import io.wharf.contracts.Violation;

class FunctionValidatorTest {

    @ParameterizedTest
    @ValueSource(strings = {"busybox", "localhost/wharf-busybox:1", "ghcr.io/grycap/imagemagick:1.0",
            "registry.example.org:5000/team/tool_x:v2.1-rc",
            "grycap/oscar@sha256:" + "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"})
    void shouldAcceptImageReferences(String image) {
        assertThat(ImageReferences.isValid(image)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--privileged", "-v/:/host", "busybox --rm", "busy\nbox", "Busybox", "busybox:",
            "a/../b", "busybox\u0000", "ghcr.io//x"})
    void shouldRefuseWhatIsNotAnImageReference(String image) {
        assertThat(ImageReferences.isValid(image)).isFalse();
        assertThat(violations("{name: f, image: '" + image.replace("\n", "\\n").replace("\u0000", "\\0")
                + "', script: s}")).extracting(Violation::field).contains("image");
    }

    @Test
    void shouldRefuseAnImageReferenceTooLongToBeOne() {
        assertThat(ImageReferences.isValid("a".repeat(256))).isFalse();
    }

    @Test
    void shouldRefuseAnOutputInsideTheFunctionsOwnInput() {
        List<Violation> violations = violations("""
                name: loop
                image: busybox
                script: s
                input: [{storage_provider: minio, path: data/in}]
                output: [{storage_provider: minio.default, path: data/in/results}]
                """);

        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("output[0].path");
            assertThat(v.rule()).contains("own input input[0]", "without end");
        });
    }

    @Test
    void shouldAcceptAnOutputBesideTheInputOrOneItsFiltersKeepApart() {
        assertThat(violations("""
                name: ok
                image: busybox
                script: s
                input: [{storage_provider: minio, path: data/in}]
                output: [{storage_provider: minio, path: data/input-done}, {storage_provider: minio, path: other/in}]
                """)).isEmpty();
        assertThat(violations("""
                name: ok
                image: busybox
                script: s
                input: [{storage_provider: minio, path: data, suffix: [.jpg]}]
                output: [{storage_provider: minio, path: data/thumbs, suffix: [.png]}]
                """)).isEmpty();
    }

    @Test
    void shouldAcceptVolumesMountedOutsideTheSandboxAndNameEachBadOne() {
        assertThat(violations("""
                name: euclid
                image: busybox
                script: s
                volumes:
                - {name: euclid-vis, mount_path: /data/euclid}
                - {name: scratch, mount_path: /scratch, read_only: false}
                """)).isEmpty();

        assertThat(violations("""
                name: euclid
                image: busybox
                script: s
                volumes:
                - {name: Euclid_VIS, mount_path: /data}
                - {name: scratch, mount_path: relative/path}
                - {name: sandbox, mount_path: /wharf/input}
                - {name: scratch, mount_path: /data/../etc}
                """)).extracting(v -> v.field() + ": " + v.rule())
                .containsExactlyInAnyOrder(
                        "volumes[0].name: must name a volume the operators offer: 1-63 lowercase letters, digits or '-'",
                        "volumes[1].mount_path: must be an absolute, normalised path such as /data/in",
                        "volumes[2].mount_path: must not be /wharf, /tmp, /proc, /sys, /dev, /etc, /bin, /sbin, /lib, "
                                + "/lib64, /usr, /var/run, /run or inside them",
                        "volumes[3].name: must not repeat a volume already listed",
                        "volumes[3].mount_path: must be an absolute, normalised path such as /data/in");
    }

    @Test
    void shouldTakeAnEmptyCpuOrMemoryAsOscarClisWayOfSayingTheDefault() {
        FunctionDefinition fn = FdlReader.readOne("{name: f, image: busybox, script: s, cpu: '', memory: ''}");

        assertThat(FunctionValidator.validate(fn, "")).isEmpty();
        assertThat(fn.cpu()).isNull();
        assertThat(fn.memory()).isNull();
    }

    @Test
    void shouldRefuseShortTokensAndUnknownVisibility() {
        assertThat(violations("{name: f, image: busybox, script: s, token: short, visibility: everyone}"))
                .extracting(Violation::field)
                .containsExactlyInAnyOrder("token", "visibility");
        assertThat(violations("{name: f, image: busybox, script: s, token: " + "x".repeat(32)
                + ", visibility: restricted, allowed_users: [bob]}")).isEmpty();
    }

    @Test
    void shouldRefuseSealedLookingValuesFromClients() {
        FunctionDefinition fn = FdlReader.readOne("""
                name: f
                image: busybox
                script: s
                environment: {secrets: {KEY: 'wharf:sealed:v2:AAAA'}}
                """);

        assertThat(FunctionValidator.validateClientSecrets(fn, "")).singleElement()
                .satisfies(v -> assertThat(v.field()).isEqualTo("environment.secrets.KEY"));
    }

    @Test
    void shouldTellWhoMaySeeAFunction() {
        FunctionDefinition restricted = FdlReader.readOne(
                "{name: f, image: busybox, script: s, visibility: restricted, allowed_users: [bob]}")
                .managedBy("alice", null, null, null);
        FunctionDefinition unset = FdlReader.readOne("{name: f, image: busybox, script: s, allowed_users: [bob]}")
                .managedBy("alice", null, null, null);
        FunctionDefinition open = FdlReader.readOne("{name: f, image: busybox, script: s, visibility: public}")
                .managedBy("alice", null, null, null);
        FunctionDefinition closed = FdlReader.readOne(
                "{name: f, image: busybox, script: s, visibility: private, allowed_users: [bob]}")
                .managedBy("alice", null, null, null);

        assertThat(restricted.isVisibleTo("bob")).isTrue();
        assertThat(restricted.isVisibleTo("carol")).isFalse();
        assertThat(open.isVisibleTo("carol")).isTrue();
        assertThat(closed.isVisibleTo("bob")).isFalse();
        assertThat(unset.isVisibleTo("bob")).as("no visibility is private, as in OSCAR").isFalse();
        assertThat(closed.isVisibleTo("alice")).isTrue();
        assertThat(closed.isOwnedBy("bob")).isFalse();
    }

    private static List<Violation> violations(String yaml) {
        try {
            FdlReader.readOne(yaml);
            return List.of();
        } catch (ValidationException e) {
            return e.violations();
        }
    }
}
