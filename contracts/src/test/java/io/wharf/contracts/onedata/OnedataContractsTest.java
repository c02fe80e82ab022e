package io.wharf.contracts.onedata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.wharf.contracts.ValidationException;
import io.wharf.contracts.Violation;
import io.wharf.contracts.function.FdlReader;

class OnedataContractsTest {

    @Test
    void aBareHostIsReachedOverHttpsAndAUrlKeepsItsScheme() {
        assertThat(Oneprovider.baseUrl("oneprovider.example.org")).isEqualTo("https://oneprovider.example.org");
        assertThat(Oneprovider.baseUrl("op.example.org:8443/")).isEqualTo("https://op.example.org:8443");
        assertThat(Oneprovider.baseUrl("http://10.0.0.5:8080/")).isEqualTo("http://10.0.0.5:8080");
        assertThat(Oneprovider.authority("http://10.0.0.5:8080")).isEqualTo("10.0.0.5:8080");
    }

    @Test
    void onlyAHostOrAnHttpUrlWithNothingAfterTheHostIsAProvider() {
        assertThat(List.of("op.example.org", "op.example.org:443", "https://op.example.org", "http://127.0.0.1:9/"))
                .allMatch(Oneprovider::isValidHost);
        assertThat(List.of("", "op example", "ftp://op.example.org", "https://op.example.org/cdmi",
                "https://user:pw@op.example.org", "https://op.example.org?x=1", "-op.example.org"))
                .noneMatch(Oneprovider::isValidHost);
    }

    @Test
    void anEventIsWrittenAsOneTriggerWritesIt() {
        OneTriggerEvent event = OneTriggerEvent.of("my-space", "in/sub/cat.jpg", "0000abc",
                Instant.parse("2024-05-14T09:12:41.530215Z"));

        assertThat(event.key()).isEqualTo("/my-space/in/sub/cat.jpg");
        assertThat(event.records()).hasSize(1);
        assertThat(event.records().get(0).objectKey()).isEqualTo("cat.jpg");
        assertThat(event.records().get(0).eventTime()).as("naive UTC, no offset")
                .isEqualTo(
                        "2024-05-14T09:12:41.530215");
        assertThat(event.records().get(0).eventSource()).isEqualTo("OneTrigger");
        assertThat(event.records().get(0).time()).isEqualTo(Instant.parse("2024-05-14T09:12:41.530215Z"));
    }

    @Test
    void aProviderHostOrSpaceThatCannotBeUsedIsRefusedNamingTheField() {
        ValidationException refused = catchThrowableOfType(ValidationException.class, () -> FdlReader.readOne("""
                name: od
                image: busybox
                script: cat "$INPUT_FILE_PATH"
                input:
                - storage_provider: onedata.lab
                  path: in
                storage_providers:
                  onedata:
                    lab:
                      oneprovider_host: https://op.example.org/cdmi
                      token: t
                      space: a/b
                """));

        assertThat(refused.violations()).extracting(Violation::field)
                .contains(
                        "storage_providers.onedata.lab.oneprovider_host", "storage_providers.onedata.lab.space");
    }
}
