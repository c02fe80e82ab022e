package io.wharf.onetrigger;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
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
import io.wharf.supervisor.EndpointGuard;

/**
 * Watches one Onedata folder for one function. Each {@link #look} lists the folder and announces every settled file
 * that is new to this incarnation of the function; it is remembered in the announced bucket right after the gateway
 * took it, so a restart neither announces it again nor misses a file that arrived meanwhile. A crash between the two
 * makes the next look announce it again, which the gateway's deterministic envelope id turns into a duplicate.
 * <p>
 * What was in the folder before it became the function's input is not the function's to process: the first look of
 * a watch (remembered in the same bucket) takes the files that changed last, content or place, more than the clock
 * skew before the watch's {@code since} as already there. After that first look, every file not seen before is new,
 * whatever its times (a file moved in keeps its old modification time).
 */
final class FolderWatcher {

    private static final Logger LOG = Logger.getLogger(FolderWatcher.class);

    /** What onetrigger needs besides the folder: where to look, whom to tell, how to tell old files. */
    record Parts(OneproviderFiles files, Settling settling, OnedataStores.Announced announced,
            GatewayAnnouncer announcer, int maxDepth, Duration clockSkew, Clock clock) {
    }

    private final OnedataWatch watch;
    private final OnedataWatch.Folder folder;
    private final Parts parts;
    /** The files of the folder known to be remembered (announced, or there before); only those still present. */
    private final Set<String> known = new HashSet<>();
    private final String baselineMarker;
    private boolean baselineTaken;
    private volatile WatchStatus.Folder status;

    FolderWatcher(OnedataWatch watch, OnedataWatch.Folder folder, Parts parts) {
        this.watch = watch;
        this.folder = folder;
        this.parts = parts;
        this.baselineMarker = "baseline:" + folder.providerId() + ":" + folder.space() + "/" + folder.path();
        this.status = new WatchStatus.Folder(folder.providerId(), name(), "pending", null, parts.clock().instant(),
                0);
    }

    /** A watcher that cannot look at all (its token cannot be opened): failing from the start. */
    static WatchStatus.Folder failing(OnedataWatch.Folder folder, String error, Instant now) {
        return new WatchStatus.Folder(folder.providerId(), folder.space() + "/" + folder.path(),
                WatchStatus.FAILING, error, now, 0);
    }

    /** @return how the folder is doing after this look */
    WatchStatus.Folder look() {
        try {
            boolean firstLook = !baselineTaken();
            List<OneproviderFiles.FileInfo> files = parts.files()
                    .files(folder.path(), parts.maxDepth(),
                            id -> !isKnown(id));
            Set<String> present = files.stream().map(OneproviderFiles.FileInfo::id).collect(Collectors.toSet());
            parts.settling().keepOnly(present);
            known.retainAll(present);
            long announced = status.announced();
            long before = folder.since().minus(parts.clockSkew()).getEpochSecond();
            for (OneproviderFiles.FileInfo file : files) {
                if (isKnown(file.id()) || file.size() < 0) {
                    continue;
                }
                if (firstLook && file.changed() >= 0 && file.changed() < before) {
                    remember(file, false);
                    LOG.debugf("function=%s %s/%s was there before the folder became its input", watch.function(),
                            folder.space(), ObjectKeys.printable(file.path()));
                    continue;
                }
                if (!parts.settling().settled(file.id(), file.size(), file.mtime(), parts.clock().instant())) {
                    continue;
                }
                if (announce(file)) {
                    announced++;
                }
            }
            if (firstLook) {
                parts.announced()
                        .remember(watch.function(), watch.uid(), new OnedataStores.Announced.File(
                                folder.path(), baselineMarker, parts.clock().instant(), false));
                baselineTaken = true;
            }
            return moveTo(WatchStatus.WATCHING, null, announced);
        } catch (GatewayAnnouncer.AnnounceException e) {
            return moveTo(WatchStatus.FAILING, "cannot announce a file: " + e.getMessage(), status.announced());
        } catch (EndpointGuard.ForbiddenEndpointException e) {
            // the address is the operator's business (logged), not the users' the function is shared with
            LOG.warnf("function=%s folder %s: %s", watch.function(), folder, e.getMessage());
            return moveTo(WatchStatus.FAILING, "the Oneprovider's address is loopback, link-local or private, which "
                    + "functions may not use on this platform", status.announced());
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

    /**
     * Announces a settled file and remembers it. A refusal that sending again cannot change (the gateway found the
     * event malformed) is logged and remembered, so one such file never holds up the rest of the folder.
     *
     * @return whether the gateway took it
     * @throws GatewayAnnouncer.AnnounceException when the gateway cannot take it now (down, overloaded)
     */
    private boolean announce(OneproviderFiles.FileInfo file) throws GatewayAnnouncer.AnnounceException {
        try {
            parts.announcer()
                    .announce(watch.function(), watch.uid(), OneTriggerEvent.of(folder.space(),
                            file.path(), file.id(), parts.clock().instant()));
        } catch (GatewayAnnouncer.AnnounceException e) {
            if (e.retryable()) {
                throw e;
            }
            LOG.errorf("function=%s %s/%s was refused by the gateway and will not be announced: %s",
                    watch.function(), folder.space(), ObjectKeys.printable(file.path()), e.getMessage());
            remember(file, false);
            return false;
        }
        remember(file, true);
        LOG.infof("function=%s announced %s/%s (%d bytes)", watch.function(), folder.space(),
                ObjectKeys.printable(file.path()), file.size());
        return true;
    }

    private boolean baselineTaken() {
        if (!baselineTaken) {
            baselineTaken = parts.announced().contains(watch.function(), watch.uid(), baselineMarker);
        }
        return baselineTaken;
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
