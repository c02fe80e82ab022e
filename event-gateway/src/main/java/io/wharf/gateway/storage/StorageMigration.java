package io.wharf.gateway.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.jetstream.FunctionStore;

/**
 * At start, gives functions stored before per-user storage existed what they now need: their buckets recorded as
 * their owner's, and credentials of their own for their executions. A failure (MinIO down) is logged and the next
 * start tries again; functions created or updated meanwhile get both anyway.
 */
@ApplicationScoped
public class StorageMigration {

    private static final Logger LOG = Logger.getLogger(StorageMigration.class);

    private final FunctionStore functions;
    private final BucketOwnership buckets;
    private final FunctionStorage grants;

    public StorageMigration(FunctionStore functions, BucketOwnership buckets, FunctionStorage grants) {
        this.functions = functions;
        this.buckets = buckets;
        this.grants = grants;
    }

    void start(@Observes StartupEvent event) {
        for (FunctionDefinition fn : functions.list()) {
            if (fn.owner() == null || fn.uid() == null || grants.issuedFor(fn)) {
                continue;
            }
            try {
                buckets.adopt(fn);
                grants.issue(fn);
                LOG.infof("function=%s given its own storage credentials", fn.name());
            } catch (RuntimeException e) {
                LOG.warnf("function=%s has no storage credentials yet (%s); the next start tries again", fn.name(),
                        e.getMessage());
            }
        }
    }
}
