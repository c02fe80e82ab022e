package io.wharf.jetstream;

import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;

/**
 * The one way Wharf's services consume a JetStream stream: a thread that pulls from a durable consumer, never more
 * messages than it has free slots, and hands each to a handler on the given executor. A slot is taken before a
 * message is fetched and given back when its handler returns, so a busy service leaves its messages in the stream
 * for another instance. A failing fetch (NATS restarting) is retried every second, counted for health checks.
 * Handlers ack, nak or keep messages alive themselves.
 */
public final class PullLoop {

    private static final Logger LOG = Logger.getLogger(PullLoop.class);
    private static final Duration FETCH_WAIT = Duration.ofSeconds(1);
    /** Failed fetches in a row after which the loop reports itself unhealthy. */
    private static final int UNHEALTHY_AFTER = 30;

    private final String name;
    private final JetStreamSubscription subscription;
    private final Semaphore slots;
    private final int slotCount;
    private final Executor handlers;
    private final Consumer<Message> handler;
    private final AtomicInteger fetchFailures = new AtomicInteger();
    private volatile boolean running = true;
    private final Thread thread;
    private final Duration fetchWait;

    private PullLoop(String name, JetStreamSubscription subscription, int slots, Executor handlers,
            Consumer<Message> handler, Duration fetchWait) {
        this.name = name;
        this.fetchWait = fetchWait;
        this.subscription = subscription;
        this.slots = new Semaphore(slots);
        this.slotCount = slots;
        this.handlers = handlers;
        this.handler = handler;
        this.thread = new Thread(this::pull, name);
        this.thread.setDaemon(true);
    }

    /**
     * Creates (or updates) the durable consumer and starts pulling from it.
     *
     * @param slots how many messages may be handled at once
     * @param handlers where handlers run: a pool of {@code slots} threads, or {@code Runnable::run} to handle each
     *        message on the loop's own thread
     */
    public static PullLoop start(Connection connection, String stream, ConsumerConfiguration consumer, int slots,
            Executor handlers, Consumer<Message> handler) {
        return start(connection, stream, consumer, slots, handlers, handler, FETCH_WAIT);
    }

    /** @param fetchWait how long one pull request waits for messages before the next is made */
    static PullLoop start(Connection connection, String stream, ConsumerConfiguration consumer, int slots,
            Executor handlers, Consumer<Message> handler, Duration fetchWait) {
        try {
            connection.jetStreamManagement().addOrUpdateConsumer(stream, consumer);
            JetStreamSubscription subscription = connection.jetStream()
                    .subscribe(null, PullSubscribeOptions.bind(stream, consumer.getDurable()));
            PullLoop loop = new PullLoop("wharf-pull-" + consumer.getDurable(), subscription, slots, handlers,
                    handler, fetchWait);
            loop.thread.start();
            return loop;
        } catch (IOException | JetStreamApiException e) {
            throw new StoreException("cannot consume " + stream + " as " + consumer.getDurable(), e);
        }
    }

    /** Stops pulling; messages being handled are left to their handlers. */
    public void stop() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(fetchWait.multipliedBy(3).toMillis());
    }

    /** Slots free for another message. */
    public int freeSlots() {
        return slots.availablePermits();
    }

    /** Messages being handled now. */
    public int busySlots() {
        return slotCount - slots.availablePermits();
    }

    /** Whether the loop is alive and reaching NATS. */
    public boolean isHealthy() {
        return thread.isAlive() && fetchFailures.get() < UNHEALTHY_AFTER;
    }

    private void pull() {
        while (running) {
            int taken;
            try {
                slots.acquire();
                taken = 1 + drainUpTo(slotCount - 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            int received = 0;
            try {
                // each message is handed over as it arrives: waiting for the batch to fill would hold the first
                // of them back until the pull expires
                Iterator<Message> messages = subscription.iterate(taken, fetchWait);
                while (messages.hasNext()) {
                    Message message = messages.next();
                    received++;
                    dispatch(message);
                }
                fetchFailures.set(0);
            } catch (RuntimeException e) {
                slots.release(taken - received);
                if (running) {
                    fetchFailures.incrementAndGet();
                    LOG.warnf("%s: fetch failed, retrying: %s", name, e.getMessage());
                    pause();
                }
                continue;
            }
            slots.release(taken - received);
        }
    }

    private int drainUpTo(int more) {
        int taken = 0;
        while (taken < more && slots.tryAcquire()) {
            taken++;
        }
        return taken;
    }

    private void dispatch(Message message) {
        try {
            handlers.execute(() -> {
                try {
                    handler.accept(message);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "%s: unexpected failure handling %s; it will be delivered again", name,
                            message.getSubject());
                } finally {
                    slots.release();
                }
            });
        } catch (RuntimeException rejected) {
            // the executor is shutting down: the message is delivered again after its ack wait
            slots.release();
        }
    }

    private void pause() {
        try {
            Thread.sleep(FETCH_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
