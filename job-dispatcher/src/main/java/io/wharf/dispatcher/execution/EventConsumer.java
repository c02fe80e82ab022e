package io.wharf.dispatcher.execution;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.wharf.contracts.Names;
import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.dispatcher.runtime.ExecutionRuntime;
import io.wharf.jetstream.PullLoop;

/**
 * Pulls envelopes from the durable consumer {@value #DURABLE}, never more than there are free execution slots, and
 * hands each to the {@link ExecutionHandler} on a worker thread. Several dispatchers share the consumer.
 */
@ApplicationScoped
public class EventConsumer {

    public static final String DURABLE = "wharf-dispatcher";
    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    private final Connection connection;
    private final ExecutionHandler handler;
    private final DispatcherConfig.Dispatcher config;
    private final ExecutionRuntime runtime;
    private ExecutorService workers;
    private PullLoop loop;

    public EventConsumer(Connection connection, ExecutionHandler handler, DispatcherConfig config,
            ExecutionRuntime runtime) {
        this.connection = connection;
        this.handler = handler;
        this.config = config.dispatcher();
        this.runtime = runtime;
    }

    void start(@Observes StartupEvent event) {
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(config.concurrency(),
                r -> new Thread(r, "wharf-exec-" + n.incrementAndGet()));
        // max-deliver is enforced by the handler (it dead-letters after the last counted failure); JetStream's own
        // limit would strand the envelope in the work queue without a trace, so it is unlimited here.
        // @formatter:off
        loop = PullLoop.start(connection, Names.EVENTS_STREAM, ConsumerConfiguration.builder()
                .durable(DURABLE)
                .filterSubject(Names.eventsWildcard())
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(config.ackWait())
                .maxDeliver(-1)
                .build(), config.concurrency(), workers, handler::handle);
        // @formatter:on
        LOG.infof("dispatching with the %s executor, %d slot(s)", runtime.kind(), config.concurrency());
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (loop != null) {
            loop.stop();
        }
        if (workers != null) {
            // running executions are interrupted: each stops its script and hands its execution back
            workers.shutdownNow();
            workers.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** Free execution slots, for the capacity report. */
    public int freeSlots() {
        return loop == null ? 0 : loop.freeSlots();
    }

    /** Whether the pull loop is alive and reaching NATS. */
    public boolean isHealthy() {
        return loop != null && loop.isHealthy();
    }
}
