package io.wharf.gateway.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** An OpenID Connect access token (a signed JSON Web Token) presented as {@code Authorization: Bearer}. */
public final class OidcTokenRequest extends BaseAuthenticationRequest {

    private final String token;

    public OidcTokenRequest(String token) {
        this.token = token;
    }

    String token() {
        return token;
    }
}
