package io.wharf.dispatcher.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.wharf.contracts.Hashes;
import io.wharf.supervisor.RunResult;
import io.wharf.supervisor.Workspace;

/**
 * The warm workers of this dispatcher: at most {@code maxWorkers} containers, each serving one {@link WorkerKey} and
 * one execution at a time. An idle worker of the right key is reused (the most recently used first, so that the
 * others idle out); a new one is started while there is room, or in place of the least recently used idle one. Idle
 * workers stop after {@code idleTimeout}. Containers a crashed dispatcher left behind are removed at start.
 */
public final class WarmPool implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WarmPool.class);
    /** The label of every warm worker's container; its value names the pool (its folder). */
    static final String LABEL = "wharf.io/warm-pool";

    private final ContainerExecutor containers;
    private final Path base;
    private final String pool;
    private final Duration idleTimeout;
    private final int maxWorkers;
    private final Map<WorkerKey, Deque<WarmWorker>> idle = new HashMap<>();
    private final Map<String, WarmWorker> running = new ConcurrentHashMap<>();
    /** The names of the workers this pool started (any other of its label is an earlier run's). */
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService reaper;
    private int workers;
    private boolean closed;

    /**
     * @param base the pool's own folder: emptied at start, one folder per worker in it
     */
    public WarmPool(ContainerExecutor containers, Path base, Duration idleTimeout, int maxWorkers)
            throws IOException {
        this.containers = containers;
        this.base = base;
        this.pool = Hashes.sha256Hex(base.toAbsolutePath().toString()).substring(0, 16);
        this.idleTimeout = idleTimeout;
        this.maxWorkers = maxWorkers;
        if (Files.exists(base)) {
            Workspace.deleteTree(base);
        }
        Files.createDirectories(base);
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "warm-pool-reaper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, Math.min(idleTimeout.toMillis() / 2, 10_000));
        // off the dispatcher's start: the engine takes a while to list its containers
        reaper.execute(this::removeLeftovers);
        reaper.scheduleWithFixedDelay(this::stopIdle, period, period, TimeUnit.MILLISECONDS);
    }

    /** Carries out the execution on a warm worker; null when every worker is busy and none may be added. */
    RunResult run(ExecutionRequest request) throws IOException, InterruptedException {
        WarmWorker worker = acquire(request);
        if (worker == null) {
            return null;
        }
        boolean reusable = false;
        running.put(request.executionId(), worker);
        try {
            RunResult result = worker.run(request);
            reusable = worker.usable();
            return result;
        } finally {
            running.remove(request.executionId());
            release(worker, reusable);
        }
    }

    /** Removes the worker that runs the execution, if one does (the execution was cancelled). */
    void cancel(String executionId) {
        WarmWorker worker = running.get(executionId);
        if (worker != null) {
            worker.cancel();
        }
    }

    /** How many workers run (idle or busy). */
    public synchronized int size() {
        return workers;
    }

    private WarmWorker acquire(ExecutionRequest request) throws IOException {
        WorkerKey key = WorkerKey.of(request);
        List<WarmWorker> gone = new ArrayList<>();
        WarmWorker found = null;
        boolean full = false;
        synchronized (this) {
            if (closed) {
                return null;
            }
            Deque<WarmWorker> ready = idle.getOrDefault(key, new ArrayDeque<>());
            while (found == null && !ready.isEmpty()) {
                WarmWorker candidate = ready.pop();
                if (candidate.usable()) {
                    found = candidate;
                } else {
                    // its container ended while it idled
                    workers--;
                    gone.add(candidate);
                }
            }
            if (found == null) {
                if (workers < maxWorkers) {
                    workers++;
                } else {
                    WarmWorker evicted = leastRecentlyUsedIdle();
                    if (evicted == null) {
                        full = true;
                    } else {
                        gone.add(evicted);
                    }
                }
            }
        }
        gone.forEach(WarmWorker::stop);
        if (full) {
            return null;
        }
        if (found != null) {
            return found;
        }
        String name = WarmWorker.newName();
        started.add(name);
        try {
            return WarmWorker.start(containers, request, Files.createTempDirectory(base, "worker-"), pool, name);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                workers--;
            }
            throw e;
        }
    }

    private void release(WarmWorker worker, boolean reusable) {
        synchronized (this) {
            if (reusable && !closed) {
                idle.computeIfAbsent(worker.key(), k -> new ArrayDeque<>()).push(worker);
                return;
            }
            workers--;
        }
        worker.stop();
    }

    /** Takes the least recently used idle worker out of the pool (its slot goes to the caller); null when none. */
    private WarmWorker leastRecentlyUsedIdle() {
        return idle.values()
                .stream()
                .flatMap(Deque::stream)
                .min(Comparator.comparingLong(WarmWorker::lastUsed))
                .map(w -> {
                    idle.get(w.key()).remove(w);
                    return w;
                })
                .orElse(null);
    }

    /** Stops the workers idle for longer than the idle timeout. */
    void stopIdle() {
        List<WarmWorker> expired = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            for (Deque<WarmWorker> ready : idle.values()) {
                ready.removeIf(w -> {
                    boolean old = now - w.lastUsed() >= idleTimeout.toNanos();
                    if (old) {
                        expired.add(w);
                    }
                    return old;
                });
            }
            idle.values().removeIf(Deque::isEmpty);
            workers -= expired.size();
        }
        for (WarmWorker w : expired) {
            LOG.debugf("warm worker %s idle for %s: stopping it", w.name(), idleTimeout);
            w.stop();
        }
    }

    @Override
    public void close() {
        List<WarmWorker> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(all::addAll);
            idle.clear();
            workers -= all.size();
        }
        reaper.shutdownNow();
        all.forEach(WarmWorker::stop);
    }

    /** Removes the workers of this pool's label that this pool did not start: an earlier run's, left by a crash. */
    private void removeLeftovers() {
        try {
            String names = containers.engineCommand(List.of("ps", "--all", "--format", "{{.Names}}", "--filter",
                    "label=" + LABEL + "=" + pool));
            for (String name : names.strip().split("\\s+")) {
                if (!name.isBlank() && !started.contains(name)) {
                    LOG.infof("removing warm worker container %s left by an earlier run", name);
                    containers.remove(name);
                }
            }
        } catch (IOException e) {
            LOG.warnf("cannot list the warm workers an earlier run may have left: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
