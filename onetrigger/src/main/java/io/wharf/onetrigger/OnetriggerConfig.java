package io.wharf.onetrigger;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.wharf.jetstream.NatsConfig;

/** Everything onetrigger can be told, under {@code wharf.*}. */
@ConfigMapping(prefix = "wharf")
public interface OnetriggerConfig {

    NatsConfig nats();

    Secrets secrets();

    Storage storage();

    Onetrigger onetrigger();

    interface Secrets {

        /** The key the gateway seals secrets with (the watched folders' tokens are sealed). Never logged. */
        String key();
    }

    interface Storage {

        /**
         * Whether a watched Oneprovider may be on a loopback, link-local or private address. Off: a function's owner
         * could otherwise make onetrigger dial the platform's internal services.
         */
        @WithDefault("false")
        boolean allowPrivateEndpoints();
    }

    interface Onetrigger {

        /** The gateway, where new files are announced ({@code POST <url>/events/onedata}). */
        @WithDefault("http://127.0.0.1:8080")
        String gatewayUrl();

        /** The bearer token the gateway expects on {@code /events/onedata} (its {@code onetrigger-token}). */
        String token();

        /** How often each folder is listed (OneTrigger: 10 s). */
        @WithDefault("10S")
        Duration pollInterval();

        /**
         * How long a new file's size and modification time must stay the same before it is announced: a file still
         * being uploaded is not complete.
         */
        @WithDefault("5S")
        Duration stableFor();

        /** The longest wait between two looks at a folder that keeps failing (the wait doubles up to this). */
        @WithDefault("2M")
        Duration maxBackoff();

        /** How deep below a watched folder files are looked for (its sub-folders are inputs too, as in OneTrigger). */
        @WithDefault("8")
        int maxDepth();

        /** How many folders are looked at at once (looks mostly wait for a Oneprovider). */
        @WithDefault("4")
        int threads();

        /** The longest a request to a Oneprovider may take (a slow provider holds a thread no longer). */
        @WithDefault("1M")
        Duration callTimeout();

        /**
         * How far the Oneprovider's clock may be behind the gateway's: on a watch's first look, a file that changed
         * more than this before the folder became the function's input is taken as already there.
         */
        @WithDefault("30S")
        Duration clockSkew();
    }
}
