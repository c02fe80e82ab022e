package io.wharf.contracts.onedata;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How onetrigger's watch of one function's Onedata folders is doing, as its owner sees it in
 * {@code GET /system/services/<name>/status}.
 *
 * @param function the function's name
 * @param uid the function's uid
 * @param folders one entry per watched folder
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WatchStatus(
        @JsonProperty("function") String function,
        @JsonProperty("uid") String uid,
        @JsonProperty("folders") List<Folder> folders) {

    public static final String WATCHING = "watching";
    public static final String FAILING = "failing";

    public WatchStatus {
        folders = folders == null ? List.of() : List.copyOf(folders);
    }

    /**
     * @param folder {@code <space>/<path>}
     * @param state {@link #WATCHING} or {@link #FAILING}
     * @param error why the last look at the folder failed, when it did; never holds the token
     * @param since when the folder entered this state
     * @param announced how many files onetrigger has announced from this folder since it started
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Folder(
            @JsonProperty("provider_id") String providerId,
            @JsonProperty("folder") String folder,
            @JsonProperty("state") String state,
            @JsonProperty("error") String error,
            @JsonProperty("since") Instant since,
            @JsonProperty("announced") long announced) {
    }
}
