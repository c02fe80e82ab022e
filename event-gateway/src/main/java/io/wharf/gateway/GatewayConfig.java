package io.wharf.gateway;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.wharf.jetstream.NatsConfig;

/** Everything the gateway can be told, under {@code wharf.*}. */
@ConfigMapping(prefix = "wharf")
public interface GatewayConfig {

    NatsConfig nats();

    Storage storage();

    Gateway gateway();

    Secrets secrets();

    interface Secrets {

        /**
         * Key sealing function secrets in the functions bucket: base64 of 32 random bytes, the same for every service.
         * Never logged.
         */
        String key();
    }

    interface Oidc {

        /**
         * The provider's issuer ({@code https://keycloak.example/realms/wharf}, {@code https://aai.egi.eu/auth/realms/egi});
         * bearer tokens are accepted only when it is set. Its signing keys are found through OpenID discovery
         * ({@code <issuer>/.well-known/openid-configuration}) unless {@code jwks-url} names them.
         */
        Optional<String> issuer();

        /** Where the provider publishes its signing keys (JWKS), when discovery is not to be used. */
        Optional<String> jwksUrl();

        /** When set, a token must be issued for this audience ({@code aud}). */
        Optional<String> audience();

        /** The claim naming the user, e.g. {@code sub} (EGI Check-in, Keycloak) or {@code preferred_username}. */
        @WithDefault("sub")
        String userClaim();

        /** The claim listing the user's groups or entitlements; a dotted name reads a nested claim. */
        @WithDefault("groups")
        String groupsClaim();

        /** When set, only tokens whose groups claim holds this value (a group, or an EGI VO entitlement) get in. */
        Optional<String> requiredGroup();

        /**
         * The provider's client the web UI signs users in through (the authorization code flow with PKCE; its
         * redirect URI is {@code <gateway>/ui/oidc/callback}). The web UI offers OpenID Connect login only when it is
         * set, and the access tokens it gets are checked as any bearer token.
         */
        Optional<String> uiClientId();

        /** That client's secret, when the provider holds it as a confidential client. Never logged. */
        Optional<String> uiClientSecret();

        /**
         * The longest a web UI session begun with OpenID Connect lasts, however active: then the user signs in at the
         * provider again, which checks again that they may (the group, the account).
         */
        @WithDefault("8H")
        java.time.Duration uiSessionLifetime();
    }

    interface Storage {

        /** The platform's MinIO, as the gateway reaches it. */
        String endpoint();

        /** The platform's MinIO as clients reach it (returned by {@code /system/config}); the endpoint when absent. */
        Optional<String> publicEndpoint();

        String accessKey();

        /** Never logged; returned only by {@code /system/config} to an authenticated user. */
        String secretKey();

        @WithDefault("us-east-1")
        String region();

        /**
         * The MinIO notification target bucket notifications are sent to: the webhook pointing at
         * {@code /events/minio}, or the NATS target publishing to {@code wharf.ingest.minio}.
         */
        @WithDefault("arn:minio:sqs::WHARF:webhook")
        String notificationArn();

        /**
         * A second target the same notifications are sent to, without a queue, for speed: MinIO sends to it at once,
         * while the durable target's queue is sent every 3 s. Each event then arrives twice, and the second copy is a
         * duplicate the intake recognises (the envelope's id is derived from the object's version). Absent: the
         * durable target only.
         */
        Optional<String> fastNotificationArn();

        /**
         * Whether a function's Onedata providers may be on loopback, link-local or private addresses (the gateway
         * checks the token and creates the folders when the function is created). Off: a function's owner could
         * otherwise make the gateway dial the platform's internal services.
         */
        @WithDefault("false")
        boolean allowPrivateEndpoints();
    }

    interface Gateway {

        /** The bearer token MinIO sends to {@code /events/minio} (its webhook target's {@code auth_token}). */
        String webhookToken();

        /**
         * The bearer token onetrigger sends to {@code /events/onedata}. Absent: {@code /events/onedata} accepts
         * nobody.
         */
        Optional<String> onetriggerToken();

        /**
         * Where built images go: {@code localhost/wharf-builds} (this machine's storage, {@code podman build}), or a
         * repository of the registry Kaniko pushes to; each user's builds in a repository of their own below it.
         */
        @WithDefault("localhost/wharf-builds")
        String buildImages();

        /** Users of the REST API (HTTP basic auth): name to password. */
        Map<String, String> users();

        /** Users who may read the platform's metrics ({@code /q/metrics}, which name every function). */
        Optional<Set<String>> operators();

        /** OpenID Connect bearer tokens, beside basic auth. */
        Oidc oidc();

        /**
         * The largest request body accepted, in bytes (an invocation's body travels inside the envelope). Sets
         * {@code quarkus.http.limits.max-body-size}: a larger body is refused from its {@code Content-Length},
         * before it is read.
         */
        @WithDefault("4194304")
        int maxBodyBytes();

        /** Pull batch of the consumer reading {@code wharf.ingest.minio} and {@code wharf.invoke.*}. */
        @WithDefault("16")
        int ingestBatch();

        /**
         * How often the storage reconciler brings MinIO in line with the stored functions (every function its own
         * keys, no keys without a function, every user's policy as their functions and shares say); also at start.
         */
        @WithDefault("5M")
        java.time.Duration storageReconcileInterval();

        /**
         * An unfinished execution no dispatcher has shown a sign of life for this long is abandoned (its envelope
         * was dead-lettered or purged): it may be deleted like a finished one.
         */
        @WithDefault("10M")
        java.time.Duration abandonedAfter();

        /**
         * How often the input sweep looks for objects whose event was lost ({@code InputSweep}); {@code 0S} turns the
         * periodic sweep off (it still runs when asked: {@code POST /system/sweep/<fn>}).
         */
        @WithDefault("1M")
        java.time.Duration sweepInterval();

        /**
         * How many objects of each input folder one round of the periodic sweep looks at; the next round resumes
         * after the last, so a round costs the same however large a bucket grows.
         */
        @WithDefault("1000")
        int sweepBatch();

        /** How old an object must be before the sweep starts it: its notification has had time to arrive. */
        @WithDefault("1M")
        java.time.Duration sweepGrace();

        /** Synchronous invocations ({@code POST /run}). */
        Run run();
    }

    interface Run {

        /**
         * How long a caller of {@code /run} waits for the execution (OSCAR's 300 s); then it gets a 504 and the
         * execution is withdrawn. Longer work belongs on {@code /job}.
         */
        @WithDefault("5M")
        java.time.Duration maxWait();

        /** How many callers may wait at once; one more gets a 429. */
        @WithDefault("64")
        int maxWaiting();
    }
}
