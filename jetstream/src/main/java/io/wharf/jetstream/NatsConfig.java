package io.wharf.jetstream;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** {@code wharf.nats.*}: the configuration group every service shares. */
public interface NatsConfig {

    /** The NATS server (JetStream enabled). */
    @WithDefault("nats://127.0.0.1:4222")
    String url();

    /** How long JetStream remembers an envelope id, to drop a duplicate publish of the same event. */
    @WithDefault("10M")
    Duration duplicateWindow();

    /** Replicas of every stream and bucket: 1 on one machine, 3 in a cluster. */
    @WithDefault("1")
    int replicas();
}
