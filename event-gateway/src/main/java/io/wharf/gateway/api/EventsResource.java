package io.wharf.gateway.api;

import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.wharf.gateway.GatewayConfig;
import io.wharf.gateway.ingest.IngestResult;
import io.wharf.gateway.ingest.IngestService;
import io.wharf.gateway.ingest.MalformedEventException;
import io.wharf.gateway.security.ConfiguredUsersIdentityProvider;

/**
 * {@code /events/minio}: MinIO's webhook notification target. It answers only once every envelope of the
 * notification is stored in JetStream; on a 5xx, MinIO keeps the event in its queue folder and sends it again, and the
 * deterministic envelope id makes the second delivery a no-op.
 */
@Path("/events")
public class EventsResource {

    private final IngestService ingest;
    private final GatewayConfig config;

    public EventsResource(IngestService ingest, GatewayConfig config) {
        this.ingest = ingest;
        this.config = config;
    }

    /** MinIO probes its targets with HEAD; any answer means online. */
    @HEAD
    @Path("/minio")
    public Response probe() {
        return Response.ok().build();
    }

    @POST
    @Path("/minio")
    @Produces(MediaType.APPLICATION_JSON)
    public IngestResult minio(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
        if (!authorised(authorization)) {
            ingest.rejected("unauthorized");
            throw ApiException.unauthorized("the webhook needs 'Authorization: Bearer <token>' with the token "
                    + "configured as wharf.gateway.webhook-token (MinIO's auth_token)");
        }
        try {
            return ingest.notification(body, "webhook");
        } catch (MalformedEventException e) {
            ingest.rejected(e.reason());
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** MinIO sends {@code Bearer <token>}, or the token as is when it already holds a scheme. */
    private boolean authorised(String authorization) {
        if (authorization == null) {
            return false;
        }
        String given = authorization.startsWith("Bearer ") ? authorization.substring(7).strip() : authorization;
        return ConfiguredUsersIdentityProvider.constantTimeEquals(config.gateway().webhookToken(), given);
    }
}
