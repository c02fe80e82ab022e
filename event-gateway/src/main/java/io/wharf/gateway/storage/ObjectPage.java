package io.wharf.gateway.storage;

import java.util.List;

/**
 * One page of a bucket's objects.
 *
 * @param objects the objects, in key order
 * @param next the continuation token of the next page, or {@code null} on the last page
 */
public record ObjectPage(List<BucketPage.ObjectView> objects, String next) {
}
