package io.wharf.contracts.envelope;

import java.io.IOException;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.wharf.contracts.Json;
import io.wharf.contracts.function.FunctionNames;

/** Reads and writes envelopes as CloudEvents structured JSON, and refuses envelopes no executor could run. */
public final class EnvelopeCodec {

    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> TYPES = Set.of(Envelope.TYPE_OBJECT_CREATED, Envelope.TYPE_OBJECT_REMOVED,
            Envelope.TYPE_INVOCATION);

    private EnvelopeCodec() {
    }

    public static byte[] encode(Envelope envelope) {
        try {
            return Json.json().writeValueAsBytes(envelope);
        } catch (IOException e) {
            throw new IllegalStateException("an envelope is always serialisable", e);
        }
    }

    /**
     * @throws InvalidEnvelopeException with reason {@code malformed-envelope} when the bytes are not a valid envelope
     */
    public static Envelope decode(byte[] bytes) {
        Envelope envelope;
        try {
            envelope = Json.json().readValue(bytes, Envelope.class);
        } catch (JsonProcessingException e) {
            throw malformed("not CloudEvents JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw malformed("unreadable: " + e.getMessage());
        }
        if (envelope == null) {
            throw malformed("empty message");
        }
        if (!Envelope.SPEC_VERSION.equals(envelope.specversion())) {
            throw malformed("specversion must be " + Envelope.SPEC_VERSION);
        }
        if (envelope.id() == null || !ID.matcher(envelope.id()).matches()) {
            throw malformed("id must be 64 lowercase hex characters");
        }
        if (envelope.source() == null || envelope.source().isBlank()) {
            throw malformed("source is required");
        }
        if (!TYPES.contains(envelope.type())) {
            throw malformed("type must be one of " + TYPES);
        }
        if (!FunctionNames.isValid(envelope.wharffunction())) {
            throw malformed("wharffunction " + FunctionNames.RULE);
        }
        if (envelope.data() == null) {
            throw malformed("data is required");
        }
        if (!envelope.isInvocation() && (envelope.data().bucket() == null || envelope.data().key() == null)) {
            throw malformed("data.bucket and data.key are required for " + envelope.type());
        }
        return envelope;
    }

    private static InvalidEnvelopeException malformed(String detail) {
        return new InvalidEnvelopeException("malformed-envelope", detail);
    }
}
