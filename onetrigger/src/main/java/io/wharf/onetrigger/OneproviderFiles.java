package io.wharf.onetrigger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

import io.wharf.contracts.Json;
import io.wharf.contracts.onedata.Oneprovider;
import io.wharf.supervisor.onedata.OneproviderException;

import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Lists a folder of a space through a Oneprovider's REST API v3: {@code POST /lookup-file-id/<space>/<folder>} for
 * the folder's id, {@code GET /data/<id>/children} page by page, {@code GET /data/<id>} for a child's type, size and
 * modification time. A child's type never changes, so it is asked once; a file's size and time are asked only while
 * the caller still wants them (files already announced are not looked at again).
 */
final class OneproviderFiles {

    private static final String API = "api/v3/oneprovider";
    private static final int PAGE = 1000;

    /** A file of the space; {@code -1} for what was not asked. */
    record FileInfo(String id, String path, long size, long mtime, long ctime) {

        /** When the file last changed, its content or its place (a move changes ctime, not mtime). */
        long changed() {
            return Math.max(mtime, ctime);
        }
    }

    /** Which of a folder's files are still of interest (not yet announced): only those are asked for their size. */
    interface Interest {

        boolean wants(String fileId);
    }

    private final HttpUrl base;
    private final String space;
    private final String token;
    private final OkHttpClient http;
    private final Map<String, Boolean> isFolder = new ConcurrentHashMap<>();

    /**
     * @param http the endpoint guard's client (its DNS refuses private addresses); every call is bounded by
     *        {@code callTimeout}, so a slow provider holds a thread no longer
     */
    OneproviderFiles(String oneproviderHost, String space, String token, OkHttpClient http,
            java.time.Duration callTimeout) {
        this.base = HttpUrl.get(Oneprovider.baseUrl(oneproviderHost));
        this.space = space;
        this.token = token;
        this.http = http.newBuilder().callTimeout(callTimeout).build();
    }

    /**
     * The regular files under a folder of the space, down to {@code maxDepth} folders below it, those of interest
     * with their size and time (the others with {@code -1}).
     *
     * @throws OneproviderException when the provider refuses the token, or the folder does not exist
     * @throws IOException when the provider cannot be reached
     */
    List<FileInfo> files(String folder, int maxDepth, Interest interest) throws IOException {
        String folderId = lookUp(folder);
        List<FileInfo> files = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        walk(folderId, folder, maxDepth, interest, files, seen);
        // what is no longer there is forgotten: the memory follows the folder, not its history
        isFolder.keySet().retainAll(seen);
        return files;
    }

    private void walk(String dirId, String dirPath, int depthLeft, Interest interest, List<FileInfo> files,
            java.util.Set<String> seen) throws IOException {
        for (int offset = 0;; offset += PAGE) {
            JsonNode page = json(get(url("data", dirId, "children").addQueryParameter("limit", String.valueOf(PAGE))
                    .addQueryParameter("offset", String.valueOf(offset))
                    .build()), "list folder " + dirPath);
            JsonNode children = page.path("children");
            for (JsonNode child : children) {
                String id = child.path("id").asText(child.path("fileId").asText(""));
                String name = child.path("name").asText("");
                if (id.isEmpty() || name.isEmpty() || name.contains("/")) {
                    continue;
                }
                String path = dirPath.isEmpty() ? name : dirPath + "/" + name;
                seen.add(id);
                Boolean folder = isFolder.get(id);
                if (folder == null || (!folder && interest.wants(id))) {
                    JsonNode attrs = json(get(url("data", id).build()), "read attributes of " + path);
                    folder = "DIR".equalsIgnoreCase(attrs.path("type").asText());
                    isFolder.put(id, folder);
                    if (!folder) {
                        files.add(new FileInfo(id, path, attrs.path("size").asLong(-1), attrs.path("mtime")
                                .asLong(-1), attrs.path("ctime").asLong(-1)));
                        continue;
                    }
                }
                if (folder && depthLeft > 0) {
                    walk(id, path, depthLeft - 1, interest, files, seen);
                } else if (!folder) {
                    files.add(new FileInfo(id, path, -1, -1, -1));
                }
            }
            if (page.path("isLast").asBoolean(true) || children.size() < PAGE) {
                return;
            }
        }
    }

    private String lookUp(String folder) throws IOException {
        HttpUrl.Builder url = base.newBuilder()
                .addPathSegments(API)
                .addPathSegment("lookup-file-id")
                .addPathSegment(space);
        for (String segment : folder.split("/")) {
            if (!segment.isEmpty()) {
                url.addPathSegment(segment);
            }
        }
        Request request = new Request.Builder().url(url.build())
                .header("X-Auth-Token", token)
                .post(RequestBody.create(new byte[0], null))
                .build();
        JsonNode found = json(request, "find folder " + folder);
        String id = found.path("fileId").asText("");
        if (id.isEmpty()) {
            throw new OneproviderException("find folder " + space + "/" + folder + " on " + base.host()
                    + ": the answer names no fileId", 502);
        }
        return id;
    }

    private HttpUrl.Builder url(String... segments) {
        HttpUrl.Builder url = base.newBuilder().addPathSegments(API);
        for (String segment : segments) {
            url.addPathSegment(segment);
        }
        return url;
    }

    private Request get(HttpUrl url) {
        return new Request.Builder().url(url).header("X-Auth-Token", token).get().build();
    }

    private JsonNode json(Request request, String what) throws IOException {
        Response response;
        try {
            response = http.newCall(request).execute();
        } catch (io.wharf.supervisor.EndpointGuard.ForbiddenEndpointException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot reach the Oneprovider " + base.host() + ": " + e.getMessage(), e);
        }
        try (response) {
            if (response.code() != 200) {
                // Onedata answers a missing path with 404, or 400 and the POSIX error enoent
                String body = response.body() == null ? "" : response.peekBody(2048).string();
                boolean enoent = response.code() == 400 && body.contains("enoent");
                int status = enoent ? 404 : response.code();
                throw new OneproviderException(what + " in space " + space + " on " + base.host() + ": "
                        + OneproviderException.reason(status), status);
            }
            return Json.json().readTree(response.body().byteStream());
        }
    }
}
