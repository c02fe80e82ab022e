package io.wharf.gateway.ingest;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.api.PublishAck;
import io.wharf.contracts.Names;
import io.wharf.contracts.ObjectKeys;
import io.wharf.contracts.UnsafeKeyException;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.Locations;
import io.wharf.jetstream.Publisher;

/**
 * Turns notifications and invocations into envelopes and stores them in JetStream. Every record ends somewhere
 * visible: in the events stream, in the dead-letter stream with its reason, or counted as ignored by design.
 */
@ApplicationScoped
public class IngestService {

    private static final Logger LOG = Logger.getLogger(IngestService.class);

    private final FunctionRegistry registry;
    private final EnvelopeFactory envelopes;
    private final Publisher publisher;
    private final MeterRegistry meters;

    public IngestService(FunctionRegistry registry, EnvelopeFactory envelopes, Publisher publisher,
            MeterRegistry meters) {
        this.registry = registry;
        this.envelopes = envelopes;
        this.publisher = publisher;
        this.meters = meters;
    }

    /**
     * A bucket notification of the platform's MinIO, for whichever functions watch the object's location.
     *
     * @param via {@code webhook} or {@code nats}, for the metrics
     * @throws MalformedEventException when the body is not a notification
     */
    public IngestResult notification(byte[] body, String via) {
        List<ObjectEvent> events = MinioEvents.parse(body);
        IngestResult result = new IngestResult(0, 0, 0, 0);
        for (ObjectEvent event : events) {
            if (!MinioEvents.isProcessed(event)) {
                result = result.plus(new IngestResult(0, 0, 1, 0));
                continue;
            }
            List<FunctionDefinition> routes = registry.routes(event.bucket(), event.key());
            if (routes.isEmpty() && registry.watches(event.bucket(), event.key())) {
                // the notification rule covers a folder, the function's suffix/prefix filters then said no
                result = result.plus(new IngestResult(0, 0, 1, 0));
                continue;
            }
            if (routes.isEmpty()) {
                result = result.plus(deadLetter(Names.UNATTRIBUTED, "minio/" + via, recordOf(event), "no-function",
                        "no function watches " + event.bucket() + "/" + ObjectKeys.printable(event.key())));
            }
            for (FunctionDefinition fn : routes) {
                result = result.plus(publishObject(fn, event, via));
            }
        }
        return result;
    }

    /**
     * A OneTrigger event: a new file of a Onedata space, for the function whose watch saw it. An announcement for
     * another incarnation of the function (deleted since; {@code uid}) is ignored; a file outside the function's
     * Onedata inputs is dead-lettered.
     *
     * @param function a valid function name
     * @param uid the incarnation the announcement was made for, when given
     * @throws MalformedEventException when the body is not a OneTrigger event
     */
    public IngestResult onedata(byte[] body, String function, String uid) {
        OnedataEvents.FileEvent event = OnedataEvents.parse(body);
        String where = event.space() + "/" + ObjectKeys.printable(event.path());
        java.util.Optional<FunctionDefinition> fn = registry.get(function);
        if (fn.isPresent() && uid != null && !uid.equals(fn.get().uid())) {
            LOG.debugf("function=%s: an announcement for its earlier incarnation %s ignored", function, uid);
            return new IngestResult(0, 0, 1, 0);
        }
        String target = fn.isPresent() ? function : Names.UNATTRIBUTED;
        try {
            ObjectKeys.fileName(event.path());
        } catch (UnsafeKeyException e) {
            return deadLetter(target, "onedata", body, "unsafe-key", e.getMessage());
        }
        List<FunctionRegistry.OnedataRoute> routes = fn.isEmpty()
                ? List.of()
                : registry.onedataRoutes(fn.get(), event.space(), event.path());
        if (routes.isEmpty()) {
            return deadLetter(target, "onedata", body, "no-function", "function " + function
                    + (fn.isPresent() ? " has no Onedata input holding " : " does not exist, for ") + where);
        }
        IngestResult result = new IngestResult(0, 0, 0, 0);
        for (FunctionRegistry.OnedataRoute route : routes) {
            Envelope envelope = envelopes.forOnedata(route.function(), route.providerId(), event);
            received("onedata");
            PublishAck ack = publisher.publishEnvelope(envelope);
            LOG.debugf("function=%s eventId=%s onedata %s stored as %d%s", route.function().name(), envelope.id(),
                    where, ack.getSeqno(), ack.isDuplicate() ? " (duplicate)" : "");
            result = result.plus(ack.isDuplicate() ? new IngestResult(0, 1, 0, 0) : new IngestResult(1, 0, 0, 0));
        }
        return result;
    }

