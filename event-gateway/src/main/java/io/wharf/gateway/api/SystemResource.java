package io.wharf.gateway.api;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.annotation.JsonInclude;
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
    private final ImagePolicy images;

    public SystemResource(GatewayConfig config,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version,
            UserStorage users, Caller caller, PlatformStatus platform, FunctionService functions,
            ImagePolicy images) {
        this.images = images;
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
                        .startsWith("https"), own.accessKey(), own.secretKey(), s.region()),
                images.allowed());
    }

    /**
     * OSCAR's {@code PUT /system/config}: the image repositories functions may use (an operator's; OSCAR's admin). The
     * other fields of OSCAR's body are read-only and ignored, as OSCAR ignores them.
     */
    @PUT
    @Path("/config")
    @Consumes(MediaType.APPLICATION_JSON)
    public List<String> updateConfig(ConfigUpdate update) {
        if (!caller.isOperator()) {
            throw new ApiException(403, "Forbidden", "only the platform's operators change its configuration");
        }
        if (update == null) {
            throw ApiException.badRequest("the body must be a JSON object with allowed_image_repositories");
        }
        images.allow(update.allowedImageRepositories());
        return images.allowed();
    }

    /** OSCAR's {@code configForUser}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UserConfig(@JsonProperty("config") Map<String, Object> config,
            @JsonProperty("minio_provider") MinioProvider minioProvider,
            @JsonProperty("allowed_image_repositories") List<String> allowedImageRepositories) {
    }

    /** The part of OSCAR's {@code configForUser} body that {@code PUT /system/config} changes. */
    public record ConfigUpdate(@JsonProperty("allowed_image_repositories") List<String> allowedImageRepositories) {
    }

    /** OSCAR's MinIO provider. */
    public record MinioProvider(@JsonProperty("endpoint") String endpoint, @JsonProperty("verify") boolean verify,
            @JsonProperty("access_key") String accessKey, @JsonProperty("secret_key") String secretKey,
            @JsonProperty("region") String region) {
    }
}
