package io.wharf.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeysTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "uploads/photo 1.jpg|photo 1.jpg",
            "a+b+c.txt|a+b+c.txt",
            "données/naïve 日本語 ✓.csv|naïve 日本語 ✓.csv",
            "/leading/slash.txt|slash.txt",
            "//double//slash.txt|slash.txt",
            "...hidden|...hidden",
            "dir/..dots..|..dots.."
    })
    void shouldNameTheInputAfterTheKeysLastSegment(String key, String expected) {
        assertThat(ObjectKeys.fileName(key)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "in/../../escape.txt", "in/..", "..", "folder/", "in/.", ""})
    void shouldRejectKeysThatEscapeOrNameNoFile(String key) {
        assertThatThrownBy(() -> ObjectKeys.fileName(key)).isInstanceOf(UnsafeKeyException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nul\u0000byte.txt", "new\nline.txt", "bell\u0007.txt"})
    void shouldRejectControlCharactersAndEscapeThemInTheMessage(String key) {
        assertThatThrownBy(() -> ObjectKeys.fileName(key)).isInstanceOf(UnsafeKeyException.class)
                .hasMessageContaining("control characters")
                .hasMessageContaining("\\x");
    }

    @Test
    void shouldRejectOverLongNamesAndKeys() {
        assertThatThrownBy(() -> ObjectKeys.fileName("in/" + "é".repeat(128)))
                .hasMessageContaining("longer than 255 bytes");
        assertThatThrownBy(() -> ObjectKeys.fileName("a/".repeat(600) + "f"))
                .hasMessageContaining("longer than 1024 bytes");
    }
}
