package io.wharf.jetstream;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** {@code wharf.nats.*}: the configuration group every service shares. */
public interface NatsConfig {

    /** The NATS server (JetStream enabled). */
    @WithDefault("nats://127.0.0.1:4222")
    String url();

    /** How long JetStream remembers an envelope id, to drop a duplicate publish of the same event. */
    @WithDefault("10M")
    Duration duplicateWindow();

    /** How long a dead letter is kept, to be looked at and replayed ({@code /system/dlq}). */
    @WithDefault("720H")
    Duration dlqRetention();

    /** Replicas of every stream and bucket: 1 on one machine, 3 in a cluster. */
    @WithDefault("1")
    int replicas();

    /** This service's NATS user; each service has its own, with its own permissions (etc/nats-permissions.conf). */
    Optional<String> user();

    /** The user's password. Never logged. */
    Optional<String> password();

    /**
     * Whether this service creates and updates the streams and buckets (the gateway), or waits for them to exist
     * (every other service: its NATS user may not change the topology).
     */
    @WithDefault("true")
    boolean manageTopology();
}
