package io.wharf.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

    @Test
    void shouldTellABodyOfLineBreaksFromBase64InOnePass() {
        // a regular expression with two line-break classes backtracks quadratically on this: hours at 4 MiB
        byte[] body = ("\n".repeat(200_000) + "!").getBytes(StandardCharsets.US_ASCII);

        byte[] input = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> InvocationBodies.inputBytes(Base64.getEncoder().encodeToString(body)));

        assertThat(input).isEqualTo(body);
        assertThat(InvocationBodies.looksLikeBase64("YWJj\r\nZA==\n".getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(InvocationBodies.looksLikeBase64("YWJj===".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(InvocationBodies.looksLikeBase64("\n\n".getBytes(StandardCharsets.US_ASCII))).isFalse();
    }

    private static String transport(String body) {
        return Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8));
    }
}
