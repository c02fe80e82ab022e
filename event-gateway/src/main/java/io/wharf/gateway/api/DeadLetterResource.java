package io.wharf.gateway.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import io.wharf.contracts.Json;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.gateway.security.Caller;
import io.wharf.jetstream.DeadLetterStore;
import io.wharf.jetstream.DeadLetterStore.DeadLetter;

/**
 * The dead letters of a function, for its owner: why each one failed, the original message, and a replay that makes
 * it a new attempt of the same execution ({@link DeadLetterReplay}).
 */
@Path("/system/dlq")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    private static final int MAX_PAGE = 1000;

    private final FunctionService functions;
    private final DeadLetterStore letters;
    private final DeadLetterReplay replay;
    private final Caller caller;

    public DeadLetterResource(FunctionService functions, DeadLetterStore letters, DeadLetterReplay replay,
            Caller caller) {
        this.functions = functions;
        this.letters = letters;
        this.replay = replay;
        this.caller = caller;
    }

    /** The caller's functions that have dead letters, with how many (up to the page size each). */
    @GET
    public Map<String, Integer> summary() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (FunctionDefinition fn : functions.list(caller.user())) {
            if (fn.isOwnedBy(caller.user())) {
                int n = letters.list(fn.name(), 0, MAX_PAGE).size();
                if (n > 0) {
                    counts.put(fn.name(), n);
                }
            }
        }
        return counts;
    }

    @GET
    @Path("/{name}")
    public Page list(@PathParam("name") String name, @QueryParam("after") @DefaultValue("0") long after,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        FunctionDefinition fn = functions.owned(name, caller.user()).value();
        if (limit < 1 || limit > MAX_PAGE) {
            throw ApiException.badRequest("limit must be between 1 and " + MAX_PAGE);
        }
        List<Entry> entries = new ArrayList<>();
        for (DeadLetter letter : letters.list(fn.name(), Math.max(0, after), limit)) {
            entries.add(Entry.of(letter, replay.replayable(fn, letter)));
        }
        return new Page(entries, entries.size() == limit ? entries.get(entries.size() - 1).sequence() : null);
    }

    /** Replays every replayable dead letter of the function. */
    @POST
    @Path("/{name}/replay")
    public Map<String, Integer> replayAll(@PathParam("name") String name) {
        FunctionDefinition fn = functions.owned(name, caller.user()).value();
        int replayed = 0;
        int skipped = 0;
        long after = 0;
        List<DeadLetter> page;
        do {
            page = letters.list(fn.name(), after, MAX_PAGE);
            for (DeadLetter letter : page) {
                if (replay.replayable(fn, letter) == null) {
                    replay.replay(fn, letter);
                    replayed++;
                } else {
                    skipped++;
                }
                after = letter.sequence();
            }
        } while (page.size() == MAX_PAGE);
        return Map.of("replayed", replayed, "skipped", skipped);
    }

    @POST
    @Path("/{name}/{sequence}/replay")
    public Response replayOne(@PathParam("name") String name, @PathParam("sequence") long sequence) {
        FunctionDefinition fn = functions.owned(name, caller.user()).value();
        DeadLetter letter = letters.get(fn.name(), sequence).orElseThrow(() -> notFound(name, sequence));
        String why = replay.replayable(fn, letter);
        if (why != null) {
            throw new ApiException(409, "Conflict", "dead letter " + sequence + " cannot be replayed: " + why);
        }
        return Response.accepted(Map.of("executionId", replay.replay(fn, letter))).build();
    }

    /** Discards a dead letter. */
    @DELETE
    @Path("/{name}/{sequence}")
    public Response discard(@PathParam("name") String name, @PathParam("sequence") long sequence) {
        FunctionDefinition fn = functions.owned(name, caller.user()).value();
        letters.get(fn.name(), sequence).orElseThrow(() -> notFound(name, sequence));
        letters.delete(sequence);
        return Response.noContent().build();
    }

    private static ApiException notFound(String name, long sequence) {
        return ApiException.notFound("no dead letter " + sequence + " of function '" + name + "'");
    }

    /** One page: {@code next} is the {@code after} of the next request, absent on the last page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Page(@JsonProperty("dead_letters") List<Entry> deadLetters, @JsonProperty("next") Long next) {
    }

    /** A dead letter as the API shows it; {@code not_replayable} says why a replay is refused. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(@JsonProperty("sequence") long sequence, @JsonProperty("reason") String reason,
            @JsonProperty("detail") String detail, @JsonProperty("time") Instant time,
            @JsonProperty("original_subject") String originalSubject,
            @JsonProperty("not_replayable") String notReplayable, @JsonProperty("message") JsonNode message,
            @JsonProperty("message_text") String messageText) {

        static Entry of(DeadLetter letter, String notReplayable) {
            JsonNode json = null;
            String text = null;
            try {
                json = Json.json().readTree(letter.payload());
            } catch (java.io.IOException notJson) {
                String s = new String(letter.payload(), StandardCharsets.UTF_8);
                text = s.length() <= 4096 ? s : s.substring(0, 4096) + "...";
            }
            return new Entry(letter.sequence(), letter.reason(), letter.detail(), letter.time(),
                    letter.originalSubject(), notReplayable, json, text);
        }
    }
}
