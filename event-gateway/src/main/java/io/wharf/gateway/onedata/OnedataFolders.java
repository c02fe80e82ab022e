package io.wharf.gateway.onedata;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.wharf.contracts.ValidationException;
import io.wharf.contracts.Violation;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.ProviderRef;
import io.wharf.contracts.function.StorageIO;
import io.wharf.contracts.function.StorageProviders.OnedataProvider;
import io.wharf.contracts.onedata.Oneprovider;
import io.wharf.gateway.GatewayConfig;
import io.wharf.supervisor.EndpointGuard;
import io.wharf.supervisor.onedata.CdmiClient;
import io.wharf.supervisor.onedata.OneproviderException;

/**
 * Makes sure a function's Onedata locations can really be used before the function is stored: for every Onedata
 * provider it names, the token opens the space, and each of its input and output folders exists (made when missing,
 * as OSCAR made {@code <fn>-in} and {@code <fn>-out}). Whatever fails is a validation error naming the field; the
 * Oneprovider is reached through the {@link EndpointGuard}, as the dispatcher reaches it.
 */
@ApplicationScoped
public class OnedataFolders {

    private static final Logger LOG = Logger.getLogger(OnedataFolders.class);

    private final EndpointGuard guard;

    public OnedataFolders(GatewayConfig config) {
        this.guard = new EndpointGuard(config.storage().allowPrivateEndpoints());
    }

    /**
     * @param fn the definition with its secrets opened
     * @throws ValidationException naming the provider's host, token or space, or the location's path
     */
    public void prepare(FunctionDefinition fn) {
        Map<String, List<String>> folders = new LinkedHashMap<>();
        collect(fn.input(), "input", folders);
        collect(fn.output(), "output", folders);
        List<Violation> violations = new ArrayList<>();
        folders.forEach((id, locations) -> prepare(fn, id, locations, violations));
        if (!violations.isEmpty()) {
            throw new ValidationException(violations);
        }
    }

    /** Each Onedata provider's locations, as {@code <field>=<path>} pairs. */
    private static void collect(List<StorageIO> locations, String field, Map<String, List<String>> folders) {
        for (int i = 0; i < locations.size(); i++) {
            ProviderRef ref = locations.get(i).provider();
            if (ref != null && ProviderRef.ONEDATA.equals(ref.type())) {
                folders.computeIfAbsent(ref.id(), k -> new ArrayList<>())
                        .add(field + "[" + i + "].path=" + locations.get(i).trimmedPath());
            }
        }
    }

    private void prepare(FunctionDefinition fn, String id, List<String> locations, List<Violation> violations) {
        OnedataProvider p = fn.storageProviders().onedata().get(id);
        String at = "storage_providers.onedata." + id;
        CdmiClient cdmi;
        try {
            cdmi = new CdmiClient(guard.check(Oneprovider.baseUrl(p.oneproviderHost())), p.space(), p.token(),
                    guard.client());
            cdmi.checkSpace();
        } catch (OneproviderException e) {
            violations.add(e.tokenRefused()
                    ? new Violation(at + ".token", "was refused by the Oneprovider " + p.oneproviderHost() + " ("
                            + e.status() + ")")
                    : e.notFound()
                            ? new Violation(at + ".space", "is not a space this token opens on "
                                    + p.oneproviderHost())
                            : new Violation(at + ".oneprovider_host", e.getMessage()));
            return;
        } catch (EndpointGuard.ForbiddenEndpointException e) {
            // which internal address a name resolves to is none of the caller's business
            LOG.infof("function=%s onedata.%s refused: %s", fn.name(), id, e.getMessage());
            violations.add(new Violation(at + ".oneprovider_host", "resolves to a loopback, link-local or private "
                    + "address, which functions may not use on this platform"));
            return;
        } catch (IOException | RuntimeException e) {
            violations.add(new Violation(at + ".oneprovider_host", "cannot be used: " + e.getMessage()));
            return;
        }
        for (String location : locations) {
            int eq = location.indexOf('=');
            String field = location.substring(0, eq);
            String path = location.substring(eq + 1);
            try {
                cdmi.createFolders(path);
            } catch (IOException e) {
                violations.add(new Violation(field, "cannot be created in space '" + p.space() + "': "
                        + e.getMessage()));
            }
        }
        LOG.debugf("function=%s onedata.%s: space %s opened, %d folder(s) ready", fn.name(), id, p.space(),
                locations.size());
    }
}
