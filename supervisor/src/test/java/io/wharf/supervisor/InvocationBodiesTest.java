package io.wharf.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class InvocationBodiesTest {

    @Test
    void shouldDecodeABodyThatIsBase64AsOscarCliSendsFiles() {
        String file = "line one\nline two\n";
        String sent = Base64.getEncoder().encodeToString(file.getBytes(StandardCharsets.UTF_8));

        assertThat(new String(InvocationBodies.inputBytes(transport(sent)), StandardCharsets.UTF_8)).isEqualTo(file);
    }

    @Test
    void shouldKeepAnyOtherBodyAsIs() {
        String json = "{\"temperature\": 21.5}";

        assertThat(new String(InvocationBodies.inputBytes(transport(json)), StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(InvocationBodies.inputBytes(transport(""))).isEmpty();
    }

    private static String transport(String body) {
        return Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8));
    }
}
