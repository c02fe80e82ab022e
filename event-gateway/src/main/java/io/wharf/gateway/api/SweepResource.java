package io.wharf.gateway.api;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.gateway.ingest.InputSweep;
import io.wharf.gateway.security.Caller;

/**
 * The input sweep of one function, for its owner: {@code GET} reports the objects in its input folders that have no
 * execution (a dry run), {@code POST} starts them now instead of at the next round.
 */
@Path("/system/sweep/{name}")
@Produces(MediaType.APPLICATION_JSON)
public class SweepResource {

    private final FunctionService functions;
    private final InputSweep sweep;
    private final Caller caller;

    public SweepResource(FunctionService functions, InputSweep sweep, Caller caller) {
        this.functions = functions;
        this.sweep = sweep;
        this.caller = caller;
    }

    @GET
    public Map<String, List<String>> report(@PathParam("name") String name) {
        FunctionDefinition fn = functions.owned(name, caller.user()).value();
        return Map.of("unprocessed", sweep.sweep(fn, true));
    }

    @POST
    public Map<String, List<String>> sweepNow(@PathParam("name") String name) {
        FunctionDefinition fn = functions.owned(name, caller.user()).value();
        return Map.of("started", sweep.sweep(fn, false));
    }
}
