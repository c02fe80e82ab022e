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

import io.quarkus.security.identity.SecurityIdentity;
import io.wharf.contracts.function.FunctionDefinition;

/**
 * {@code /system/services}: functions, in OSCAR's service JSON. Bodies are JSON (as oscar-cli sends them, with no
 * content type) or YAML (a single function, or an FDL file holding one). Responses redact storage credentials and
 * secrets.
 */
@Path("/system/services")
@Produces(MediaType.APPLICATION_JSON)
public class ServicesResource {

    private final FunctionService functions;
    private final SecurityIdentity identity;

    public ServicesResource(FunctionService functions, SecurityIdentity identity) {
        this.functions = functions;
        this.identity = identity;
    }

    @GET
    public List<FunctionDefinition> list() {
        return functions.list(user()).stream().map(FunctionDefinition::redacted).toList();
    }

    @GET
    @Path("/{name}")
    public FunctionDefinition get(@PathParam("name") String name) {
        return functions.visible(name, user()).value().redacted();
    }

    @POST
    public Response create(String body) {
        FunctionDefinition fn = functions.create(body, user());
        return Response.status(Response.Status.CREATED)
                .entity(fn.redacted())
                .location(URI.create("/system/services/" + fn.name()))
                .build();
    }

    @PUT
    public Response update(String body) {
        functions.update(body, null, user());
        return Response.noContent().build();
    }

    @PUT
    @Path("/{name}")
    public Response update(@PathParam("name") String name, String body) {
        functions.update(body, name, user());
        return Response.noContent().build();
    }

    @DELETE
    @Path("/{name}")
    public Response delete(@PathParam("name") String name) {
        functions.delete(name, user());
        return Response.noContent().build();
    }

    private String user() {
        return identity.getPrincipal().getName();
    }
}
