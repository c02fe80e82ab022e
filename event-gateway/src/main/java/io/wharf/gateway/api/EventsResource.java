package io.wharf.gateway.api;

import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.wharf.contracts.ValidationException;
import io.wharf.contracts.function.FunctionNames;
import io.wharf.gateway.ingest.IngestResult;
import io.wharf.gateway.ingest.IngestService;
import io.wharf.gateway.ingest.MalformedEventException;

/**
 * {@code /events/minio}: MinIO's webhook notification target; {@code /events/onedata}: onetrigger's. It answers only once every envelope of the
 * notification is stored in JetStream; on a 5xx, MinIO keeps the event in its queue folder and sends it again, and the
 * deterministic envelope id makes the second delivery a no-op.
 */
@Path("/events")
public class EventsResource {

    private final IngestService ingest;

    public EventsResource(IngestService ingest) {
        this.ingest = ingest;
    }

    /** MinIO probes its targets with HEAD; any answer means online. */
    @HEAD
    @Path("/minio")
    public Response probe() {
        return Response.ok().build();
    }

    /**
     * OneTrigger's events, from Wharf's onetrigger (its token was checked before the body was read), for the function
     * ({@code ?function=}) and the incarnation of it ({@code ?uid=}) whose watch saw the file: Onedata space names
     * are per user, so a file is never routed by its space's name alone, and an announcement made for a deleted
     * function never reaches a new function of the same name. Stored before the answer, like MinIO's: a 5xx means
     * "send it again", and a second delivery of the same file is a duplicate.
     */
    @POST
    @Path("/onedata")
    @Produces(MediaType.APPLICATION_JSON)
    public IngestResult onedata(@QueryParam("function") String function, @QueryParam("uid") String uid,
            byte[] body) {
        if (function == null || !FunctionNames.isValid(function)) {
            ingest.rejected("malformed");
            throw new ValidationException("function", "is required: the name of the function whose watch saw the file");
        }
        try {
            return ingest.onedata(body, function, uid);
        } catch (MalformedEventException e) {
            ingest.rejected(e.reason());
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** MinIO's webhook token was checked before the body was read ({@code WebhookTokenMechanism}). */
    @POST
    @Path("/minio")
    @Produces(MediaType.APPLICATION_JSON)
    public IngestResult minio(byte[] body) {
        try {
            return ingest.notification(body, "webhook");
        } catch (MalformedEventException e) {
            ingest.rejected(e.reason());
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
