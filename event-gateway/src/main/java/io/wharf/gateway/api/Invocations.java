package io.wharf.gateway.api;

import java.io.IOException;
import java.util.UUID;

import jakarta.enterprise.context.RequestScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.wharf.contracts.Json;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.gateway.security.Caller;

/**
 * What {@code /job} and {@code /run} share: which function the caller may run, and what makes a request unique (its
 * {@code Idempotency-Key}, the caller's own, or a fresh id).
 */
@RequestScoped
public class Invocations {

    private static final int MAX_IDEMPOTENCY_KEY_CHARS = 255;

    private final FunctionService functions;
    private final Caller caller;

    public Invocations(FunctionService functions, Caller caller) {
        this.functions = functions;
        this.caller = caller;
    }

    /** The function a token holder or a user may run; the token was checked for this very name. */
    public FunctionDefinition function(String name) {
        if (caller.function().isPresent()) {
            return functions.get(caller.function().get())
                    .orElseThrow(() -> ApiException.notFound("no function named '" + name + "'"));
        }
        return functions.visible(name, caller.user()).value();
    }

    /**
     * @return the token that, with the function and the source, makes the envelope's id: the same for a retried request
     *         carrying the same {@code Idempotency-Key}, fresh otherwise
     * @throws ApiException 400 when the key is too long or holds control characters
     */
    public String uniqueToken(String idempotencyKey) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            return UUID.randomUUID().toString();
        }
        if (idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_CHARS
                || idempotencyKey.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ApiException.badRequest("the Idempotency-Key header must be at most " + MAX_IDEMPOTENCY_KEY_CHARS
                    + " characters without control characters");
        }
        return "idempotency-key:" + caller.id() + ":" + idempotencyKey;
    }

    /** The body as JSON, when it is JSON (kept for the script as the raw event); {@code null} otherwise. */
    public static JsonNode parseJson(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return Json.json().readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }
}