    /**
     * A bucket notification posted for one function ({@code POST /job/<name>}, as OSCAR's webhooks do). Every object
     * it names must lie in one of the function's inputs: a caller may run the function on its own data only, never
     * make it read another bucket.
     *
     * @throws ForeignObjectException when a record names an object outside the function's inputs (nothing is stored)
     */
    public IngestResult notificationFor(FunctionDefinition fn, byte[] body) {
        List<ObjectEvent> events = MinioEvents.parse(body);
        for (ObjectEvent event : events) {
            boolean inInputs = fn.input()
                    .stream()
                    .anyMatch(in -> in.provider().isPlatformMinio() && in.bucket().equals(event.bucket())
                            && event.key().startsWith(Locations.folder(in)));
            if (!inInputs) {
                throw new ForeignObjectException(fn.name(), event.bucket(), event.key());
            }
        }
        IngestResult result = new IngestResult(0, 0, 0, 0);
        for (ObjectEvent event : events) {
            result = result.plus(MinioEvents.isProcessed(event)
                    ? publishObject(fn, event, "job")
                    : new IngestResult(0, 0, 1, 0));
        }
        return result;
    }

    /**
     * An invocation of one function whose body becomes the input file.
     *
     * @param awaited a caller waits for the execution's response ({@code POST /run})
     * @return the stored envelope
     */
    public Envelope invoke(FunctionDefinition fn, String source, String uniqueToken, byte[] body, String contentType,
            String provider, JsonNode raw, boolean awaited) {
        Envelope invocation = envelopes.forInvocation(fn, source, uniqueToken, body, contentType, provider, raw);
        Envelope envelope = awaited ? invocation.awaitingReply() : invocation;
        received(provider);
        PublishAck ack = publisher.publishEnvelope(envelope);
        LOG.debugf("function=%s eventId=%s stored as %d%s", fn.name(), envelope.id(), ack.getSeqno(),
                ack.isDuplicate() ? " (duplicate)" : "");
        return envelope;
    }

    /** Dead-letters a message under a function (or {@link Names#UNATTRIBUTED}) with its reason. */
    public IngestResult deadLetter(String function, String origin, byte[] payload, String reason, String detail) {
        publisher.deadLetter(function, origin, payload, reason, detail);
        meters.counter("wharf.events.rejected", "reason", reason).increment();
        LOG.infof("dead-lettered function=%s reason=%s: %s", function, reason, detail);
        return new IngestResult(0, 0, 0, 1);
    }

    /** Counts an event refused before anything was stored (the client was told why). */
    public void rejected(String reason) {
        meters.counter("wharf.events.rejected", "reason", reason).increment();
    }

    private IngestResult publishObject(FunctionDefinition fn, ObjectEvent event, String via) {
        String function = fn.name();
        try {
            ObjectKeys.fileName(event.key());
        } catch (UnsafeKeyException e) {
            return deadLetter(function, "minio/" + via, recordOf(event), "unsafe-key", e.getMessage());
        }
        Envelope envelope = envelopes.forObject(fn, event);
        received("minio");
        PublishAck ack = publisher.publishEnvelope(envelope);
        LOG.debugf("function=%s eventId=%s key=%s stored as %d%s", function, envelope.id(),
                ObjectKeys.printable(event.key()), ack.getSeqno(), ack.isDuplicate() ? " (duplicate)" : "");
        return ack.isDuplicate() ? new IngestResult(0, 1, 0, 0) : new IngestResult(1, 0, 0, 0);
    }

    /** What is dead-lettered for one record: the notification as if it held that record only. */
    private static byte[] recordOf(ObjectEvent event) {
        return event.notification().toString().getBytes(StandardCharsets.UTF_8);
    }

    private void received(String provider) {
        meters.counter("wharf.events.received", "provider", provider).increment();
    }
}
