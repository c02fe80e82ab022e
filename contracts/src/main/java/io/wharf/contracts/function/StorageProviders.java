package io.wharf.contracts.function;

import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The storage providers a function may name in its inputs and outputs, keyed by identifier, as in OSCAR's FDL. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record StorageProviders(
        @JsonProperty("minio") Map<String, MinioProvider> minio,
        @JsonProperty("s3") Map<String, S3Provider> s3,
        @JsonProperty("onedata") Map<String, OnedataProvider> onedata) {

    public static final StorageProviders NONE = new StorageProviders(null, null, null);

    public StorageProviders {
        minio = withoutNulls(minio);
        s3 = withoutNulls(s3);
        onedata = withoutNulls(onedata);
    }

    /** An entry without a value ({@code id:} in YAML, {@code "id": null} in JSON) defines nothing. */
    private static <T> Map<String, T> withoutNulls(Map<String, T> providers) {
        if (providers == null) {
            return Map.of();
        }
        return providers.entrySet()
                .stream()
                .filter(e -> e.getKey() != null && e.getValue() != null)
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    public boolean defines(ProviderRef ref) {
        return switch (ref.type()) {
            case ProviderRef.MINIO -> minio.containsKey(ref.id());
            case ProviderRef.S3 -> s3.containsKey(ref.id());
            case ProviderRef.ONEDATA -> onedata.containsKey(ref.id());
            default -> false;
        };
    }

    /**
     * The same providers with every secret (secret keys, tokens) passed through {@code change}, which is told the
     * secret's field ({@code storage_providers.minio.<id>.secret_key}) and its value.
     */
    public StorageProviders withSecrets(BinaryOperator<String> change) {
        return new StorageProviders(
                mapEntries(minio, (id, p) -> new MinioProvider(p.endpoint(), p.verify(), p.accessKey(),
                        secret("storage_providers.minio." + id + ".secret_key", p.secretKey(), change), p.region())),
                mapEntries(s3, (id, p) -> new S3Provider(p.accessKey(),
                        secret("storage_providers.s3." + id + ".secret_key", p.secretKey(), change), p.region())),
                mapEntries(onedata, (id, p) -> new OnedataProvider(p.oneproviderHost(),
                        secret("storage_providers.onedata." + id + ".token", p.token(), change), p.space())));
    }

    /** The same providers where a secret left {@link FunctionDefinition#REDACTED} takes its value in {@code current}. */
    public StorageProviders keepingRedactedSecretsOf(StorageProviders current) {
        return new StorageProviders(
                mapEntries(minio, (id, p) -> redacted(p.secretKey()) && current.minio.containsKey(id)
                        ? new MinioProvider(p.endpoint(), p.verify(), p.accessKey(), current.minio.get(id).secretKey(),
                                p.region())
                        : p),
                mapEntries(s3, (id, p) -> redacted(p.secretKey()) && current.s3.containsKey(id)
                        ? new S3Provider(p.accessKey(), current.s3.get(id).secretKey(), p.region())
                        : p),
                mapEntries(onedata, (id, p) -> redacted(p.token()) && current.onedata.containsKey(id)
                        ? new OnedataProvider(p.oneproviderHost(), current.onedata.get(id).token(), p.space())
                        : p));
    }

    private static boolean redacted(String value) {
        return FunctionDefinition.REDACTED.equals(value);
    }

    private static String secret(String field, String value, BinaryOperator<String> change) {
        return value == null ? null : change.apply(field, value);
    }

    private static <T> Map<String, T> mapEntries(Map<String, T> providers, BiFunction<String, T, T> op) {
        return providers.entrySet()
                .stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> op.apply(e.getKey(), e.getValue())));
    }

    /** A MinIO server. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MinioProvider(
            @JsonProperty("endpoint") String endpoint,
            @JsonProperty("verify") Boolean verify,
            @JsonProperty("access_key") String accessKey,
            @JsonProperty("secret_key") String secretKey,
            @JsonProperty("region") String region) {
    }

    /** Amazon S3. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record S3Provider(
            @JsonProperty("access_key") String accessKey,
            @JsonProperty("secret_key") String secretKey,
            @JsonProperty("region") String region) {
    }

    /** A Onedata space on a Oneprovider. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OnedataProvider(
            @JsonProperty("oneprovider_host") String oneproviderHost,
            @JsonProperty("token") String token,
            @JsonProperty("space") String space) {
    }
}
