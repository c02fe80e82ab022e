package io.wharf.gateway.api;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.wharf.gateway.security.Caller;
import io.wharf.gateway.storage.BucketPage;
import io.wharf.gateway.storage.BucketRequest;
import io.wharf.gateway.storage.BucketView;
import io.wharf.gateway.storage.Buckets;
import io.wharf.gateway.storage.PresignRequest;
import io.wharf.gateway.storage.PresignedUrl;

/**
 * {@code /system/buckets}: OSCAR's bucket API, with Wharf's ownership and sharing rules ({@link Buckets}). Bodies are
 * JSON, with or without a content type (as OSCAR's clients send them).
 */
@Path("/system/buckets")
@Produces(MediaType.APPLICATION_JSON)
public class BucketsResource {

    private final Buckets buckets;
    private final Caller caller;

    public BucketsResource(Buckets buckets, Caller caller) {
        this.buckets = buckets;
        this.caller = caller;
    }

    @GET
    public List<BucketView> list() {
        return buckets.list(requester());
    }

    @POST
    public Response create(String body) {
        BucketRequest.Valid request = BucketRequest.parse(body).validated(true);
        buckets.create(request, requester());
        return Response.created(URI.create("/system/buckets/" + request.bucket())).build();
    }

    @PUT
    public Response update(String body) {
        buckets.update(BucketRequest.parse(body).validated(false), requester());
        return Response.noContent().build();
    }

    @GET
    @Path("/{bucket}")
    public BucketPage read(@PathParam("bucket") String bucket, @QueryParam("page") String page) {
        return buckets.read(bucket, page, requester());
    }

    @DELETE
    @Path("/{bucket}")
    public Response delete(@PathParam("bucket") String bucket) {
        buckets.delete(bucket, requester());
        return Response.noContent().build();
    }

    @POST
    @Path("/{bucket}/presign")
    public PresignedUrl presign(@PathParam("bucket") String bucket, String body) {
        return buckets.presign(bucket, PresignRequest.parse(body).validated(), requester());
    }

    private Buckets.Requester requester() {
        return new Buckets.Requester(caller.user(), caller.isOperator());
    }
}
