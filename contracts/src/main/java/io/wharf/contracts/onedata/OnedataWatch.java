package io.wharf.contracts.onedata;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The Onedata folders one function takes its input from, as the gateway registers them for onetrigger: written when
 * the function is created or changed, deleted with it. Onetrigger reads nothing else of the function.
 *
 * @param function the function's name
 * @param uid the function's uid: what onetrigger remembers it announced belongs to this incarnation of the name
 * @param owner the function's owner, for the logs
 * @param folders the input folders, one per Onedata input
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OnedataWatch(
        @JsonProperty("function") String function,
        @JsonProperty("uid") String uid,
        @JsonProperty("owner") String owner,
        @JsonProperty("folders") List<Folder> folders) {

    public OnedataWatch {
        folders = folders == null ? List.of() : List.copyOf(folders);
    }

    /**
     * One watched folder.
     *
     * @param providerId the identifier under {@code storage_providers.onedata}
     * @param oneproviderHost the Oneprovider ({@link Oneprovider#baseUrl})
     * @param space the space's name
     * @param path the folder inside the space, without leading or trailing '/'
     * @param token the owner's access token, sealed as in the function's definition (context
     *        {@link #tokenContext})
     * @param since files modified before this (to the second) were there before the folder became the function's
     *        input, and are not announced
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Folder(
            @JsonProperty("provider_id") String providerId,
            @JsonProperty("oneprovider_host") String oneproviderHost,
            @JsonProperty("space") String space,
            @JsonProperty("path") String path,
            @JsonProperty("token") String token,
            @JsonProperty("since") Instant since) {

        /** The same folder, watched since another time. */
        public Folder watchedSince(Instant when) {
            return new Folder(providerId, oneproviderHost, space, path, token, when);
        }

        /** Whether this is the same folder of the same space on the same provider, whatever the token. */
        public boolean sameFolderAs(Folder other) {
            return providerId.equals(other.providerId) && oneproviderHost.equals(other.oneproviderHost)
                    && space.equals(other.space) && path.equals(other.path);
        }

        @Override
        public String toString() {
            return "onedata." + providerId + " " + Oneprovider.authority(oneproviderHost) + "/" + space + "/" + path;
        }
    }

    /** What the sealed token is bound to: the function's uid and the token's field in its definition. */
    public static String tokenContext(String uid, String providerId) {
        return uid + "/storage_providers.onedata." + providerId + ".token";
    }
}
