package io.wharf.gateway.ingest;

import java.net.URI;
import java.time.Instant;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.envelope.EventData;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.ProviderRef;
import io.wharf.contracts.onedata.Oneprovider;
import io.wharf.gateway.GatewayConfig;

/** Normalises every kind of event into the one envelope. */
@ApplicationScoped
public class EnvelopeFactory {

    /** An invocation's JSON body is kept as the raw event (for {@code EVENT}) up to this size. */
    static final int MAX_RAW_INVOCATION_BYTES = 64 * 1024;

    private final String minioAuthority;

    public EnvelopeFactory(GatewayConfig config) {
        URI endpoint = URI.create(config.storage().endpoint());
        this.minioAuthority = endpoint.getAuthority();
    }

    /** An object created in the platform's MinIO (only creations run functions), for one function. */
    public Envelope forObject(FunctionDefinition fn, ObjectEvent event) {
        String source = "minio://" + minioAuthority + "/" + event.bucket();
        String id = EnvelopeIds.forObject(fn.name(), fn.uid(), source, event.key(), event.version());
        return Envelope.of(id, source, Envelope.TYPE_OBJECT_CREATED, event.key(), event.time(), fn.name(),
                EventData.object(ProviderRef.MINIO, ProviderRef.DEFAULT_ID, event.bucket(), event.key(), event.size(),
                        event.etag(), event.contentType(), event.notification()))
                .forFunctionUid(fn.uid());
    }

    /** A new file in a Onedata space, for one function reading it from its provider {@code providerId}. */
    public Envelope forOnedata(FunctionDefinition fn, String providerId, OnedataEvents.FileEvent event) {
        String host = fn.storageProviders().onedata().get(providerId).oneproviderHost();
        String source = "onedata://" + Oneprovider.authority(host) + "/" + event.space();
        String id = EnvelopeIds.forObject(fn.name(), fn.uid(), source, event.path(), event.version());
        return Envelope.of(id, source, Envelope.TYPE_OBJECT_CREATED, event.path(), event.time(), fn.name(),
                EventData.object(ProviderRef.ONEDATA, providerId, event.space(), event.path(), null, null, null,
                        event.event()))
                .forFunctionUid(fn.uid());
    }

    /**
     * An invocation whose body becomes the input file.
     *
     * @param source where it came from ({@code api://gateway}, {@code nats://wharf.invoke.<fn>}, a CloudEvent's source)
     * @param uniqueToken unique at that source (a request id, a stream sequence, a CloudEvent id)
     * @param raw the original event, when it was JSON; kept only when small (the body itself is the input file)
     */
    public Envelope forInvocation(FunctionDefinition fn, String source, String uniqueToken, byte[] body,
            String contentType, String provider, JsonNode raw) {
        String id = EnvelopeIds.forInvocation(fn.name(), fn.uid(), source, uniqueToken);
        JsonNode kept = raw != null && body.length <= MAX_RAW_INVOCATION_BYTES ? raw : null;
        return Envelope.of(id, source, Envelope.TYPE_INVOCATION, null, Instant.now(), fn.name(),
                EventData.invocation(provider, Base64.getEncoder().encodeToString(body), contentType, kept))
                .forFunctionUid(fn.uid());
    }
}
