package io.wharf.supervisor;

/**
 * Where an S3-compatible store listens and the credentials to use it.
 *
 * @param endpoint {@code http(s)://host:port}
 * @param accessKey access key
 * @param secretKey secret key; never logged ({@link #toString()} leaves it out)
 * @param region region, {@code us-east-1} when unknown
 */
public record S3Endpoint(String endpoint, String accessKey, String secretKey, String region) {

    public static final String DEFAULT_REGION = "us-east-1";
    public static final String AWS_ENDPOINT = "https://s3.amazonaws.com";

    public S3Endpoint {
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
    }

    @Override
    public String toString() {
        return "S3Endpoint[endpoint=" + endpoint + ", accessKey=" + accessKey + ", region=" + region + "]";
    }
}
