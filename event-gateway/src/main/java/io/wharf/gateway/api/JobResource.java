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

import io.quarkus.security.identity.SecurityIdentity;
import io.wharf.contracts.Json;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.gateway.GatewayConfig;
import io.wharf.gateway.ingest.IngestResult;
import io.wharf.gateway.ingest.IngestService;
import io.wharf.gateway.ingest.MinioEvents;
import io.wharf.gateway.security.ConfiguredUsersIdentityProvider;
import io.wharf.jetstream.FunctionStore;

/**
 * {@code POST /job/<name>}: runs a function asynchronously. The body becomes the input file (base64 bodies, as
 * oscar-cli sends files, are decoded by the supervisor); a bucket notification body (OSCAR's MinIO webhooks post
 * them here) runs the function for the objects it names. Callers authenticate as a user who may see the function,
 * or with the function's own bearer token. An {@code Idempotency-Key} header makes a retried request run once.
 */
@Path("/job")
public class JobResource {

    private static final String API_SOURCE = "api://gateway";

    private final FunctionStore functions;
    private final IngestService ingest;
    private final SecurityIdentity identity;
    private final GatewayConfig config;

    public JobResource(FunctionStore functions, IngestService ingest, SecurityIdentity identity,
            GatewayConfig config) {
        this.functions = functions;
        this.ingest = ingest;
        this.identity = identity;
        this.config = config;
    }

    @POST
    @Path("/{name}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response job(@PathParam("name") String name, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam("Idempotency-Key") String idempotencyKey, byte[] body) {
        FunctionDefinition fn = authorise(name, authorization);
        if (body.length > config.gateway().maxBodyBytes()) {
            throw new ApiException(413, "Payload Too Large", "the body has " + body.length
                    + " bytes; an invocation takes at most " + config.gateway().maxBodyBytes()
                    + " (upload large inputs to the function's input bucket instead)");
        }
        JsonNode json = parseJson(body);
        if (MinioEvents.looksLikeNotification(json)) {
            IngestResult result = ingest.notificationFor(fn, body);
            return Response.status(Response.Status.CREATED).entity(result).build();
        }
        String token = idempotencyKey == null || idempotencyKey.isBlank()
                ? UUID.randomUUID().toString()
                : "idempotency-key:" + idempotencyKey;
        Envelope envelope = ingest.invoke(fn, API_SOURCE, token, body,
                contentType == null ? MediaType.APPLICATION_OCTET_STREAM : contentType, "api", json);
        String executionId = EnvelopeIds.executionId(fn.name(), envelope.id());
        return Response.status(Response.Status.CREATED)
                .location(URI.create("/system/logs/" + fn.name() + "/" + executionId))
                .entity(Map.of("eventId", envelope.id(), "executionId", executionId))
                .build();
    }

    private FunctionDefinition authorise(String name, String authorization) {
        if (identity.isAnonymous() && (authorization == null || !authorization.startsWith("Bearer "))) {
            throw ApiException.unauthorized("send the function's token as 'Authorization: Bearer <token>', "
                    + "or a user's credentials");
        }
        FunctionDefinition fn = functions.get(name)
                .map(v -> v.value())
                .orElseThrow(() -> ApiException.notFound("no function named '" + name + "'"));
        if (!identity.isAnonymous()) {
            if (fn.isVisibleTo(identity.getPrincipal().getName())) {
                return fn;
            }
            throw ApiException.notFound("no function named '" + name + "'");
        }
        if (authorization != null && authorization.startsWith("Bearer ") && fn.token() != null
                && ConfiguredUsersIdentityProvider.constantTimeEquals(fn.token(),
                        authorization.substring("Bearer ".length()).strip())) {
            return fn;
        }
        throw ApiException.unauthorized("send the function's token as 'Authorization: Bearer <token>', "
                + "or a user's credentials");
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
