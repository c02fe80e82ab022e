package io.wharf.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.nats.client.impl.Headers;

class PublisherTest {

    @Test
    void shouldMakeAnyDetailAValidHeaderValue() {
        String detail = "object key 'in/\u00e9t\u00e9\u0000\u001b" + "k".repeat(2000) + "'\r\nis too long";

        String safe = Publisher.headerSafe(detail);

        assertThat(safe).matches("[\\x20-\\x7e]*").startsWith("object key 'in/?t???k").endsWith("...");
        new Headers().put("Wharf-Detail", safe);
    }
}
