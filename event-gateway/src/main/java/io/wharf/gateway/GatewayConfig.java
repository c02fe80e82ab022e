package io.wharf.gateway;

import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.wharf.jetstream.NatsConfig;

/** Everything the gateway can be told, under {@code wharf.*}. */
@ConfigMapping(prefix = "wharf")
public interface GatewayConfig {

    NatsConfig nats();

    Storage storage();

    Gateway gateway();

    Secrets secrets();

    interface Secrets {

        /**
         * Key sealing function secrets in the functions bucket: base64 of 32 random bytes, the same for every service.
         * Never logged.
         */
        String key();
    }

    interface Storage {

        /** The platform's MinIO, as the gateway reaches it. */
        String endpoint();

        /** The platform's MinIO as clients reach it (returned by {@code /system/config}); the endpoint when absent. */
        Optional<String> publicEndpoint();

        String accessKey();

        /** Never logged; returned only by {@code /system/config} to an authenticated user. */
        String secretKey();

        @WithDefault("us-east-1")
        String region();

        /**
         * The MinIO notification target bucket notifications are sent to: the webhook pointing at
         * {@code /events/minio}, or the NATS target publishing to {@code wharf.ingest.minio}.
         */
        @WithDefault("arn:minio:sqs::WHARF:webhook")
        String notificationArn();
    }

    interface Gateway {

        /** The bearer token MinIO sends to {@code /events/minio} (its webhook target's {@code auth_token}). */
        String webhookToken();

        /** Users of the REST API (HTTP basic auth): name to password. */
        Map<String, String> users();

        /** The largest invocation body accepted, in bytes; it travels inside the envelope. */
        @WithDefault("4194304")
        int maxBodyBytes();

        /** Pull batch of the consumer reading {@code wharf.ingest.minio} and {@code wharf.invoke.*}. */
        @WithDefault("16")
        int ingestBatch();
    }
}
