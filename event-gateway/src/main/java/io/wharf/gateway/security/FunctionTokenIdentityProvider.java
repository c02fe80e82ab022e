package io.wharf.gateway.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.FunctionNames;
import io.wharf.gateway.ingest.FunctionRegistry;

/** Checks a function's token against the function's definition, in constant time. */
@ApplicationScoped
public class FunctionTokenIdentityProvider implements IdentityProvider<FunctionTokenRequest> {

    private final FunctionRegistry functions;

    public FunctionTokenIdentityProvider(FunctionRegistry functions) {
        this.functions = functions;
    }

    @Override
    public Class<FunctionTokenRequest> getRequestType() {
        return FunctionTokenRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(FunctionTokenRequest request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> {
            FunctionDefinition fn = FunctionNames.isValid(request.function())
                    ? functions.get(request.function()).orElse(null)
                    : null;
            if (fn == null || !BearerTokens.constantTimeEquals(fn.token(), request.token())) {
                throw new AuthenticationFailedException("not the token of function " + request.function());
            }
            return QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal("function:" + fn.name()))
                    .addRole(Roles.INVOKER)
                    .addAttribute(Roles.FUNCTION_ATTRIBUTE, fn.name())
                    .build();
        });
    }
}
