package io.wharf.dispatcher.execution;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.wharf.contracts.Names;
import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.dispatcher.executor.ScriptExecutor;

/**
 * Pulls envelopes from the durable consumer {@value #DURABLE}, never more than there are free execution slots, and
 * hands each to the {@link ExecutionHandler} on a worker thread. Several dispatchers share the consumer.
 */
@ApplicationScoped
public class EventConsumer {

    public static final String DURABLE = "wharf-dispatcher";
    private static final Logger LOG = Logger.getLogger(EventConsumer.class);
    private static final Duration FETCH_WAIT = Duration.ofSeconds(1);

    private final Connection connection;
    private final ExecutionHandler handler;
    private final DispatcherConfig.Dispatcher config;
    private final ScriptExecutor executor;
    private final AtomicInteger fetchFailures = new AtomicInteger();
    private ExecutorService workers;
    private Semaphore slots;
    private volatile boolean running;
    private Thread loop;

    public EventConsumer(Connection connection, ExecutionHandler handler, DispatcherConfig config,
            ScriptExecutor executor) {
        this.connection = connection;
        this.handler = handler;
        this.config = config.dispatcher();
        this.executor = executor;
    }

    void start(@Observes StartupEvent event) throws IOException, JetStreamApiException {
        // max-deliver is enforced by the handler (it dead-letters on the last delivery); JetStream's own limit would
        // strand the envelope in the work queue without a trace, so it is unlimited here.
        // @formatter:off
        connection.jetStreamManagement().addOrUpdateConsumer(Names.EVENTS_STREAM, ConsumerConfiguration.builder()
                .durable(DURABLE)
                .filterSubject(Names.eventsWildcard())
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(config.ackWait())
                .maxDeliver(-1)
                .build());
        // @formatter:on
        JetStreamSubscription subscription = connection.jetStream()
                .subscribe(null, PullSubscribeOptions.bind(Names.EVENTS_STREAM, DURABLE));
        slots = new Semaphore(config.concurrency());
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(config.concurrency(),
                r -> new Thread(r, "wharf-exec-" + n.incrementAndGet()));
        running = true;
        loop = new Thread(() -> pull(subscription), "wharf-dispatch");
        loop.setDaemon(true);
        loop.start();
        LOG.infof("dispatching with the %s executor, %d slot(s)", executor.kind(), config.concurrency());
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        if (loop != null) {
            loop.interrupt();
            loop.join(FETCH_WAIT.multipliedBy(3).toMillis());
        }
        if (workers != null) {
            workers.shutdownNow();
            workers.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** Free execution slots, for the capacity report. */
    public int freeSlots() {
        return slots == null ? 0 : slots.availablePermits();
    }

    /** Whether the pull loop is alive and reaching NATS. */
    public boolean isHealthy() {
        return loop != null && loop.isAlive() && fetchFailures.get() < 30;
    }

    private void pull(JetStreamSubscription subscription) {
        while (running) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            List<Message> messages;
            try {
                messages = subscription.fetch(1, FETCH_WAIT);
                fetchFailures.set(0);
            } catch (RuntimeException e) {
                slots.release();
                if (running) {
                    fetchFailures.incrementAndGet();
                    LOG.warnf("fetch failed, retrying: %s", e.getMessage());
                    pause();
                }
                continue;
            }
            if (messages.isEmpty()) {
                slots.release();
                continue;
            }
            Message message = messages.get(0);
            workers.submit(() -> {
                try {
                    handler.handle(message);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "unexpected failure handling %s; it will be delivered again", message.getSubject());
                } finally {
                    slots.release();
                }
            });
        }
    }

    private static void pause() {
        try {
            Thread.sleep(FETCH_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
