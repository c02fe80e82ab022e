package io.wharf.gateway.api;

import java.net.URI;
import java.util.Map;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.gateway.ingest.IngestResult;
import io.wharf.gateway.ingest.IngestService;
import io.wharf.gateway.ingest.MinioEvents;

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

    static final String API_SOURCE = "api://gateway";

    private final Invocations invocations;
    private final IngestService ingest;

    public JobResource(Invocations invocations, IngestService ingest) {
        this.invocations = invocations;
        this.ingest = ingest;
    }

    @POST
    @Path("/{name}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response job(@PathParam("name") String name, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam("Idempotency-Key") String idempotencyKey, byte[] body) {
        FunctionDefinition fn = invocations.function(name);
        String token = invocations.uniqueToken(idempotencyKey);
        JsonNode json = Invocations.parseJson(body);
        if (MinioEvents.looksLikeNotification(json)) {
            IngestResult result = ingest.notificationFor(fn, body);
            return Response.status(Response.Status.CREATED).entity(result).build();
        }
        Envelope envelope = ingest.invoke(fn, API_SOURCE, token, body,
                contentType == null ? MediaType.APPLICATION_OCTET_STREAM : contentType, "api", json, false);
        String executionId = EnvelopeIds.executionId(fn.name(), envelope.id());
        return Response.status(Response.Status.CREATED)
                .location(URI.create("/system/logs/" + fn.name() + "/" + executionId))
                .entity(Map.of("eventId", envelope.id(), "executionId", executionId))
                .build();
    }
}
