package io.wharf.gateway.onedata;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.ProviderRef;
import io.wharf.contracts.function.StorageIO;
import io.wharf.contracts.function.StorageProviders.OnedataProvider;
import io.wharf.contracts.onedata.OnedataWatch;
import io.wharf.contracts.onedata.WatchStatus;
import io.wharf.jetstream.FunctionStore;
import io.wharf.jetstream.OnedataStores;
import io.wharf.jetstream.Versioned;

/**
 * Registers each function's Onedata input folders with onetrigger ({@link OnedataStores.Watches}), and shows how
 * onetrigger's watch is doing ({@link OnedataStores.Statuses}). A folder keeps the {@code since} it was first watched
 * from across updates, so files stored before it became an input are never announced, and none after.
 */
@ApplicationScoped
public class OnedataWatches {

    private static final Logger LOG = Logger.getLogger(OnedataWatches.class);

    /** A folder onetrigger has not reported on yet. */
    public static final String PENDING = "pending";

    private final OnedataStores.Watches watches;
    private final OnedataStores.Statuses statuses;
    private final OnedataStores.Announced announced;
    private final FunctionStore functions;

    public OnedataWatches(Connection connection, FunctionStore functions) {
        this.functions = functions;
        this.watches = new OnedataStores.Watches(connection);
        this.statuses = new OnedataStores.Statuses(connection);
        this.announced = new OnedataStores.Announced(connection);
    }

    /** Registers (or updates, or withdraws) the watch of a stored function, its token as sealed in it. */
    public void register(FunctionDefinition fn) {
        Optional<OnedataWatch> stored = watches.get(fn.name());
        Optional<OnedataWatch> current = stored.filter(w -> w.uid().equals(fn.uid()));
        Optional<OnedataWatch> wanted = watchOf(fn, current, Instant.now());
        if (wanted.isEmpty()) {
            if (stored.isPresent()) {
                remove(fn.name());
            }
            return;
        }
        if (!wanted.equals(current)) {
            watches.put(wanted.get());
            LOG.infof("function=%s onetrigger watches %s", fn.name(), wanted.get().folders());
        }
    }

    /** Withdraws a deleted function's watch and forgets what was announced for it. */
    public void remove(String function) {
        watches.delete(function);
        statuses.delete(function);
        announced.forget(function);
    }

    /**
     * Brings the watches in line with the stored functions (a create or delete that stopped half way). Each function
     * is read again just before its watch is written or withdrawn: one created, replaced or deleted during the round
     * keeps the watch its own request gave it.
     */
    public void reconcile(Collection<FunctionDefinition> listed) {
        Set<String> names = new HashSet<>();
        for (FunctionDefinition fn : listed) {
            names.add(fn.name());
            functions.get(fn.name())
                    .map(Versioned::value)
                    .filter(now -> java.util.Objects.equals(now.uid(), fn.uid()))
                    .ifPresent(this::register);
        }
        for (String function : watches.functions()) {
            if (!names.contains(function) && functions.get(function).isEmpty()) {
                remove(function);
            }
        }
    }

    /** How the function's Onedata inputs are watched: one entry per folder, {@link #PENDING} until reported. */
    public List<WatchStatus.Folder> statusOf(FunctionDefinition fn) {
        Optional<WatchStatus> reported = statuses.get(fn.name()).filter(s -> s.uid().equals(fn.uid()));
        List<WatchStatus.Folder> folders = new ArrayList<>();
        for (OnedataWatch.Folder folder : watches.get(fn.name())
                .filter(w -> w.uid().equals(fn.uid()))
                .map(OnedataWatch::folders)
                .orElse(List.of())) {
            String name = folder.space() + "/" + folder.path();
            folders.add(reported.flatMap(r -> r.folders()
                    .stream()
                    .filter(f -> f.providerId().equals(folder.providerId()) && f.folder().equals(name))
                    .findFirst())
                    .orElse(new WatchStatus.Folder(folder.providerId(), name, PENDING, null, folder.since(), 0)));
        }
        return folders;
    }

    /** The watch a function needs: one folder per Onedata input; empty when it has none. */
    static Optional<OnedataWatch> watchOf(FunctionDefinition fn, Optional<OnedataWatch> current, Instant now) {
        List<OnedataWatch.Folder> folders = new ArrayList<>();
        for (StorageIO in : fn.input()) {
            ProviderRef ref = in.provider();
            if (ref == null || !ProviderRef.ONEDATA.equals(ref.type())) {
                continue;
            }
            OnedataProvider p = fn.storageProviders().onedata().get(ref.id());
            OnedataWatch.Folder folder = new OnedataWatch.Folder(ref.id(), p.oneproviderHost(), p.space(),
                    in.trimmedPath(), p.token(), now);
            Instant since = current.stream()
                    .flatMap(w -> w.folders().stream())
                    .filter(f -> f.sameFolderAs(folder))
                    .map(OnedataWatch.Folder::since)
                    .findFirst()
                    .orElse(now);
            folders.add(folder.watchedSince(since));
        }
        return folders.isEmpty()
                ? Optional.empty()
                : Optional.of(new OnedataWatch(fn.name(), fn.uid(), fn.owner(), folders));
    }
}
