package io.wharf.gateway.api;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.storage.StorageCredentials;
import io.wharf.gateway.GatewayConfig;
import io.wharf.gateway.security.Caller;
import io.wharf.gateway.storage.UserStorage;

/** {@code /system/info}, {@code /system/config} and {@code /system/status}, in OSCAR's shapes, for OSCAR's clients. */
@Path("/system")
@Produces(MediaType.APPLICATION_JSON)
public class SystemResource {

    private final GatewayConfig config;
    private final String version;
    private final UserStorage users;
    private final Caller caller;
    private final PlatformStatus platform;
    private final FunctionService functions;

    public SystemResource(GatewayConfig config,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version,
            UserStorage users, Caller caller, PlatformStatus platform, FunctionService functions) {
        this.config = config;
        this.version = version;
        this.users = users;
        this.caller = caller;
        this.platform = platform;
        this.functions = functions;
    }

    /**
     * OSCAR's {@code GET /system/status}: the nodes executions run on and what they can still give, the platform's
     * state, and Wharf's own view (each dispatcher; what waits and runs for each function the caller may see). Totals
     * of every function's work only for operators.
     */
    @GET
    @Path("/status")
    public PlatformStatus.Status status() {
        Set<String> visible = functions.list(caller.user())
                .stream()
                .map(FunctionDefinition::name)
                .collect(Collectors.toSet());
        return platform.status(visible::contains, caller.isOperator());
    }

    @GET
    @Path("/info")
    public Map<String, Object> info() {
        return Map.of("version", version, "git_commit", "", "architecture", System.getProperty("os.arch"),
                "kubernetes_version", "", "serverless_backend", Map.of("name", "wharf", "version", version));
    }

    /**
     * The platform's MinIO with the caller's own credentials (created on first use; limited to the buckets the caller
     * owns or was granted): oscar-cli needs them to upload ({@code service put-file}). This path requires
     * authentication as a user, and is the only one that returns a credential.
     */
    @GET
    @Path("/config")
    public UserConfig config() {
        GatewayConfig.Storage s = config.storage();
        StorageCredentials own = users.credentialsOf(caller.user());
        return new UserConfig(
                Map.of("name", "wharf", "namespace", "wharf", "services_namespace", "wharf", "gpu_available", false,
                        "interLink_available", false, "yunikorn_enable", false),
                new MinioProvider(s.publicEndpoint().orElse(s.endpoint()), s.publicEndpoint()
                        .orElse(s.endpoint())
                        .startsWith("https"), own.accessKey(), own.secretKey(), s.region()));
    }

    /** OSCAR's {@code configForUser}. */
    public record UserConfig(@JsonProperty("config") Map<String, Object> config,
            @JsonProperty("minio_provider") MinioProvider minioProvider) {
    }

    /** OSCAR's MinIO provider. */
    public record MinioProvider(@JsonProperty("endpoint") String endpoint, @JsonProperty("verify") boolean verify,
            @JsonProperty("access_key") String accessKey, @JsonProperty("secret_key") String secretKey,
            @JsonProperty("region") String region) {
    }
}
