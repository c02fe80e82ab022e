package io.wharf.onetrigger;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.wharf.contracts.ObjectKeys;
import io.wharf.contracts.onedata.OneTriggerEvent;
import io.wharf.contracts.onedata.OnedataWatch;
import io.wharf.contracts.onedata.WatchStatus;
import io.wharf.jetstream.OnedataStores;
import io.wharf.jetstream.StoreException;

/**
 * Watches one Onedata folder for one function. Each {@link #look} lists the folder and announces every file that is
 * new to this incarnation of the function, modified since the folder became its input, and settled; it is remembered
 * in the announced bucket right after the gateway took it, so a restart neither announces it again nor misses a file
 * that arrived meanwhile. A crash between the two makes the next look announce it again, which the gateway's
 * deterministic envelope id turns into a duplicate.
 */
final class FolderWatcher {

    private static final Logger LOG = Logger.getLogger(FolderWatcher.class);

    /** What onetrigger needs besides the folder: where to look and whom to tell. */
    record Parts(OneproviderFiles files, Settling settling, OnedataStores.Announced announced,
            GatewayAnnouncer announcer, int maxDepth, Clock clock) {
    }

    private final OnedataWatch watch;
    private final OnedataWatch.Folder folder;
    private final Parts parts;
    private final Set<String> known = new HashSet<>();
    private WatchStatus.Folder status;

    FolderWatcher(OnedataWatch watch, OnedataWatch.Folder folder, Parts parts) {
        this.watch = watch;
        this.folder = folder;
        this.parts = parts;
        this.status = new WatchStatus.Folder(folder.providerId(), name(), "pending", null, parts.clock().instant(),
                0);
    }

    /** A watcher that cannot look at all (its token cannot be opened, its host is refused): failing from the start. */
    static WatchStatus.Folder failing(OnedataWatch.Folder folder, String error, Instant now) {
        return new WatchStatus.Folder(folder.providerId(), folder.space() + "/" + folder.path(),
                WatchStatus.FAILING, error, now, 0);
    }

    /** @return how the folder is doing after this look */
    WatchStatus.Folder look() {
        try {
            List<OneproviderFiles.FileInfo> files = parts.files()
                    .files(folder.path(), parts.maxDepth(),
                            id -> !isKnown(id));
            parts.settling().keepOnly(files.stream().map(OneproviderFiles.FileInfo::id).collect(Collectors.toSet()));
            long announced = status.announced();
            for (OneproviderFiles.FileInfo file : files) {
                if (isKnown(file.id()) || file.size() < 0) {
                    continue;
                }
                if (file.mtime() >= 0 && file.mtime() < folder.since().getEpochSecond()) {
                    remember(file, false);
                    continue;
                }
                if (!parts.settling().settled(file.id(), file.size(), file.mtime(), parts.clock().instant())) {
                    continue;
                }
                parts.announcer()
                        .announce(watch.function(), OneTriggerEvent.of(folder.space(), file.path(),
                                file.id(), parts.clock().instant()));
                remember(file, true);
                announced++;
                LOG.infof("function=%s announced %s/%s (%d bytes)", watch.function(), folder.space(),
                        ObjectKeys.printable(file.path()), file.size());
            }
            return moveTo(WatchStatus.WATCHING, null, announced);
        } catch (GatewayAnnouncer.AnnounceException e) {
            return moveTo(WatchStatus.FAILING, "cannot announce a file: " + e.getMessage(), status.announced());
        } catch (IOException | StoreException e) {
            return moveTo(WatchStatus.FAILING, e.getMessage(), status.announced());
        }
    }

    WatchStatus.Folder status() {
        return status;
    }

    /** Whether a file found by the last look is waiting to settle. */
    boolean settling() {
        return parts.settling().waiting();
    }

    private boolean isKnown(String fileId) {
        if (known.contains(fileId)) {
            return true;
        }
        if (parts.announced().contains(watch.function(), watch.uid(), fileId)) {
            known.add(fileId);
            return true;
        }
        return false;
    }

    private void remember(OneproviderFiles.FileInfo file, boolean announced) {
        parts.announced()
                .remember(watch.function(), watch.uid(), new OnedataStores.Announced.File(file.path(),
                        file.id(), parts.clock().instant(), announced));
        known.add(file.id());
        parts.settling().forget(file.id());
    }

    private WatchStatus.Folder moveTo(String state, String error, long announced) {
        boolean changed = !state.equals(status.state()) || !java.util.Objects.equals(error, status.error());
        if (changed && WatchStatus.FAILING.equals(state)) {
            LOG.warnf("function=%s owner=%s folder %s: %s (trying again with back-off)", watch.function(),
                    watch.owner(), folder, error);
        } else if (changed && WatchStatus.FAILING.equals(status.state())) {
            LOG.infof("function=%s folder %s: watched again", watch.function(), folder);
        }
        Instant since = changed ? parts.clock().instant() : status.since();
        status = new WatchStatus.Folder(folder.providerId(), name(), state, error, since, announced);
        return status;
    }

    private String name() {
        return folder.space() + "/" + folder.path();
    }
}
