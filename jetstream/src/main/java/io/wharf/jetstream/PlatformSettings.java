package io.wharf.jetstream;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.nats.client.Connection;
import io.wharf.contracts.Names;

/**
 * The settings operators change at run time ({@code PUT /system/config}), in the {@value Names#SETTINGS_BUCKET}
 * bucket (the gateway's alone).
 */
public final class PlatformSettings {

    private static final String KEY = "platform";

    private final TypedBucket<Settings> bucket;

    public PlatformSettings(Connection connection) {
        this.bucket = TypedBucket.ofJson(connection, Names.SETTINGS_BUCKET, Settings.class);
    }

    /** The prefixes a function's image must start with; empty: any image. */
    public List<String> allowedImageRepositories() {
        return bucket.get(KEY).map(v -> v.value().allowedImageRepositories()).orElse(List.of());
    }

    public void allowImageRepositories(List<String> prefixes) {
        bucket.put(KEY, new Settings(List.copyOf(prefixes)));
    }

    record Settings(@JsonProperty("allowed_image_repositories") List<String> allowedImageRepositories) {

        Settings {
            allowedImageRepositories = allowedImageRepositories == null ? List.of() : allowedImageRepositories;
        }
    }
}
