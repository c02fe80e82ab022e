package io.wharf.gateway.build;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.wharf.build.context.BuildContext;
import io.wharf.build.context.ContextArchives;
import io.wharf.build.context.GeneratedContexts;
import io.wharf.build.context.Limits;
import io.wharf.contracts.Json;
import io.wharf.contracts.ValidationException;
import io.wharf.contracts.build.BuildRecord;
import io.wharf.contracts.build.BuildSpec;
import io.wharf.gateway.api.ApiException;
import io.wharf.gateway.security.Caller;
import io.wharf.jetstream.FunctionStore;

/**
 * {@code /system/builds}: a user's image builds. {@code POST} a build section as JSON ({@code dockerfile}, or
 * {@code base_image} with {@code packages} and {@code commands}), or a build context as a tar archive
 * ({@code application/x-tar}, gzipped or not; {@code ?dockerfile_path=} names its Containerfile). A user sees only
 * their own builds: another user's answers 404, as one that does not exist.
 */
@Path("/system/builds")
@Produces(MediaType.APPLICATION_JSON)
public class BuildsResource {

    private final Builds builds;
    private final FunctionStore functions;
    private final Caller caller;

    public BuildsResource(Builds builds, FunctionStore functions, Caller caller) {
        this.builds = builds;
        this.functions = functions;
        this.caller = caller;
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, "application/yaml", "text/yaml"})
    public Response fromSection(String body) {
        BuildSpec spec;
        try {
            spec = Json.yaml().readValue(body, BuildSpec.class);
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("the body is not a build section (dockerfile, or base_image with packages "
                    + "and commands)");
        }
        if (spec == null) {
            throw new ValidationException("dockerfile", "is required (or base_image)");
        }
        return answer(builds.submit(GeneratedContexts.of(spec, ""), caller.user(), "",
                spec.kanikoFlags()));
    }

    @POST
    @Consumes({"application/x-tar", "application/gzip", "application/x-gzip", "application/octet-stream"})
    public Response fromContext(@QueryParam("dockerfile_path") String dockerfilePath, byte[] archive) {
        BuildContext context = ContextArchives.read(archive, dockerfilePath, Limits.DEFAULT);
        return answer(builds.submit(context, caller.user(), "", List.of()));
    }

    @GET
    public List<BuildRecord> list() {
        return builds.list(caller.user());
    }

    @GET
    @Path("/{id}")
    public BuildRecord get(@PathParam("id") String id) {
        return builds.get(id, caller.user()).orElseThrow(() -> ApiException.notFound("no build '" + id + "'"));
    }

    /** Deletes a build that has ended, its log and context, and its image on the machine (204). */
    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id) {
        builds.delete(id, caller.user(), functions.list());
        return Response.noContent().build();
    }

    @GET
    @Path("/{id}/logs")
    @Produces(MediaType.TEXT_PLAIN)
    public String logs(@PathParam("id") String id) {
        BuildRecord build = get(id);
        return builds.log(build.id()).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
    }

    private static Response answer(Builds.Submitted submitted) {
        return Response.status(submitted.created() ? 201 : 200)
                .entity(submitted.build())
                .header("Location", "/system/builds/" + submitted.build().id())
                .build();
    }
}
