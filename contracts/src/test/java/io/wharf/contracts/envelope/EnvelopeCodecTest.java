package io.wharf.contracts.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.wharf.contracts.Json;

class EnvelopeCodecTest {

    @Test
    void shouldRoundTripAnObjectEnvelopeAsCloudEventsJson() throws Exception {
        String id = EnvelopeIds.forObject("plants", "minio://m:9000/images-in", "uploads/photo 1.jpg", "etag1");
        Envelope envelope = Envelope.of(id, "minio://m:9000/images-in", Envelope.TYPE_OBJECT_CREATED,
                "uploads/photo 1.jpg", Instant.parse("2026-11-23T07:12:00Z"), "plants",
                EventData.object("minio", "default", "images-in", "uploads/photo 1.jpg", 48213L, "etag1",
                        "image/jpeg", Json.json().readTree("{\"EventName\":\"s3:ObjectCreated:Put\"}")));

        byte[] bytes = EnvelopeCodec.encode(envelope);

        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .contains("\"specversion\":\"1.0\"", "\"wharffunction\":\"plants\"",
                        "\"time\":\"2026-11-23T07:12:00Z\"", "\"subject\":\"uploads/photo 1.jpg\"");
        assertThat(EnvelopeCodec.decode(bytes)).isEqualTo(envelope);
    }

    @Test
    void shouldDeriveTheSameIdForTheSameEventAndDifferentIdsPerFunction() {
        String a = EnvelopeIds.forObject("f", "minio://m/b", "k", "v1");

        assertThat(EnvelopeIds.forObject("f", "minio://m/b", "k", "v1")).isEqualTo(a).hasSize(64);
        assertThat(EnvelopeIds.forObject("g", "minio://m/b", "k", "v1")).isNotEqualTo(a);
        assertThat(EnvelopeIds.forObject("f", "minio://m/b", "k", "v2")).isNotEqualTo(a);
        assertThat(EnvelopeIds.executionId("f", a)).isEqualTo("f-" + a.substring(0, 16));
    }

    @Test
    void shouldRejectEnvelopesNoExecutorCouldRun() {
        assertThatThrownBy(() -> EnvelopeCodec.decode("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEnvelopeException.class,
                        e -> assertThat(e.reason()).isEqualTo("malformed-envelope"));
        String noKey = """
                {"specversion":"1.0","id":"%s","source":"minio://m/b","type":"io.wharf.object.created",
                 "wharffunction":"f","data":{"provider":"minio","bucket":"b"}}""".formatted("a".repeat(64));
        assertThatThrownBy(() -> EnvelopeCodec.decode(noKey.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("data.key");
        String badFunction = noKey.replace("\"f\"", "\"Not Valid\"");
        assertThatThrownBy(() -> EnvelopeCodec.decode(badFunction.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("wharffunction");
    }
}
