package io.wharf.gateway.api;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.wharf.contracts.function.FdlReader;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.gateway.ingest.FunctionRegistry;
import io.wharf.gateway.storage.StorageSetup;
import io.wharf.jetstream.ConflictException;
import io.wharf.jetstream.FunctionStore;
import io.wharf.jetstream.Versioned;

/**
 * Function CRUD: validation, ownership, the storage a function needs, and the definition in the functions bucket,
 * its secrets sealed ({@link SecretCipher}).
 * A user sees only the functions they own or are allowed on; to anyone else a function does not exist (404).
 */
@ApplicationScoped
public class FunctionService {

    private static final Logger LOG = Logger.getLogger(FunctionService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final FunctionStore store;
    private final SecretCipher cipher;
    private final StorageSetup storage;
    private final FunctionRegistry registry;

    public FunctionService(FunctionStore store, StorageSetup storage, FunctionRegistry registry,
            SecretCipher cipher) {
        this.store = store;
        this.cipher = cipher;
        this.storage = storage;
        this.registry = registry;
    }

    /** @throws ApiException 409 when a function of that name exists */
    public FunctionDefinition create(String body, String user) {
        FunctionDefinition requested = FdlReader.readOne(body);
        if (store.get(requested.name()).isPresent()) {
            throw new ApiException(409, "Conflict", "a function named '" + requested.name() + "' already exists");
        }
        String token = requested.token() == null || requested.token().isBlank() ? newToken() : requested.token();
        FunctionDefinition fn = requested.withOwnerAndToken(user, token).sealed(cipher);
        storage.apply(fn, null, with(fn, store.list()));
        try {
            store.create(fn);
        } catch (ConflictException e) {
            throw new ApiException(409, "Conflict", "a function named '" + fn.name() + "' already exists");
        }
        registry.remember(fn);
        LOG.infof("function=%s created by %s", fn.name(), user);
        return fn;
    }

    /**
     * Replaces a function's definition; its owner and, unless a new one is given, its token are kept.
     *
     * @param pathName the name in the URL, or {@code null} (OSCAR's clients PUT to {@code /system/services})
     */
    public FunctionDefinition update(String body, String pathName, String user) {
        FunctionDefinition requested = FdlReader.readOne(body);
        if (pathName != null && !pathName.equals(requested.name())) {
            throw ApiException.badRequest("the name in the body ('" + requested.name()
                    + "') differs from the name in the path ('" + pathName + "')");
        }
        Versioned<FunctionDefinition> current = visible(requested.name(), user);
        String token = requested.token() == null || requested.token().isBlank()
                ? current.value().token()
                : requested.token();
        FunctionDefinition fn = requested.keepingRedactedSecretsOf(current.value())
                .withOwnerAndToken(current.value().owner(), token)
                .sealed(cipher);
        storage.apply(fn, current.value(), with(fn, store.list()));
        try {
            store.update(fn, current.revision());
        } catch (ConflictException e) {
            throw new ApiException(409, "Conflict", "function '" + fn.name() + "' changed meanwhile; read it again");
        }
        registry.remember(fn);
        LOG.infof("function=%s updated by %s", fn.name(), user);
        return fn;
    }

    public void delete(String name, String user) {
        Versioned<FunctionDefinition> current = visible(name, user);
        List<FunctionDefinition> remaining = new ArrayList<>(store.list());
        remaining.removeIf(f -> f.name().equals(name));
        storage.remove(current.value(), remaining);
        store.delete(name);
        registry.forget(name);
        LOG.infof("function=%s deleted by %s", name, user);
    }

    public List<FunctionDefinition> list(String user) {
        return store.list().stream().filter(fn -> fn.isVisibleTo(user)).toList();
    }

    /** @throws ApiException 404 when the function does not exist or the user may not see it */
    public Versioned<FunctionDefinition> visible(String name, String user) {
        return store.get(name)
                .filter(v -> v.value().isVisibleTo(user))
                .orElseThrow(() -> ApiException.notFound("no function named '" + name + "'"));
    }

    private static List<FunctionDefinition> with(FunctionDefinition fn, List<FunctionDefinition> all) {
        List<FunctionDefinition> result = new ArrayList<>(all);
        result.removeIf(f -> f.name().equals(fn.name()));
        result.add(fn);
        return result;
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
