package io.wharf.dispatcher.execution;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The work folder must be the dispatcher's own, told by uid: in a pod the uid may have no name. */
class DispatcherIdentityTest {

    @Test
    void shouldAcceptAFolderOfItsOwnUidAndRefuseAnotherUidsFolder(@TempDir Path dir) throws Exception {
        Path own = Files.createDirectories(dir.resolve("own"));
        assertThatCode(() -> DispatcherIdentity.requireOwnFolder(own)).doesNotThrowAnyException();

        Path others = Files.createDirectories(dir.resolve("others"));
        Files.setAttribute(others, "unix:uid", 65534);
        assertThatThrownBy(() -> DispatcherIdentity.requireOwnFolder(others))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("belongs to uid 65534");
    }
}
