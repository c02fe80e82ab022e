package io.wharf.gateway.api;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.wharf.contracts.Json;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.gateway.ingest.IngestResult;
import io.wharf.gateway.ingest.IngestService;
import io.wharf.gateway.ingest.MinioEvents;
import io.wharf.gateway.security.Caller;

/**
 * {@code POST /job/<name>}: runs a function asynchronously. The body becomes the input file (base64 bodies, as
 * oscar-cli sends files, are decoded by the supervisor); a bucket notification body (OSCAR's MinIO webhooks post
 * them here) runs the function for the objects it names, which must lie in the function's own inputs. Callers are a
 * user who may see the function, or hold the function's own token (checked before the body is read, by
 * {@link io.wharf.gateway.security.FunctionTokenMechanism}). An {@code Idempotency-Key} header makes a retried request
 * run once; keys are the caller's own.
 */
@Path("/job")
public class JobResource {

    private static final String API_SOURCE = "api://gateway";
    private static final int MAX_IDEMPOTENCY_KEY_CHARS = 255;

    private final FunctionService functions;
    private final IngestService ingest;
    private final Caller caller;

    public JobResource(FunctionService functions, IngestService ingest, Caller caller) {
        this.functions = functions;
        this.ingest = ingest;
        this.caller = caller;
    }

    @POST
    @Path("/{name}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response job(@PathParam("name") String name, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam("Idempotency-Key") String idempotencyKey, byte[] body) {
        FunctionDefinition fn = function(name);
        if (idempotencyKey != null && (idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_CHARS
                || idempotencyKey.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            throw ApiException.badRequest("the Idempotency-Key header must be at most " + MAX_IDEMPOTENCY_KEY_CHARS
                    + " characters without control characters");
        }
        JsonNode json = parseJson(body);
        if (MinioEvents.looksLikeNotification(json)) {
            IngestResult result = ingest.notificationFor(fn, body);
            return Response.status(Response.Status.CREATED).entity(result).build();
        }
        String token = idempotencyKey == null || idempotencyKey.isBlank()
                ? UUID.randomUUID().toString()
                : "idempotency-key:" + caller.id() + ":" + idempotencyKey;
        Envelope envelope = ingest.invoke(fn, API_SOURCE, token, body,
                contentType == null ? MediaType.APPLICATION_OCTET_STREAM : contentType, "api", json);
        String executionId = EnvelopeIds.executionId(fn.name(), envelope.id());
        return Response.status(Response.Status.CREATED)
                .location(URI.create("/system/logs/" + fn.name() + "/" + executionId))
                .entity(Map.of("eventId", envelope.id(), "executionId", executionId))
                .build();
    }

    /** The function a token holder or a user may run; the token was checked for this very name. */
    private FunctionDefinition function(String name) {
        if (caller.function().isPresent()) {
            return functions.get(caller.function().get())
                    .orElseThrow(() -> ApiException.notFound("no function named '" + name + "'"));
        }
        return functions.visible(name, caller.user()).value();
    }

    private static JsonNode parseJson(byte[] body) {
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
