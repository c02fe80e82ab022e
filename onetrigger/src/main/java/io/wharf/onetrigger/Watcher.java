package io.wharf.onetrigger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.contracts.onedata.OnedataWatch;
import io.wharf.contracts.onedata.Oneprovider;
import io.wharf.contracts.onedata.WatchStatus;
import io.wharf.jetstream.OnedataStores;
import io.wharf.supervisor.EndpointGuard;

/**
 * Keeps one {@link FolderWatcher} per watched folder, following the watches bucket: a function created, changed (a new
 * token, another folder) or deleted changes the watchers at once. Each folder is looked at every poll interval (sooner
 * while a new file settles, at once when the space's changes stream names a file below it); one that fails is looked
 * at again after a wait that doubles up to the configured maximum, and never given up on. How each function's folders
 * are doing is written to the status bucket whenever it changes.
 */
@ApplicationScoped
public class Watcher {

    private static final Logger LOG = Logger.getLogger(Watcher.class);

    private final OnetriggerConfig.Onetrigger config;
    private final OnedataStores.Watches watches;
    private final OnedataStores.Announced announced;
    private final OnedataStores.Statuses statuses;
    private final GatewayAnnouncer announcer;
    private final SecretCipher cipher;
    private final EndpointGuard guard;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService timer;
    /** Watch changes are applied here, in order, off the NATS connection's thread (they write the status bucket). */
    private final ExecutorService changes = daemons("wharf-onetrigger-watches", 1);
    /** One thread per open changes stream (each blocks reading its stream). */
    private final ExecutorService streams = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "wharf-onetrigger-changes");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Running> running = new HashMap<>();
    private final AtomicBoolean caughtUp = new AtomicBoolean();

    /** A function's watched folders and what was last reported. */
    private static final class Running {

        final OnedataWatch watch;
        final List<Folder> folders = new ArrayList<>();
        final List<WatchStatus.Folder> unwatchable = new ArrayList<>();
        volatile boolean stopped;
        WatchStatus reported;

        Running(OnedataWatch watch) {
            this.watch = watch;
        }
    }

    /** One folder: its watcher, its next look, its changes stream; guarded by the {@link Watcher}. */
    private static final class Folder {

        final FolderWatcher watcher;
        ChangesStream stream;
        ScheduledFuture<?> next;
        Duration backoff;
        /** A look is under way; a change reported meanwhile ({@link #dirty}) makes it look again at once. */
        boolean looking;
        boolean dirty;

        Folder(FolderWatcher watcher, Duration backoff) {
            this.watcher = watcher;
            this.backoff = backoff;
        }
    }

    public Watcher(OnetriggerConfig config, OnedataStores.Watches watches, OnedataStores.Announced announced,
            OnedataStores.Statuses statuses, GatewayAnnouncer announcer, SecretCipher cipher, EndpointGuard guard) {
        this.config = config.onetrigger();
        this.watches = watches;
        this.announced = announced;
        this.statuses = statuses;
        this.announcer = announcer;
        this.cipher = cipher;
        this.guard = guard;
        this.timer = Executors.newScheduledThreadPool(Math.max(1, this.config.threads()), r -> {
            Thread t = new Thread(r, "wharf-onetrigger");
            t.setDaemon(true);
            return t;
        });
    }

    private static ExecutorService daemons(String name, int threads) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    void start(@Observes StartupEvent event) {
        watches.watchAll((function, watch) -> changes.execute(() -> changed(function, watch)),
                () -> changes.execute(() -> {
                    caughtUp.set(true);
                    LOG.infof("watching the Onedata folders of %d function(s)", functions());
                }));
    }

    /** Whether the current watches were all read (readiness). */
    public boolean caughtUp() {
        return caughtUp.get();
    }

    /** How many functions are watched. */
    public synchronized int functions() {
        return running.size();
    }

    @PreDestroy
    synchronized void stop() {
        running.values().forEach(this::halt);
        changes.shutdownNow();
        streams.shutdownNow();
        timer.shutdownNow();
    }

    private synchronized void changed(String function, Optional<OnedataWatch> watch) {
        Running previous = running.remove(function);
        if (previous != null) {
            halt(previous);
        }
        if (watch.isEmpty()) {
            LOG.infof("function=%s no longer watched", function);
            return;
        }
        Running now = new Running(watch.get());
        for (OnedataWatch.Folder folder : watch.get().folders()) {
            String why = null;
            try {
                String token = cipher.open(folder.token(), OnedataWatch.tokenContext(watch.get().uid(),
                        folder.providerId()));
                // the address is checked at every connection (the guard's DNS): a name that does not resolve yet
                // is a failing look, tried again, not a folder given up on
                String base = Oneprovider.baseUrl(folder.oneproviderHost());
                why = "the Oneprovider's address cannot be used: " + folder.oneproviderHost();
                OneproviderFiles files = new OneproviderFiles(base, folder.space(), token, guard.client(),
                        config.callTimeout());
                Folder watched = new Folder(new FolderWatcher(watch.get(), folder, new FolderWatcher.Parts(files,
                        new Settling(config.stableFor()), announced, announcer, config.maxDepth(),
                        config.clockSkew(), clock)), config.pollInterval());
                watched.stream = new ChangesStream(base, folder.space(), folder.path(), token, guard.client(),
                        () -> wake(now, watched), config.maxBackoff());
                now.folders.add(watched);
            } catch (IllegalArgumentException e) {
                why = why != null ? why : "the token cannot be opened (sealed for another function?)";
                LOG.warnf("function=%s folder %s cannot be watched: %s", function, folder, why);
                now.unwatchable.add(FolderWatcher.failing(folder, why, clock.instant()));
            }
        }
        running.put(function, now);
        LOG.infof("function=%s watching %s", function, watch.get().folders());
        report(now);
        for (Folder folder : now.folders) {
            schedule(now, folder, Duration.ZERO);
            streams.execute(folder.stream);
        }
    }

    private void halt(Running owner) {
        owner.stopped = true;
        for (Folder folder : owner.folders) {
            if (folder.next != null) {
                folder.next.cancel(false);
            }
            folder.stream.stop();
        }
    }

    /** Looks at the folder after {@code delay}, instead of whenever it was to be looked at next. */
    private synchronized void schedule(Running owner, Folder folder, Duration delay) {
        if (owner.stopped || timer.isShutdown()) {
            return;
        }
        if (folder.next != null) {
            folder.next.cancel(false);
        }
        folder.next = timer.schedule(() -> lookAt(owner, folder), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A change below the folder: look now. While a look is under way, the change is noted instead, and the folder is
     * looked at once more a settling time after that look: looks of a folder never overlap, and a stream of changes
     * never queues more than one.
     */
    private synchronized void wake(Running owner, Folder folder) {
        if (folder.looking) {
            folder.dirty = true;
            return;
        }
        schedule(owner, folder, Duration.ZERO);
    }

    private void lookAt(Running owner, Folder folder) {
        synchronized (this) {
            if (folder.looking) {
                folder.dirty = true;
                return;
            }
            folder.looking = true;
            folder.dirty = false;
        }
        WatchStatus.Folder status;
        boolean settling;
        synchronized (folder.watcher) {
            try {
                status = folder.watcher.look();
            } catch (RuntimeException e) {
                LOG.errorf(e, "function=%s: unexpected failure looking at a folder", owner.watch.function());
                status = folder.watcher.status();
            }
            settling = folder.watcher.settling();
        }
        report(owner);
        Duration next;
        synchronized (this) {
            folder.looking = false;
            Duration soon = config.stableFor().compareTo(config.pollInterval()) < 0
                    ? config.stableFor()
                    : config.pollInterval();
            if (folder.dirty && WatchStatus.WATCHING.equals(status.state())) {
                // changed during the look (an upload under way writes many): once more when a file may have
                // settled, not at once, so a busy folder costs one look per settling time
                folder.dirty = false;
                next = soon;
            } else if (WatchStatus.WATCHING.equals(status.state())) {
                folder.backoff = config.pollInterval();
                // a file waiting to settle is looked at again as soon as it may have
                next = settling ? soon : config.pollInterval();
            } else {
                next = folder.backoff;
                Duration doubled = folder.backoff.multipliedBy(2);
                folder.backoff = doubled.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : doubled;
            }
        }
        schedule(owner, folder, next);
    }

    /** Writes the function's status when it changed (a state, an error, a count). */
    private void report(Running owner) {
        WatchStatus status;
        synchronized (owner) {
            List<WatchStatus.Folder> folders = new ArrayList<>(owner.unwatchable);
            owner.folders.forEach(f -> folders.add(f.watcher.status()));
            status = new WatchStatus(owner.watch.function(), owner.watch.uid(), folders);
            if (owner.stopped || status.equals(owner.reported)) {
                return;
            }
            owner.reported = status;
        }
        try {
            statuses.put(status);
        } catch (RuntimeException e) {
            LOG.warnf("function=%s status not written: %s", owner.watch.function(), e.getMessage());
        }
    }
}
