package io.wharf.gateway.storage;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.quarkus.runtime.StartupEvent;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.storage.StorageCredentials;
import io.wharf.gateway.GatewayConfig;
import io.wharf.gateway.onedata.OnedataWatches;
import io.wharf.jetstream.BucketOwners;
import io.wharf.jetstream.ConflictException;
import io.wharf.jetstream.CredentialStore;
import io.wharf.jetstream.FunctionStore;
import io.wharf.jetstream.Versioned;

/**
 * Brings MinIO in line with the stored functions, whatever order earlier changes were made in or where they failed:
 * every function has a uid, its buckets recorded as its owner's and keys of its own; no keys outlive their function
 * (neither a stored grant without its function nor a MinIO service account without a stored grant); every bucket's
 * notification rules are those the stored functions need;
 * every user's policy is recomputed from the functions as they are now. Runs at start (which also upgrades functions
 * stored before per-user storage existed) and every {@code wharf.gateway.storage-reconcile-interval}. A failure
 * (MinIO down) is logged and the next round tries again.
 */
@ApplicationScoped
public class StorageReconciler {

    private static final Logger LOG = Logger.getLogger(StorageReconciler.class);

    private final FunctionStore functions;
    private final CredentialStore grants;
    private final CredentialStore users;
    private final BucketOwnership buckets;
    private final FunctionStorage functionStorage;
    private final UserStorage userStorage;
    private final GatewayConfig config;
    private final MinioIam iam;
    private final StorageSetup setup;
    private final BucketOwners owners;
    private final OnedataWatches onedataWatches;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wharf-storage-reconciler");
        t.setDaemon(true);
        return t;
    });

    public StorageReconciler(Connection connection, FunctionStore functions, BucketOwnership buckets,
            FunctionStorage functionStorage, UserStorage userStorage, GatewayConfig config, MinioIam iam,
            StorageSetup setup, OnedataWatches onedataWatches) {
        this.onedataWatches = onedataWatches;
        this.functions = functions;
        this.grants = CredentialStore.functions(connection);
        this.users = CredentialStore.users(connection);
        this.buckets = buckets;
        this.functionStorage = functionStorage;
        this.userStorage = userStorage;
        this.config = config;
        this.iam = iam;
        this.setup = setup;
        this.owners = new BucketOwners(connection);
    }

    void start(@Observes StartupEvent event) {
        long every = config.gateway().storageReconcileInterval().toMillis();
        timer.scheduleWithFixedDelay(this::reconcileQuietly, 0, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.warnf("storage reconciliation failed (%s); the next round tries again", e.getMessage());
        }
    }

    /** One round; public for tests and operators' tools. */
    public synchronized void reconcile() {
        for (Versioned<FunctionDefinition> stored : functions.list()
                .stream()
                .map(f -> functions.get(f.name()))
                .flatMap(java.util.Optional::stream)
                .toList()) {
            FunctionDefinition fn = stored.value();
            if (fn.owner() == null) {
                continue;
            }
            try {
                if (fn.uid() == null) {
                    fn = fn.managedBy(fn.owner(), fn.token(), FunctionStorage.newUid(), fn.revision());
                    functions.update(fn, stored.revision());
                    LOG.infof("function=%s given a uid", fn.name());
                }
                buckets.adopt(fn);
                if (!StoragePolicies.usesPlatformStorage(fn)) {
                    // a function on other stores only (Onedata, S3) has no keys of the platform's MinIO
                    functionStorage.revoke(fn.name());
                } else if (!functionStorage.issuedFor(fn)) {
                    functionStorage.issue(fn);
                    LOG.infof("function=%s given its own storage credentials", fn.name());
                }
            } catch (ConflictException changedMeanwhile) {
                LOG.debugf("function=%s changed during reconciliation; next round", fn.name());
            } catch (RuntimeException e) {
                LOG.warnf("function=%s storage not reconciled: %s", fn.name(), e.getMessage());
            }
        }
        try {
            // onetrigger's watches, as the functions are stored now (not MinIO's business: done even when it is down)
            onedataWatches.reconcile(functions.list());
        } catch (RuntimeException e) {
            LOG.warnf("onedata watches not reconciled: %s", e.getMessage());
        }
        Map<String, FunctionDefinition> byName = functions.list()
                .stream()
                .collect(Collectors.toMap(FunctionDefinition::name, Function.identity()));
        for (StorageCredentials grant : grants.list()) {
            FunctionDefinition fn = byName.get(grant.holder());
            if (fn == null || fn.uid() == null || !fn.uid().equals(grant.uid())) {
                functionStorage.revoke(grant.holder(), grant.uid());
                LOG.infof("function=%s storage credentials of uid %s revoked: no such function", grant.holder(),
                        grant.uid());
            }
        }
        // keys MinIO holds that no stored grant names (issued, then the grant was lost): revoked
        Set<String> granted = grants.list().stream().map(StorageCredentials::accessKey).collect(Collectors.toSet());
        for (StorageCredentials user : users.list()) {
            for (String key : iam.serviceAccountsOf(user.accessKey())) {
                // read again before revoking: a function created meanwhile stores its grant before MinIO learns it
                if (!granted.contains(key) && grants.list().stream().noneMatch(g -> g.accessKey().equals(key))) {
                    iam.deleteServiceAccount(key);
                    LOG.infof("service account %s of %s revoked: no function holds it", key, user.holder());
                }
            }
        }
        Set<String> everyone = users.list().stream().map(StorageCredentials::holder).collect(Collectors.toSet());
        userStorage.refresh(List.copyOf(everyone));
        // every bucket's notification rules, derived from the functions as stored now
        List<FunctionDefinition> stored = functions.list();
        Set<String> buckets = new java.util.TreeSet<>(owners.all());
        stored.forEach(fn -> buckets.addAll(StorageSetup.inputBuckets(fn, null)));
        setup.reconcile(buckets, stored);
    }
}
