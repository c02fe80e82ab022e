package io.wharf.gateway.ingest;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.quarkus.runtime.StartupEvent;
import io.wharf.contracts.Json;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.Locations;
import io.wharf.contracts.function.ProviderRef;
import io.wharf.contracts.function.StorageIO;
import io.wharf.jetstream.FunctionStore;
import io.wharf.jetstream.Versioned;

/**
 * The gateway's view of the functions, kept current by watching the functions bucket, to route each object event to
 * the functions whose input it falls in without a round trip per event. Several gateways each keep their own.
 */
@ApplicationScoped
public class FunctionRegistry {

    private static final Logger LOG = Logger.getLogger(FunctionRegistry.class);

    private final FunctionStore store;
    private final Map<String, FunctionDefinition> functions = new ConcurrentHashMap<>();

    public FunctionRegistry(FunctionStore store) {
        this.store = store;
    }

    void start(@Observes StartupEvent event) {
        store.watch(new KeyValueWatcher() {

            @Override
            public void watch(KeyValueEntry entry) {
                if (entry.getOperation() == KeyValueOperation.PUT) {
                    try {
                        remember(Json.json().readValue(entry.getValue(), FunctionDefinition.class));
                    } catch (IOException e) {
                        LOG.warnf("ignoring unreadable function %s: %s", entry.getKey(), e.getMessage());
                    }
                } else {
                    functions.remove(entry.getKey());
                }
            }

            @Override
            public void endOfData() {
                LOG.infof("%d function(s) known", functions.size());
            }
        });
    }

    public void remember(FunctionDefinition fn) {
        functions.put(fn.name(), fn);
    }

    public void forget(String name) {
        functions.remove(name);
    }

    /** A function by name: from the view, or from the store when the view has not seen it yet. */
    public Optional<FunctionDefinition> get(String name) {
        FunctionDefinition known = functions.get(name);
        if (known != null) {
            return Optional.of(known);
        }
        return store.get(name).map(Versioned::value);
    }

    /** The functions with an input on the platform's MinIO that the object falls in, prefix and filters included. */
    public List<FunctionDefinition> routes(String bucket, String key) {
        List<FunctionDefinition> matching = match(bucket, key);
        if (matching.isEmpty()) {
            // the watch may lag a create by milliseconds: ask the store before calling an event unroutable
            store.list().forEach(this::remember);
            matching = match(bucket, key);
        }
        return matching;
    }

    /**
     * The function's Onedata input a new file of a space falls in (the first, when several do), as a one-element list;
     * empty when none holds it.
     */
    public List<OnedataRoute> onedataRoutes(FunctionDefinition fn, String space, String path) {
        return fn.input()
                .stream()
                .filter(in -> in.provider() != null && ProviderRef.ONEDATA.equals(in.provider().type()))
                .filter(in -> acceptsOnedata(fn, in, space, path))
                .map(in -> new OnedataRoute(fn, in.provider().id()))
                .limit(1)
                .toList();
    }

    /** A function reading a Onedata file from its provider {@code providerId}. */
    public record OnedataRoute(FunctionDefinition function, String providerId) {
    }

    /** Whether a file of a space falls in a Onedata input: its provider's space, under its folder, through filters. */
    static boolean acceptsOnedata(FunctionDefinition fn, StorageIO in, String space, String path) {
        var provider = fn.storageProviders().onedata().get(in.provider().id());
        if (provider == null || !provider.space().equals(space)) {
            return false;
        }
        String folder = in.trimmedPath().isEmpty() ? "" : in.trimmedPath() + "/";
        return path.startsWith(folder) && in.accepts(path.substring(path.lastIndexOf('/') + 1));
    }

    /** Whether some function's input folder holds the object, whatever its file-name filters say. */
    public boolean watches(String bucket, String key) {
        return functions.values()
                .stream()
                .flatMap(fn -> fn.input().stream())
                .anyMatch(in -> in.provider().isPlatformMinio() && in.bucket().equals(bucket)
                        && key.startsWith(Locations.folder(in)));
    }

    private List<FunctionDefinition> match(String bucket, String key) {
        return functions.values()
                .stream()
                .filter(fn -> fn.input().stream().anyMatch(in -> accepts(in, bucket, key)))
                .toList();
    }

    /** Whether an object falls in an input location: same bucket, under its prefix, through its filters. */
    static boolean accepts(StorageIO in, String bucket, String key) {
        if (!in.provider().isPlatformMinio() || !in.bucket().equals(bucket)) {
            return false;
        }
        if (!key.startsWith(Locations.folder(in))) {
            return false;
        }
        String fileName = key.substring(key.lastIndexOf('/') + 1);
        return in.accepts(fileName);
    }
}
