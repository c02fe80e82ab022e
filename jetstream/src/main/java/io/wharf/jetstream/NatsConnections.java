package io.wharf.jetstream;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Nats;
import io.nats.client.Options;

/** Opens the NATS connection a service lives on: reconnects forever, and says so in the log when it does. */
public final class NatsConnections {

    private static final Logger LOG = Logger.getLogger(NatsConnections.class);

    private NatsConnections() {
    }

    /**
     * @param url {@code nats://host:port}
     * @param name the connection's name, shown by the server's monitoring
     * @param user the service's NATS user, when the server requires one
     * @param password the user's password
     */
    public static Connection connect(String url, String name, Optional<String> user, Optional<String> password) {
        Options.Builder builder = Options.builder();
        user.ifPresent(u -> builder.userInfo(u, password.orElse("")));
        Options options = builder
                .server(url)
                .connectionName(name)
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(500))
                .connectionTimeout(Duration.ofSeconds(5))
                .connectionListener((conn, event) -> {
                    if (event == ConnectionListener.Events.DISCONNECTED
                            || event == ConnectionListener.Events.RECONNECTED) {
                        LOG.infof("NATS %s: %s", url, event);
                    }
                })
                .build();
        try {
            return Nats.connectReconnectOnConnect(options);
        } catch (IOException e) {
            throw new StoreException("cannot connect to NATS at " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while connecting to NATS at " + url, e);
        }
    }
}
