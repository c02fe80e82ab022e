package io.wharf.gateway.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.wharf.contracts.Json;
import io.wharf.contracts.Names;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.FunctionNames;
import io.wharf.gateway.GatewayConfig;
import io.wharf.jetstream.FunctionStore;
import io.wharf.jetstream.PullLoop;
import io.wharf.jetstream.StoreException;
import io.wharf.jetstream.Versioned;

/**
 * Reads what other systems publish to NATS: MinIO's own notifications ({@code wharf.ingest.minio}) and invocations
 * ({@code wharf.invoke.<fn>}: a CloudEvent, or any JSON body). Each message is acked only once its envelope is
 * stored (or it is dead-lettered with its reason); a failure to store it leaves it to be delivered again.
 */
@ApplicationScoped
public class NatsIngestConsumer {

    static final String DURABLE = "wharf-gateway-ingest";
    private static final Logger LOG = Logger.getLogger(NatsIngestConsumer.class);
    /** Deliveries of a message that keeps failing unexpectedly before it is dead-lettered. */
    private static final int MAX_ATTEMPTS = 10;

    private final Connection connection;
    private final IngestService ingest;
    private final FunctionStore functions;
    private final GatewayConfig config;
    private PullLoop loop;

    public NatsIngestConsumer(Connection connection, IngestService ingest, FunctionStore functions,
            GatewayConfig config) {
        this.connection = connection;
        this.ingest = ingest;
        this.functions = functions;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        // messages are handled one after another on the loop's thread, up to a batch fetched at once
        // @formatter:off
        loop = PullLoop.start(connection, Names.INGEST_STREAM, ConsumerConfiguration.builder()
                .durable(DURABLE)
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(Duration.ofSeconds(30))
                .maxDeliver(-1)
                .build(), config.gateway().ingestBatch(), Runnable::run, this::handle);
        // @formatter:on
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (loop != null) {
            loop.stop();
        }
    }

    void handle(Message message) {
        try {
            if (Names.INGEST_MINIO_SUBJECT.equals(message.getSubject())) {
                ingest.notification(message.getData(), "nats");
            } else {
                invoke(message);
            }
            message.ack();
        } catch (MalformedEventException e) {
            deadLetter(message, e.reason(), e.getMessage());
        } catch (StoreException e) {
            LOG.warnf("cannot store the event from %s yet, it will be delivered again: %s", message.getSubject(),
                    e.getMessage());
            message.nakWithDelay(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            if (message.metaData().deliveredCount() >= MAX_ATTEMPTS) {
                LOG.errorf(e, "giving up on the message from %s", message.getSubject());
                deadLetter(message, "ingest-failed", e.getClass().getSimpleName() + ": " + e.getMessage());
            } else {
                LOG.warnf("cannot handle the message from %s (delivery %d), retrying: %s", message.getSubject(),
                        message.metaData().deliveredCount(), e.getMessage());
                message.nakWithDelay(Duration.ofSeconds(2));
            }
        }
    }

    private void invoke(Message message) {
        String function = Names.functionOfInvokeSubject(message.getSubject());
        if (!FunctionNames.isValid(function)) {
            throw unknown(function);
        }
        Optional<Versioned<FunctionDefinition>> fn = functions.get(function);
        if (fn.isEmpty()) {
            throw unknown(function);
        }
        JsonNode json = json(message.getData());
        String sequence = Long.toString(message.metaData().streamSequence());
        if (isCloudEvent(json)) {
            ingest.invoke(fn.get().value(), json.get("source").asText(), json.get("id").asText(), cloudEventData(json),
                    json.path("datacontenttype").asText("application/json"), "nats", json, false);
        } else {
            ingest.invoke(fn.get().value(), "nats://" + message.getSubject(), sequence, message.getData(),
                    "application/json", "nats", json, false);
        }
    }

    private void deadLetter(Message message, String reason, String detail) {
        String function = Optional.ofNullable(Names.functionOfInvokeSubject(message.getSubject()))
                .filter(FunctionNames::isValid)
                .orElse(Names.UNATTRIBUTED);
        try {
            ingest.deadLetter(function, message.getSubject(), message.getData(), reason, detail);
            message.ack();
        } catch (StoreException e) {
            LOG.warnf("cannot dead-letter the message from %s yet: %s", message.getSubject(), e.getMessage());
            message.nakWithDelay(Duration.ofSeconds(2));
        }
    }

    private static JsonNode json(byte[] data) {
        try {
            JsonNode node = data.length == 0 ? null : Json.json().readTree(data);
            if (node == null || node.isMissingNode()) {
                throw new MalformedEventException("empty message: an invocation needs a JSON body");
            }
            return node;
        } catch (IOException e) {
            throw new MalformedEventException("not JSON: an invocation over NATS must be a CloudEvent or a JSON body");
        }
    }

    private static boolean isCloudEvent(JsonNode json) {
        return json.isObject() && json.hasNonNull("specversion") && json.hasNonNull("id") && json.hasNonNull("source")
                && json.hasNonNull("type");
    }

    /** A CloudEvent's data is the input: {@code data_base64} decoded, text as is, JSON as JSON. */
    private static byte[] cloudEventData(JsonNode event) {
        if (event.hasNonNull("data_base64")) {
            try {
                return Base64.getDecoder().decode(event.get("data_base64").asText());
            } catch (IllegalArgumentException e) {
                throw new MalformedEventException("data_base64 is not base64");
            }
        }
        JsonNode data = event.path("data");
        String text = data.isTextual() ? data.asText() : data.isMissingNode() ? "" : data.toString();
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static MalformedEventException unknown(String function) {
        return new MalformedEventException(MalformedEventException.UNKNOWN_FUNCTION,
                "no function named '" + function + "'");
    }
}
