package io.wharf.gateway.api;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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

    /**
     * Wharf's: stores the body as one object of the bucket (at most {@code wharf.gateway.max-body-bytes}), for
     * clients without S3 (the web UI). Whoever may see the bucket may upload to it, as with presigned URLs.
     */
    @PUT
    @Path("/{bucket}/objects/{key: .+}")
    public Response upload(@PathParam("bucket") String bucket, @PathParam("key") String key,
            @HeaderParam("Content-Type") String contentType, byte[] body) {
        String stored = buckets.upload(bucket, key, body == null ? new byte[0] : body, contentTypeOf(contentType),
                requester());
        StringBuilder location = new StringBuilder("/system/buckets/").append(bucket).append("/objects");
        for (String segment : stored.split("/", -1)) {
            location.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return Response.created(URI.create(location.toString())).build();
    }

    /**
     * Wharf's: one object of the bucket, always as a download ({@code application/octet-stream}, an attachment): a
     * stored page never runs as the gateway's own.
     */
    @GET
    @Path("/{bucket}/objects/{key: .+}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response download(@PathParam("bucket") String bucket, @PathParam("key") String key) {
        InputStream content = buckets.download(bucket, key, requester());
        String stored = Buckets.objectKey(key);
        String name = stored.substring(stored.lastIndexOf('/') + 1);
        return Response.ok(content, MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("Content-Disposition", "attachment; filename*=UTF-8''"
                        + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"))
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "sandbox")
                .build();
    }

    /** The type an uploaded object is stored with: the request's, when it is one, else a byte stream. */
    private static String contentTypeOf(String header) {
        if (header == null || header.isBlank() || header.length() > 256
                || okhttp3.MediaType.parse(header.strip()) == null) {
            return MediaType.APPLICATION_OCTET_STREAM;
        }
        return header.strip();
    }

    private Buckets.Requester requester() {
        return new Buckets.Requester(caller.user(), caller.isOperator());
    }
}
