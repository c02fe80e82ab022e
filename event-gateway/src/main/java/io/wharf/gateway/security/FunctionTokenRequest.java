package io.wharf.gateway.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A function's own token, presented to run that function ({@code POST /job/<name>}, {@code /run/<name>}). */
final class FunctionTokenRequest extends BaseAuthenticationRequest {

    private final String function;
    private final String token;

    FunctionTokenRequest(String function, String token) {
        this.function = function;
        this.token = token;
    }

    String function() {
        return function;
    }

    String token() {
        return token;
    }
}
