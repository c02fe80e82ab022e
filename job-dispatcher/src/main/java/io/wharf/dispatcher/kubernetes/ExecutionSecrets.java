package io.wharf.dispatcher.kubernetes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.wharf.contracts.Json;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeCodec;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.supervisor.S3Endpoint;

/** The two Secrets an execution's pod reads: its function's storage keys, and its own event and definition. */
public final class ExecutionSecrets {

    private ExecutionSecrets() {
    }

    /**
     * The function's keys to the platform's store, as the supervisor reads them from its environment
     * ({@code envFrom}); empty when the function has none.
     */
    public static Secret storage(FunctionDefinition fn, Optional<S3Endpoint> store) {
        Map<String, String> keys = new LinkedHashMap<>();
        store.ifPresent(s -> {
            keys.put("WHARF_S3_ENDPOINT", s.endpoint());
            keys.put("WHARF_S3_ACCESS_KEY", s.accessKey());
            keys.put("WHARF_S3_SECRET_KEY", s.secretKey());
            keys.put("WHARF_S3_REGION", s.region());
        });
        // @formatter:off
        return new SecretBuilder()
                .withNewMetadata()
                    .withName(ExecutionJobs.storageSecretName(fn.name()))
                    .addToLabels(ExecutionJobs.MANAGED_BY_LABEL, ExecutionJobs.MANAGED_BY)
                    .addToLabels(ExecutionJobs.FUNCTION_LABEL, fn.name())
                .endMetadata()
                .withType("Opaque")
                .withStringData(keys)
                .build();
        // @formatter:on
    }

    /** The execution's event and its function's definition (with its secrets, which only the script sees). */
    public static Secret execution(JobPlan plan, Envelope envelope, FunctionDefinition fn) throws IOException {
        // @formatter:off
        return new SecretBuilder()
                .withNewMetadata()
                    .withName(ExecutionJobs.executionSecretName(plan.executionId()))
                    .withLabels(ExecutionJobs.labels(plan))
                .endMetadata()
                .withType("Opaque")
                .withStringData(Map.of(
                        "event.json", new String(EnvelopeCodec.encode(envelope), StandardCharsets.UTF_8),
                        "function.json", Json.json().writeValueAsString(fn)))
                .build();
        // @formatter:on
    }
}
