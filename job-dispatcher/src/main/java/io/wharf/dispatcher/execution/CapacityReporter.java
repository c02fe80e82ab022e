package io.wharf.dispatcher.execution;

import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.quarkus.runtime.StartupEvent;
import io.wharf.contracts.Json;
import io.wharf.contracts.Names;
import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.dispatcher.runtime.ExecutionRuntime;

/**
 * Publishes what this dispatcher can take and what waits, on {@value Names#CAPACITY_SUBJECT}, for an elasticity
 * manager to add or remove capacity; the same figures are the {@code wharf_queue_depth} gauge.
 */
@ApplicationScoped
public class CapacityReporter {

    private static final Logger LOG = Logger.getLogger(CapacityReporter.class);

    private final Connection connection;
    private final EventConsumer consumer;
    private final ExecutionHandler handler;
    private final ExecutionRuntime runtime;
    private final DispatcherConfig.Dispatcher config;
    private final String instanceId;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong pending = new AtomicLong();

    public CapacityReporter(Connection connection, EventConsumer consumer, ExecutionHandler handler,
            ExecutionRuntime runtime, DispatcherConfig config, DispatcherIdentity identity,
            ScheduledExecutorService scheduler, MeterRegistry meters) {
        this.connection = connection;
        this.consumer = consumer;
        this.handler = handler;
        this.runtime = runtime;
        this.config = config.dispatcher();
        this.instanceId = identity.instanceId();
        this.scheduler = scheduler;
        meters.gauge("wharf.queue.depth", pending);
    }

    void start(@Observes StartupEvent event) {
        long period = config.capacityInterval().toMillis();
        scheduler.scheduleAtFixedRate(this::report, 0, period, TimeUnit.MILLISECONDS);
    }

    /** The report published now. */
    public CapacityReport report() {
        try {
            pending.set(connection.jetStreamManagement()
                    .getConsumerInfo(Names.EVENTS_STREAM, EventConsumer.DURABLE)
                    .getNumPending());
        } catch (Exception e) {
            LOG.debugf("cannot read the queue depth: %s", e.getMessage());
        }
        CapacityReport report = new CapacityReport(instanceId, runtime.kind(), config.concurrency(),
                handler.busy(), consumer.freeSlots(), pending.get(), Instant.now());
        try {
            connection.publish(Names.CAPACITY_SUBJECT, Json.json().writeValueAsBytes(report));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.debugf("cannot publish the capacity report: %s", e.getMessage());
        }
        return report;
    }

    /**
     * @param dispatcher this dispatcher's instance id
     * @param executor the executor kind
     * @param slots executions it runs at once
     * @param busy executions running now
     * @param free slots free now
     * @param pending envelopes waiting in the queue, for every dispatcher
     * @param time when this was measured
     */
    public record CapacityReport(String dispatcher, String executor, int slots, int busy, int free, long pending,
            Instant time) {
    }
}
