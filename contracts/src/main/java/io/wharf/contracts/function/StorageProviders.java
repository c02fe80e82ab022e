package io.wharf.contracts.function;

import java.util.Map;
import java.util.function.UnaryOperator;
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

    /** The same providers with every secret replaced by {@link FunctionDefinition#REDACTED}. */
    public StorageProviders redacted() {
        return new StorageProviders(
                redact(minio, p -> new MinioProvider(p.endpoint(), p.verify(), p.accessKey(),
                        FunctionDefinition.redact(p.secretKey()), p.region())),
                redact(s3, p -> new S3Provider(p.accessKey(), FunctionDefinition.redact(p.secretKey()), p.region())),
                redact(onedata, p -> new OnedataProvider(p.oneproviderHost(), FunctionDefinition.redact(p.token()),
                        p.space())));
    }

    private static <T> Map<String, T> redact(Map<String, T> providers, UnaryOperator<T> op) {
        return providers.entrySet()
                .stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> op.apply(e.getValue())));
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
