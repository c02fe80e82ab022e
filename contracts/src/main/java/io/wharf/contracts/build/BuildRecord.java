package io.wharf.contracts.build;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One build, as its owner sees it ({@code GET /system/builds/<id>}) and as the build service keeps it. The id derives
 * from the owner and the context's content, so the same definition is built once per user.
 *
 * @param id 16 hexadecimal digits
 * @param owner the user who asked for it; nobody else sees it or uses its image
 * @param state {@link #PENDING}, {@link #RUNNING}, {@link #SUCCEEDED} or {@link #FAILED}
 * @param image the image reference functions use
 * @param digest the image's digest, once built
 * @param error why it failed
 * @param contextHash sha256 of the context (files, modes, Containerfile path)
 * @param contextBytes the context's size, uncompressed
 * @param dockerfilePath the Containerfile inside the context
 * @param attempt how many times it was started (a build whose service stopped mid-way is started again)
 * @param kanikoFlags the checked Kaniko flags (used when builds run as Kaniko Jobs)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BuildRecord(
        @JsonProperty("id") String id,
        @JsonProperty("owner") String owner,
        @JsonProperty("state") String state,
        @JsonProperty("image") String image,
        @JsonProperty("digest") String digest,
        @JsonProperty("error") String error,
        @JsonProperty("context_hash") String contextHash,
        @JsonProperty("context_bytes") long contextBytes,
        @JsonProperty("dockerfile_path") String dockerfilePath,
        @JsonProperty("created") Instant created,
        @JsonProperty("started") Instant started,
        @JsonProperty("finished") Instant finished,
        @JsonProperty("attempt") int attempt,
        @JsonProperty("kaniko_flags") java.util.List<String> kanikoFlags) {

    public BuildRecord {
        kanikoFlags = kanikoFlags == null ? java.util.List.of() : java.util.List.copyOf(kanikoFlags);
    }

    public static final String PENDING = "Pending";
    public static final String RUNNING = "Running";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";

    /** The id of the build an image was made by: the image's tag. */
    public static String idOfImage(String image) {
        return image.substring(image.lastIndexOf(':') + 1);
    }

    public boolean isFinal() {
        return SUCCEEDED.equals(state) || FAILED.equals(state);
    }

    public BuildRecord running(Instant now) {
        return new BuildRecord(id, owner, RUNNING, image, null, null, contextHash, contextBytes, dockerfilePath,
                created, now, null, attempt + 1, kanikoFlags);
    }

    public BuildRecord succeeded(String builtDigest, Instant now) {
        return new BuildRecord(id, owner, SUCCEEDED, image, builtDigest, null, contextHash, contextBytes,
                dockerfilePath, created, started, now, attempt, kanikoFlags);
    }

    public BuildRecord failed(String why, Instant now) {
        return new BuildRecord(id, owner, FAILED, image, null, why, contextHash, contextBytes, dockerfilePath,
                created, started, now, attempt, kanikoFlags);
    }

    /** The same build asked for again after it failed: pending once more. */
    public BuildRecord retried(Instant now) {
        return new BuildRecord(id, owner, PENDING, image, null, null, contextHash, contextBytes, dockerfilePath,
                now, null, null, attempt, kanikoFlags);
    }
}
