package io.wharf.gateway.api;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.wharf.build.context.GeneratedContexts;
import io.wharf.contracts.ValidationException;
import io.wharf.contracts.Violation;
import io.wharf.contracts.function.FdlReader;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.FunctionNames;
import io.wharf.contracts.function.FunctionValidator;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.gateway.build.Builds;
import io.wharf.gateway.ingest.FunctionRegistry;
import io.wharf.gateway.ingest.InputSweep;
import io.wharf.gateway.onedata.OnedataFolders;
import io.wharf.gateway.onedata.OnedataWatches;
import io.wharf.gateway.storage.BucketOwnership;
import io.wharf.gateway.storage.FunctionStorage;
import io.wharf.gateway.storage.StorageSetup;
import io.wharf.gateway.storage.UserStorage;
import io.wharf.jetstream.ConflictException;
import io.wharf.jetstream.FunctionStore;
import io.wharf.jetstream.Versioned;

/**
 * Function CRUD: validation, ownership, the storage a function needs, and the definition in the functions bucket,
 * its secrets sealed ({@link SecretCipher}). A user sees the functions they own or that are shared with them
 * ({@code visibility}); to anyone else a function does not exist (404). Only the owner changes or deletes a function
 * (403 for the users it is shared with): its script runs with the owner's secrets and storage. A function reads and
 * writes only its owner's buckets ({@link BucketOwnership}); its executions get credentials of their own
 * ({@link FunctionStorage}), and the MinIO policies of the users it is shared with follow its visibility. A function
 * with Onedata locations is stored only once its token opens the space and its folders exist ({@link OnedataFolders});
 * its Onedata inputs are then registered with onetrigger ({@link OnedataWatches}).
 */
@ApplicationScoped
public class FunctionService {

