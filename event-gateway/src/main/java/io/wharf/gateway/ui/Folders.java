package io.wharf.gateway.ui;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.wharf.contracts.function.StorageIO;
import io.wharf.gateway.api.ApiException;
import io.wharf.gateway.api.BucketsResource;
import io.wharf.gateway.storage.BucketPage;

/**
 * A function's input or output folder with its files, listed through the public API's bucket listing
 * ({@code GET /system/buckets/{bucket}}) as the user: a bucket they may not see is said so, not shown.
 */
@ApplicationScoped
public class Folders {

    /** How many pages of a bucket a listing reads at most, looking for the folder's objects. */
    private static final int MAX_PAGES = 20;
    private static final int MAX_OBJECTS = 200;

    private final BucketsResource buckets;

    public Folders(BucketsResource buckets) {
        this.buckets = buckets;
    }

    /** @param upload whether the page offers uploads into the folder */
    Views.Folder of(String kind, StorageIO location, boolean upload) {
        String where = location.storageProvider() + ": " + location.path();
        if (!FunctionForm.onPlatformMinio(location)) {
            return new Views.Folder(kind, where, location.bucket(), location.keyPrefix(), false,
                    "not on the platform's storage: use that storage's own client", List.of(), false, "");
        }
        String bucket = location.bucket();
        String prefix = location.keyPrefix().isEmpty() ? "" : location.keyPrefix() + "/";
        List<Views.ObjectRow> objects = new ArrayList<>();
        boolean more = false;
        try {
            String page = null;
            for (int i = 0; i < MAX_PAGES && !more; i++) {
                BucketPage listing = buckets.read(bucket, page);
                for (BucketPage.ObjectView o : listing.objects()) {
                    String key = o.objectName();
                    if (!key.startsWith(prefix) || key.endsWith("/")) {
                        continue;
                    }
                    if (objects.size() == MAX_OBJECTS) {
                        more = true;
                        break;
                    }
                    objects.add(new Views.ObjectRow(key, key.substring(prefix.length()), Formats.bytes(o.sizeBytes()),
                            o.lastModified() == null ? "" : o.lastModified().replace('T', ' '),
                            Formats.fileHref(bucket + "/" + key)));
                }
                page = listing.nextPage();
                if (page == null || pastFolder(listing, prefix)) {
                    break;
                }
            }
        } catch (ApiException e) {
            return new Views.Folder(kind, where, bucket, prefix, false, e.getMessage(), List.of(), false, "");
        }
        return new Views.Folder(kind, where, bucket, prefix, true, "", objects, more,
                upload ? Formats.fileHref(bucket + "/" + prefix) : "");
    }

    /** Whether the listing, in key order, has gone beyond the folder's keys. */
    private static boolean pastFolder(BucketPage listing, String prefix) {
        if (listing.objects().isEmpty()) {
            return true;
        }
        String last = listing.objects().get(listing.objects().size() - 1).objectName();
        return last.compareTo(prefix) > 0 && !last.startsWith(prefix);
    }
}
