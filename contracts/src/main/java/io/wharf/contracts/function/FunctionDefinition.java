package io.wharf.contracts.function;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BinaryOperator;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A function: what runs for every file that lands in its inputs. The JSON form is OSCAR's service JSON, so OSCAR's
 * clients read and write it unchanged; fields OSCAR has and Wharf does not use are accepted and ignored.
 *
 * @param name unique name, see {@link FunctionNames}
 * @param clusterId the OSCAR cluster identifier the FDL placed the function under, kept for OSCAR's clients
 * @param image container image the script runs in; it needs nothing but {@code /bin/sh}
 * @param script the shell script's content
 * @param cpu CPU limit, in cores ({@code 0.5}) or millicores ({@code 500m}); the platform default when absent
 * @param memory memory limit as a Kubernetes quantity ({@code 256Mi}); the platform default when absent
 * @param timeout Wharf extension: seconds an execution may run before it is killed; the platform default when absent
 * @param logLevel OSCAR's supervisor log level, passed to the script as {@code LOG_LEVEL}
 * @param token bearer token that may invoke this function ({@code POST /job/<name>}); generated when absent
 * @param environment variables (and secrets) the script sees
 * @param input where the files to process land
 * @param output where the files the script writes go
 * @param storageProviders the stores {@code input} and {@code output} may name besides the platform's MinIO
 * @param owner the user who created the function; only the owner changes or deletes it
 * @param visibility OSCAR's {@code private}, {@code public} or {@code restricted}: who else may see and run it
 * @param allowedUsers with {@code restricted}, the other users who may see and run it
 * @param labels free-form labels
 * @param uid set by the gateway when the function is created, kept by updates: tells this function from an
 *        earlier one of the same name (its envelopes, executions and sealed secrets)
 * @param revision set by the gateway: 1 when the function is created, one more with every update; each execution
 *        records the revision it ran with
 * @param enableGpu OSCAR's {@code enable_gpu}: the script gets one GPU (the Kubernetes executor asks for one; the
 *        local executors have none to give, docs/kubernetes.md)
 * @param volumes Wharf extension: volumes the operators offer, mounted into the script's container (Kubernetes
 *        executor only, docs/kubernetes.md)
 * @param build Wharf extension: the image is built for the function from this ({@code image} is then the built one)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record FunctionDefinition(
        @JsonProperty("name") String name,
        @JsonProperty("cluster_id") String clusterId,
        @JsonProperty("image") String image,
        @JsonProperty("script") String script,
        @JsonProperty("cpu") String cpu,
        @JsonProperty("memory") String memory,
        @JsonProperty("timeout") Integer timeout,
        @JsonProperty("log_level") String logLevel,
        @JsonProperty("token") String token,
        @JsonProperty("environment") Environment environment,
        @JsonProperty("input") List<StorageIO> input,
        @JsonProperty("output") List<StorageIO> output,
        @JsonProperty("storage_providers") StorageProviders storageProviders,
        @JsonProperty("owner") String owner,
        @JsonProperty("visibility") String visibility,
        @JsonProperty("allowed_users") List<String> allowedUsers,
        @JsonProperty("labels") Map<String, String> labels,
        @JsonProperty("uid") String uid,
        @JsonProperty("revision") Integer revision,
        @JsonProperty("enable_gpu") Boolean enableGpu,
        @JsonProperty("volumes") List<VolumeMount> volumes,
        @JsonProperty("build") io.wharf.contracts.build.BuildSpec build) {

    /** The label by which a function opts in to warm workers; its value is {@code "true"} or {@code "false"}. */
    public static final String WARM_LABEL = "wharf.io/warm";

    public static final String REDACTED = "********";

    public FunctionDefinition {
        // oscar-cli sends "" for an FDL without cpu or memory: empty means the platform's default
        cpu = cpu == null || cpu.isBlank() ? null : cpu;
        memory = memory == null || memory.isBlank() ? null : memory;
        environment = environment == null ? Environment.EMPTY : environment;
        input = input == null ? List.of() : List.copyOf(input);
        output = output == null ? List.of() : List.copyOf(output);
        storageProviders = storageProviders == null ? StorageProviders.NONE : storageProviders;
        allowedUsers = allowedUsers == null ? List.of() : allowedUsers.stream().filter(Objects::nonNull).toList();
        labels = labels == null ? Map.of() : withoutNullKeys(labels);
        volumes = volumes == null ? List.of() : volumes.stream().filter(Objects::nonNull).toList();
    }

    private static Map<String, String> withoutNullKeys(Map<String, String> labels) {
        Map<String, String> copy = new LinkedHashMap<>();
        labels.forEach((k, v) -> {
            if (k != null) {
                copy.put(k, v == null ? "" : v);
            }
        });
        return Collections.unmodifiableMap(copy);
    }

    /**
     * The same definition as the platform keeps it: owner, token, uid and revision are the platform's, not the
     * client's.
     */
    public FunctionDefinition managedBy(String newOwner, String newToken, String newUid, Integer newRevision) {
        return new FunctionDefinition(name, clusterId, image, script, cpu, memory, timeout, logLevel, newToken,
                environment, input, output, storageProviders, newOwner, visibility, allowedUsers, labels, newUid,
                newRevision, enableGpu, volumes, build);
    }

    /** The same definition on another image (the one its {@code build} section made). */
    public FunctionDefinition withImage(String newImage) {
        return new FunctionDefinition(name, clusterId, newImage, script, cpu, memory, timeout, logLevel, token,
                environment, input, output, storageProviders, owner, visibility, allowedUsers, labels, uid,
                revision, enableGpu, volumes, build);
    }

    /** The same definition with another script (an FDL file's {@code script:} read from the file it names). */
    public FunctionDefinition withScript(String newScript) {
        return new FunctionDefinition(name, clusterId, image, newScript, cpu, memory, timeout, logLevel, token,
                environment, input, output, storageProviders, owner, visibility, allowedUsers, labels, uid,
                revision, enableGpu, volumes, build);
    }

    /** The same definition with storage provider secrets and environment secrets redacted, for API responses. */
    public FunctionDefinition redacted() {
        return withSecrets((field, v) -> REDACTED);
    }

    /**
     * The same definition for its owner: the keys of its own storage providers opened (OSCAR's clients read them to
     * move files in and out of those stores), its environment secrets redacted.
     */
    public FunctionDefinition forOwner(SecretCipher cipher) {
        return withSecrets((field, v) -> field.startsWith("environment.")
                ? REDACTED
                : cipher.open(v, uid + "/"
                        + field));
    }

    /** The same definition with every secret sealed, bound to this function's uid and the secret's field. */
    public FunctionDefinition sealed(SecretCipher cipher) {
        return withSecrets((field, v) -> cipher.seal(v, uid + "/" + field));
    }

    /**
     * The same definition with every secret opened, for an execution.
     *
     * @throws IllegalArgumentException when a secret was sealed for another function or field, or altered
     */
    public FunctionDefinition opened(SecretCipher cipher) {
        return withSecrets((field, v) -> cipher.open(v, uid + "/" + field));
    }

    /**
     * The same definition where every secret left {@link #REDACTED} (as a client read it) takes the value it has in
     * {@code current}: a definition read, edited and written back keeps its secrets.
     */
    public FunctionDefinition keepingRedactedSecretsOf(FunctionDefinition current) {
        Map<String, String> secrets = new LinkedHashMap<>(environment.secrets());
        secrets.replaceAll((k, v) -> REDACTED.equals(v) ? current.environment().secrets().get(k) : v);
        return new FunctionDefinition(name, clusterId, image, script, cpu, memory, timeout, logLevel, token,
                new Environment(environment.variables(), secrets), input, output,
                storageProviders.keepingRedactedSecretsOf(current.storageProviders()), owner, visibility,
                allowedUsers, labels, uid, revision, enableGpu, volumes, build);
    }

    /** Every secret value (environment secrets, provider keys and tokens) passed through {@code change}. */
    private FunctionDefinition withSecrets(BinaryOperator<String> change) {
        Map<String, String> secrets = new LinkedHashMap<>(environment.secrets());
        secrets.replaceAll((k, v) -> change.apply("environment.secrets." + k, v));
        return new FunctionDefinition(name, clusterId, image, script, cpu, memory, timeout, logLevel, token,
                new Environment(environment.variables(), secrets), input, output,
                storageProviders.withSecrets(change), owner, visibility, allowedUsers, labels, uid,
                revision, enableGpu, volumes, build);
    }

    /**
     * Who besides the owner may see and run the function. As in OSCAR, no visibility means private, and
     * {@code allowed_users} counts only for a restricted function.
     */
    public Visibility effectiveVisibility() {
        Visibility parsed = Visibility.parse(visibility);
        return parsed != null ? parsed : Visibility.PRIVATE;
    }

    /** The revision the next update gets (a function stored before revisions were kept counts as revision 1). */
    public int nextRevision() {
        return revision == null ? 2 : revision + 1;
    }

    public boolean isOwnedBy(String user) {
        return owner != null && owner.equals(user);
    }

    /**
     * Whether the function asked for warm workers ({@value #WARM_LABEL}{@code : "true"}): its executions reuse a
     * running container of the function instead of starting one each ({@code docs/warm-workers.md}).
     */
    @JsonIgnore
    public boolean warm() {
        return "true".equals(labels.get(WARM_LABEL));
    }

    /** Whether the user may see and run this function (only its owner may change it). */
    public boolean isVisibleTo(String user) {
        if (isOwnedBy(user)) {
            return true;
        }
        if (owner == null || user == null) {
            return false;
        }
        return switch (effectiveVisibility()) {
            case PUBLIC -> true;
            case RESTRICTED -> allowedUsers.contains(user);
            case PRIVATE -> false;
        };
    }

    /**
     * The script's environment. OSCAR writes {@code Variables} in JSON and FDL files say {@code variables}: both are
     * read.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Environment(
            @JsonProperty("Variables") @JsonAlias( {
                    "variables", "vars"}) Map<String, String> variables,
            @JsonProperty("secrets") @JsonAlias("Secrets") Map<String, String> secrets){

        public static final Environment EMPTY = new Environment(null, null);

        public Environment {
            variables = nullsAsEmpty(variables);
            secrets = nullsAsEmpty(secrets);
        }

        /** YAML's {@code KEY:} with no value reads as null; the script sees an empty variable. */
        private static Map<String, String> nullsAsEmpty(Map<String, String> values) {
            if (values == null) {
                return Map.of();
            }
            Map<String, String> copy = new LinkedHashMap<>();
            values.forEach((k, v) -> copy.put(k, v == null ? "" : v));
            return Collections.unmodifiableMap(copy);
        }
    }
}