    private static final Logger LOG = Logger.getLogger(FunctionService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final FunctionStore store;
    private final SecretCipher cipher;
    private final StorageSetup storage;
    private final FunctionRegistry registry;
    private final FunctionRemoval removal;
    private final BucketOwnership buckets;
    private final FunctionStorage grants;
    private final UserStorage users;
    private final InputSweep sweep;
    private final ImagePolicy images;
    private final OnedataFolders onedataFolders;
    private final OnedataWatches onedataWatches;
    private final Builds builds;

    public FunctionService(FunctionStore store, StorageSetup storage, FunctionRegistry registry, SecretCipher cipher,
            FunctionRemoval removal, BucketOwnership buckets, FunctionStorage grants, UserStorage users,
            InputSweep sweep, ImagePolicy images, OnedataFolders onedataFolders, OnedataWatches onedataWatches,
            Builds builds) {
        this.builds = builds;
        this.images = images;
        this.onedataFolders = onedataFolders;
        this.onedataWatches = onedataWatches;
        this.store = store;
        this.cipher = cipher;
        this.storage = storage;
        this.registry = registry;
        this.removal = removal;
        this.buckets = buckets;
        this.grants = grants;
        this.users = users;
        this.sweep = sweep;
    }

    /** @throws ApiException 409 when a function of that name exists */
    public FunctionDefinition create(String body, String user) {
        FunctionDefinition requested = read(body);
        if (store.get(requested.name()).isPresent()) {
            throw new ApiException(409, "Conflict", "a function named '" + requested.name() + "' already exists");
        }
        String token = requested.token() == null || requested.token().isBlank() ? randomHex(32) : requested.token();
        FunctionDefinition fn = requested.managedBy(user, token, FunctionStorage.newUid(), 1).sealed(cipher);
        fn = built(fn, user);
        builds.checkOwnImage(fn.image(), user, "image");
        // Onedata first: a function whose token or provider cannot be used claims no bucket
        onedataFolders.prepare(fn.opened(cipher));
        buckets.claimFor(fn, user);
        storage.ensureBuckets(fn);
        try {
            store.create(fn);
        } catch (ConflictException e) {
            throw new ApiException(409, "Conflict", "a function named '" + fn.name() + "' already exists");
        }
        registry.remember(fn);
        sweep.register(fn);
        onedataWatches.register(fn);
        storage.rulesFor(fn, null, store.list());
        // only the creator that won the name gets keys for it (a failure here is repaired by the StorageReconciler)
        grants.issue(fn);
        users.refresh(users.affectedBy(fn, null));
        LOG.infof("function=%s created by %s", fn.name(), user);
        return fn;
    }

    /**
     * Replaces a function's definition; its owner, uid and, unless a new one is given, its token are kept.
     *
     * @param pathName the name in the URL, or {@code null} (OSCAR's clients PUT to {@code /system/services})
     */
    public FunctionDefinition update(String body, String pathName, String user) {
        FunctionDefinition requested = read(body);
        if (pathName != null && !pathName.equals(requested.name())) {
            throw ApiException.badRequest("the name in the body ('" + requested.name()
                    + "') differs from the name in the path ('" + pathName + "')");
        }
        Versioned<FunctionDefinition> current = owned(requested.name(), user);
        String token = requested.token() == null || requested.token().isBlank()
                ? current.value().token()
                : requested.token();
        String uid = current.value().uid() != null ? current.value().uid() : FunctionStorage.newUid();
        FunctionDefinition fn = requested.keepingRedactedSecretsOf(current.value())
                .managedBy(current.value().owner(), token, uid, current.value().nextRevision())
                .sealed(cipher);
        fn = built(fn, current.value().owner());
        builds.checkOwnImage(fn.image(), current.value().owner(), "image");
        onedataFolders.prepare(fn.opened(cipher));
        buckets.claimFor(fn, current.value().owner());
        storage.ensureBuckets(fn);
        try {
            store.update(fn, current.revision());
        } catch (ConflictException e) {
            throw new ApiException(409, "Conflict", "function '" + fn.name() + "' changed meanwhile; read it again");
        }
        registry.remember(fn);
        sweep.register(fn);
        onedataWatches.register(fn);
        storage.rulesFor(fn, current.value(), store.list());
        grants.issue(fn);
        users.refresh(users.affectedBy(fn, current.value()));
        LOG.infof("function=%s updated by %s", fn.name(), user);
        return fn;
    }

    /**
     * Deletes a function with everything it left: storage keys, queued work, executions, logs, dead letters, storage
     * rules. The definition goes last, so a delete that fails half way can be repeated.
     */
    public void delete(String name, String user) {
        Versioned<FunctionDefinition> current = owned(name, user);
        grants.revoke(name);
        onedataWatches.remove(name);
        removal.removeTracesOf(name);
        store.delete(name);
        registry.forget(name);
        storage.rulesFor(current.value(), null, store.list());
        users.refresh(users.affectedBy(current.value(), null));
        LOG.infof("function=%s deleted by %s", name, user);
    }

    public List<FunctionDefinition> list(String user) {
        return store.list().stream().filter(fn -> fn.isVisibleTo(user)).toList();
    }

    /** The function, whoever may see it (for a caller already authorised, e.g. by the function's token). */
    public Optional<FunctionDefinition> get(String name) {
        return FunctionNames.isValid(name) ? store.get(name).map(Versioned::value) : Optional.empty();
    }

    /** @throws ApiException 404 when the function does not exist or the user may not see it */
    public Versioned<FunctionDefinition> visible(String name, String user) {
        if (!FunctionNames.isValid(name)) {
            throw notFound(name);
        }
        return store.get(name).filter(v -> v.value().isVisibleTo(user)).orElseThrow(() -> notFound(name));
    }

    /** @throws ApiException 404 as {@link #visible}, 403 when the user may see the function but does not own it */
    public Versioned<FunctionDefinition> owned(String name, String user) {
        Versioned<FunctionDefinition> fn = visible(name, user);
        if (!fn.value().isOwnedBy(user)) {
            throw new ApiException(403, "Forbidden", "function '" + name + "' is shared with you; only its owner ("
                    + fn.value().owner() + ") may change or delete it");
        }
        return fn;
    }

    /**
     * A definition from a client: valid, holding no value in the sealed format (only Wharf seals), its image from a
     * repository the platform allows.
     */
    private FunctionDefinition read(String body) {
        FunctionDefinition fn = FdlReader.readOne(body);
        List<Violation> violations = FunctionValidator.validateClientSecrets(fn, "");
        if (!violations.isEmpty()) {
            throw new ValidationException(violations);
        }
        images.check(fn);
        return fn;
    }

    /**
     * A function with a build section runs on the image built from it: the build is asked for (once per content and
     * owner; an unchanged section asks for nothing new) and the function names its image. Executions wait for the
     * build ({@code BuildGate} in the dispatcher).
     */
    private FunctionDefinition built(FunctionDefinition fn, String owner) {
        if (fn.build() == null) {
            return fn;
        }
        Builds.Submitted submitted = builds.submit(GeneratedContexts.of(fn.build(), "build"), owner, "build",
                fn.build().kanikoFlags());
        return fn.withImage(submitted.build().image());
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("no function named '" + name + "'");
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
