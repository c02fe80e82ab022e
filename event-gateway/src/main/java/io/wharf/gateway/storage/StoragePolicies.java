package io.wharf.gateway.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.Locations;
import io.wharf.contracts.function.StorageIO;

/**
 * The MinIO policies Wharf issues (AWS IAM policy documents): a user's, over the buckets they own, the buckets shared
 * with them and those that functions shared with them use; a function's, reading its input folders and writing its output folders, nothing else.
 */
public final class StoragePolicies {

    private static final List<String> READ = List.of("s3:GetObject");
    private static final List<String> WRITE = List.of("s3:PutObject", "s3:AbortMultipartUpload",
            "s3:ListMultipartUploadParts");
    /** A shared bucket: listing it (and the uploads under way in it). */
    private static final List<String> SHARED_BUCKET = List.of("s3:ListBucket", "s3:GetBucketLocation",
            "s3:ListBucketMultipartUploads");
    /** A shared bucket's objects: reading, writing and deleting them. */
    private static final List<String> SHARED_OBJECTS = List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject",
            "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts");

    private StoragePolicies() {
    }

    /**
     * A user's policy: everything on the buckets they own; on buckets shared with them ({@code public}, or
     * {@code restricted} naming them), reading and writing their objects (as OSCAR's restricted buckets: never the
     * bucket itself, its notifications or its policy); on functions shared with them, listing the function's buckets,
     * uploading into its input folders and reading its input and output folders. A user with nothing gets a statement
     * naming a bucket that cannot exist (a policy needs one), so the policy grants nothing.
     */
    public static Map<String, Object> user(Collection<String> ownedBuckets, Collection<String> sharedBuckets,
            Collection<FunctionDefinition> shared) {
        List<Map<String, Object>> statements = new ArrayList<>();
        List<String> owned = new ArrayList<>();
        for (String bucket : ownedBuckets.stream().sorted().distinct().toList()) {
            owned.add("arn:aws:s3:::" + bucket);
            owned.add("arn:aws:s3:::" + bucket + "/*");
        }
        if (!owned.isEmpty()) {
            statements.add(statement(List.of("s3:*"), owned));
        }
        List<String> sharedWhole = sharedBuckets.stream().sorted().distinct().toList();
        if (!sharedWhole.isEmpty()) {
            statements.add(statement(SHARED_BUCKET, sharedWhole.stream().map(b -> "arn:aws:s3:::" + b).toList()));
            statements.add(statement(SHARED_OBJECTS, sharedWhole.stream()
                    .map(b -> "arn:aws:s3:::" + b + "/*")
                    .toList()));
        }
        List<String> functionBuckets = shared.stream()
                .flatMap(f -> buckets(f).stream())
                .distinct()
                .sorted()
                .map(b -> "arn:aws:s3:::" + b)
                .toList();
        List<String> sharedInputs = objects(shared.stream().flatMap(f -> f.input().stream()));
        List<String> sharedAll = objects(shared.stream()
                .flatMap(f -> Stream.concat(f.input().stream(),
                        f.output().stream())));
        if (!functionBuckets.isEmpty()) {
            statements.add(statement(List.of("s3:ListBucket", "s3:GetBucketLocation"), functionBuckets));
        }
        if (!sharedInputs.isEmpty()) {
            statements.add(statement(WRITE, sharedInputs));
        }
        if (!sharedAll.isEmpty()) {
            statements.add(statement(READ, sharedAll));
        }
        return statements.isEmpty() ? nothing() : document(statements);
    }

    private static Map<String, Object> nothing() {
        return document(List.of(statement(List.of("s3:GetBucketLocation"), List.of("arn:aws:s3:::-none-"))));
    }

    /** Reads the function's input folders and writes its output folders on the platform's MinIO. */
    public static Map<String, Object> function(FunctionDefinition fn) {
        List<Map<String, Object>> statements = new ArrayList<>();
        List<String> inputs = objects(fn.input().stream());
        List<String> outputs = objects(fn.output().stream());
        if (!inputs.isEmpty()) {
            statements.add(statement(READ, inputs));
        }
        if (!outputs.isEmpty()) {
            statements.add(statement(WRITE, outputs));
        }
        if (!statements.isEmpty()) {
            // S3 clients that are not told the region ask the bucket for it first
            statements.add(statement(List.of("s3:GetBucketLocation"),
                    buckets(fn).stream().map(b -> "arn:aws:s3:::" + b).toList()));
        }
        return statements.isEmpty() ? nothing() : document(statements);
    }

    /** Whether a function touches the platform's MinIO at all. */
    public static boolean usesPlatformStorage(FunctionDefinition fn) {
        return Stream.concat(fn.input().stream(), fn.output().stream()).anyMatch(io -> io.provider().isPlatformMinio());
    }

    /** The platform MinIO buckets a function reads or writes. */
    public static List<String> buckets(FunctionDefinition fn) {
        return Stream.concat(fn.input().stream(), fn.output().stream())
                .filter(io -> io.provider().isPlatformMinio())
                .map(StorageIO::bucket)
                .distinct()
                .sorted()
                .toList();
    }

    private static List<String> objects(Stream<StorageIO> locations) {
        return locations.filter(io -> io.provider().isPlatformMinio())
                .map(io -> "arn:aws:s3:::" + io.bucket() + "/" + Locations.folder(io) + "*")
                .distinct()
                .toList();
    }

    private static Map<String, Object> statement(List<String> actions, List<String> resources) {
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Effect", "Allow");
        statement.put("Action", actions);
        statement.put("Resource", resources);
        return statement;
    }

    private static Map<String, Object> document(List<Map<String, Object>> statements) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("Version", "2012-10-17");
        document.put("Statement", statements);
        return document;
    }
}
