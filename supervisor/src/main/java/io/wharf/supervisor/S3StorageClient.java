package io.wharf.supervisor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import io.minio.errors.MinioException;

/** MinIO or any S3-compatible store, through the MinIO Java SDK. */
public final class S3StorageClient implements StorageClient {

    private final MinioClient client;

    /**
     * One connection pool for every client of the platform's MinIO: executions get clients of their own credentials,
     * not of their own pool. Redirects are not followed.
     */
    private static final okhttp3.OkHttpClient HTTP = new okhttp3.OkHttpClient.Builder()
            .followRedirects(false)
            .followSslRedirects(false)
            .connectTimeout(java.time.Duration.ofSeconds(10))
            .readTimeout(java.time.Duration.ofMinutes(5))
            .writeTimeout(java.time.Duration.ofMinutes(5))
            .build();

    public S3StorageClient(S3Endpoint endpoint) {
        this(endpoint, HTTP);
    }

    /** A client over the given HTTP client (a function's own providers use the {@link EndpointGuard}'s). */
    public S3StorageClient(S3Endpoint endpoint, okhttp3.OkHttpClient http) {
        this.client = MinioClient.builder()
                .endpoint(endpoint.endpoint())
                .credentials(endpoint.accessKey(), endpoint.secretKey())
                .region(endpoint.region())
                .httpClient(http)
                .build();
    }

    @Override
    public void download(String bucket, String key, Path target) throws IOException {
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            Files.copy(in, target);
        } catch (MinioException | GeneralSecurityException e) {
            throw new IOException("cannot download " + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void upload(String bucket, String key, Path source, java.util.Map<String, String> metadata)
            throws IOException {
        String contentType = Files.probeContentType(source);
        try {
            UploadObjectArgs.Builder args = UploadObjectArgs.builder()
                    .bucket(bucket)
                    .object(key)
                    .filename(source.toString())
                    .userMetadata(metadata);
            if (contentType != null) {
                args.contentType(contentType);
            }
            client.uploadObject(args.build());
        } catch (MinioException | GeneralSecurityException e) {
            throw new IOException("cannot upload " + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }
}
