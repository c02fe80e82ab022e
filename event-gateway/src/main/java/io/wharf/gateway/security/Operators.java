package io.wharf.gateway.security;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.wharf.gateway.GatewayConfig;

/** The users {@code wharf.gateway.operators} names: they may read the platform's metrics, which name every function. */
@ApplicationScoped
public class Operators {

    private final Set<String> names;

    public Operators(GatewayConfig config) {
        this.names = Set.copyOf(config.gateway().operators().orElse(Set.of()));
    }

    public boolean contains(String user) {
        return names.contains(user);
    }
}
