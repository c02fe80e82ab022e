package io.wharf.gateway;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Bucket notifications as MinIO sends them: one record, the key query-escaped as Go's url.QueryEscape does. */
final class Notifications {

    private Notifications() {
    }

    /** A notification of an object a Wharf execution wrote (its user metadata names the execution). */
    static String minioOutput(String bucket, String key, String sequencer, String etag, String execution) {
        return minio("s3:ObjectCreated:Put", bucket, key, sequencer)
                .replace("\"eTag\":\"9b2cf535f27731c974343645a3985328\"", "\"eTag\":\"" + etag + "\"")
                .replace("\"contentType\":\"text/plain\"",
                        "\"contentType\":\"text/plain\",\"userMetadata\":{\"X-Amz-Meta-Wharf-Execution\":\"" + execution
                                + "\",\"content-type\":\"text/plain\"}");
    }

    static String minio(String eventName, String bucket, String key, String sequencer) {
        String escaped = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
        return """
                {"EventName":"%1$s","Key":"%2$s/%3$s","Records":[{"eventVersion":"2.0","eventSource":"minio:s3",
                 "awsRegion":"","eventTime":"2026-11-23T07:12:00.123Z","eventName":"%1$s",
                 "userIdentity":{"principalId":"wharf-test"},
                 "requestParameters":{"principalId":"wharf-test","region":"","sourceIPAddress":"127.0.0.1"},
                 "responseElements":{"x-amz-request-id":"17CF1A2B3C4D5E6F"},
                 "s3":{"s3SchemaVersion":"1.0","configurationId":"Config",
                  "bucket":{"name":"%2$s","ownerIdentity":{"principalId":"wharf-test"},"arn":"arn:aws:s3:::%2$s"},
                  "object":{"key":"%4$s","size":12,"eTag":"9b2cf535f27731c974343645a3985328",
                   "contentType":"text/plain","sequencer":"%5$s"}},
                 "source":{"host":"127.0.0.1","port":"","userAgent":"test"}}]}"""
                .formatted(eventName, bucket, jsonString(key), escaped, sequencer);
    }

    /** The key inside a JSON string, as MinIO writes it: quotes, backslashes and control characters escaped. */
    private static String jsonString(String key) {
        StringBuilder s = new StringBuilder();
        for (char c : key.toCharArray()) {
            if (c == '"' || c == '\\') {
                s.append('\\').append(c);
            } else if (c < 0x20) {
                s.append(String.format("\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
