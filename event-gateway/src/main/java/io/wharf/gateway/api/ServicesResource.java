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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.wharf.contracts.build.BuildRecord;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.contracts.onedata.WatchStatus;
import io.wharf.gateway.build.Builds;
import io.wharf.gateway.onedata.OnedataWatches;
import io.wharf.gateway.security.Caller;

/**
 * {@code /system/services}: functions, in OSCAR's service JSON. Bodies are JSON (as oscar-cli sends them, with no
 * content type) or YAML (a single function, or an FDL file holding one). Responses redact secrets and storage
 * credentials; the function's token is shown to its owner only.
 */
@Path("/system/services")
@Produces(MediaType.APPLICATION_JSON)
public class ServicesResource {

    private final FunctionService functions;
    private final Caller caller;
    private final SecretCipher cipher;

    private final OnedataWatches onedata;

    private final Builds builds;

    public ServicesResource(FunctionService functions, Caller caller, SecretCipher cipher, OnedataWatches onedata,
            Builds builds) {
        this.builds = builds;
        this.onedata = onedata;
        this.functions = functions;
        this.caller = caller;
        this.cipher = cipher;
    }

    @GET
    public List<FunctionDefinition> list() {
        String user = caller.user();
        return functions.list(user).stream().map(fn -> Redaction.forUser(fn, user, cipher)).toList();
    }

    @GET
    @Path("/{name}")
    public FunctionDefinition get(@PathParam("name") String name) {
        String user = caller.user();
        return Redaction.forUser(functions.visible(name, user).value(), user, cipher);
    }

    /**
     * How the function's triggers are doing, for whoever may see it: each Onedata input folder, watched or failing
     * (with why, e.g. the token was refused), or pending until onetrigger has looked at it.
     */
    @GET
    @Path("/{name}/status")
    public FunctionStatus status(@PathParam("name") String name) {
        FunctionDefinition fn = functions.visible(name, caller.user()).value();
        BuildRecord build = fn.build() == null || fn.image() == null
                ? null
                : builds.get(BuildRecord.idOfImage(fn.image()), fn.owner())
                        .map(b -> fn.isOwnedBy(caller.user()) ? b : onlyState(b))
                        .orElse(null);
        return new FunctionStatus(fn.name(), build, onedata.statusOf(fn));
    }

    /** What users a function is shared with see of its build: its id and state, not its owner's details. */
    private static BuildRecord onlyState(BuildRecord b) {
        return new BuildRecord(b.id(), null, b.state(), null, null, null, null, 0, null, null, null, null, 0, null);
    }

    /**
     * What {@code GET /system/services/<name>/status} answers.
     *
     * @param build the build of its image, when it has a build section (its state, and why it failed)
     * @param onedata its Onedata input folders
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record FunctionStatus(@com.fasterxml.jackson.annotation.JsonProperty("name") String name,
            @com.fasterxml.jackson.annotation.JsonProperty("build") BuildRecord build,
            @com.fasterxml.jackson.annotation.JsonProperty("onedata") List<WatchStatus.Folder> onedata) {
    }

    /** OSCAR's access check: 200 with no body when the caller may use the function; 404 as for no function. */
    @GET
    @Path("/{name}/auth")
    public Response auth(@PathParam("name") String name) {
        functions.visible(name, caller.user());
        return Response.ok().build();
    }

    @POST
    public Response create(String body) {
        String user = caller.user();
        FunctionDefinition fn = functions.create(body, user);
        return Response.status(Response.Status.CREATED)
                .entity(Redaction.forUser(fn, user, cipher))
                .location(URI.create("/system/services/" + fn.name()))
                .build();
    }

    @PUT
    public Response update(String body) {
        functions.update(body, null, caller.user());
        return Response.noContent().build();
    }

    @PUT
    @Path("/{name}")
    public Response update(@PathParam("name") String name, String body) {
        functions.update(body, name, caller.user());
        return Response.noContent().build();
    }

    @DELETE
    @Path("/{name}")
    public Response delete(@PathParam("name") String name) {
        functions.delete(name, caller.user());
        return Response.noContent().build();
    }
}
