package io.wharf.gateway.storage;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.errors.MinioException;
import io.minio.http.Method;
import io.wharf.gateway.GatewayConfig;
import io.wharf.jetstream.StoreException;

/**
 * Presigned URLs for one object, signed with the platform's root keys (as OSCAR signs them) for the MinIO endpoint
 * clients reach ({@code wharf.storage.public-endpoint}, else the endpoint the gateway uses): a URL is valid only for
 * the host it was signed for. Signing is local: the region is configured, so MinIO is not asked for it.
 */
@ApplicationScoped
public class Presigner {

    private final MinioClient client;

    public Presigner(GatewayConfig config) {
        GatewayConfig.Storage s = config.storage();
        this.client = MinioClient.builder()
                .endpoint(s.publicEndpoint().orElse(s.endpoint()))
                .credentials(s.accessKey(), s.secretKey())
                .region(s.region())
                .build();
    }

    public PresignedUrl presign(String bucket, PresignRequest.Valid request) {
        Instant now = Instant.now();
        GetPresignedObjectUrlArgs.Builder args = GetPresignedObjectUrlArgs.builder()
                .method(request.operation() == PresignRequest.Operation.UPLOAD ? Method.PUT : Method.GET)
                .bucket(bucket)
                .object(request.objectKey())
                .expiry(request.expiresIn())
                .extraHeaders(request.headers());
        if (request.operation() == PresignRequest.Operation.DOWNLOAD && request.contentType() != null) {
            args.extraQueryParams(Map.of("response-content-type", request.contentType()));
        }
        try {
            String url = client.getPresignedObjectUrl(args.build());
            return new PresignedUrl(request.objectKey(), request.operation().oscarName(),
                    request.operation().method(), url,
                    now.plusSeconds(request.expiresIn()).truncatedTo(ChronoUnit.SECONDS).toString(),
                    request.headers());
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw new StoreException("cannot presign " + bucket + "/" + request.objectKey() + ": " + e.getMessage(), e);
        }
    }
}
