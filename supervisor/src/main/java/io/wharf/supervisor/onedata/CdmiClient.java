package io.wharf.supervisor.onedata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.wharf.contracts.onedata.Oneprovider;
import io.wharf.supervisor.EndpointGuard;

import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The CDMI interface of a Oneprovider ({@code /cdmi/<space>/<path>}), as OSCAR's supervisor and cdmi-client-go use
 * it: raw {@code GET} and {@code PUT} of files, {@code PUT <folder>/} to create a folder, a CDMI {@code GET <folder>/}
 * to see whether one exists. The token travels in {@code X-Auth-Token} only. One client per provider, space and token.
 */
public final class CdmiClient {

    static final String VERSION_HEADER = "X-CDMI-Specification-Version";
    static final String VERSION = "1.1.1";
    static final String TOKEN_HEADER = "X-Auth-Token";
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");

    private final HttpUrl base;
    private final String space;
    private final String token;
    private final OkHttpClient http;

    /**
     * @param oneproviderHost as in the function's definition ({@link Oneprovider#baseUrl})
     * @param http a client whose DNS refuses private addresses unless allowed (the {@code EndpointGuard}'s)
     */
    public CdmiClient(String oneproviderHost, String space, String token, OkHttpClient http) {
        this.base = HttpUrl.get(Oneprovider.baseUrl(oneproviderHost));
        this.space = space;
        this.token = token;
        this.http = http;
    }

    /** The space this client reaches. */
    public String space() {
        return space;
    }

    /** Checks that the token opens the space: a CDMI read of its root container. */
    public void checkSpace() throws IOException {
        try (Response response = call(cdmi(url("", true)).get().build())) {
            if (response.code() != 200) {
                throw failure("cannot open space '" + space + "'", "", response);
            }
        }
    }

    /** Downloads a file of the space into {@code target}, which must not exist yet. */
    public void download(String path, Path target) throws IOException {
        try (Response response = call(request(url(path, false)).get().build())) {
            if (response.code() != 200) {
                throw failure("cannot download", path, response);
            }
            try (InputStream in = response.body().byteStream()) {
                Files.copy(in, target);
            }
        }
    }

    /** Uploads a file, replacing any file of that path; the folders above it are created first. */
    public void upload(String path, Path source, String contentType) throws IOException {
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
            createFolders(path.substring(0, slash));
        }
        MediaType type = contentType == null ? OCTETS : MediaType.parse(contentType);
        RequestBody body = RequestBody.create(source.toFile(), type == null ? OCTETS : type);
        try (Response response = call(request(url(path, false)).put(body).build())) {
            if (response.code() != 201 && response.code() != 202 && response.code() != 204) {
                throw failure("cannot upload", path, response);
            }
        }
    }

    /** Creates a folder of the space and those above it, as {@code mkdir -p} does. */
    public void createFolders(String path) throws IOException {
        String[] segments = trim(path).split("/");
        StringBuilder current = new StringBuilder();
        for (String segment : segments) {
            if (segment.isEmpty()) {
                continue;
            }
            current.append(current.length() == 0 ? "" : "/").append(segment);
            if (!folderExists(current.toString())) {
                createFolder(current.toString());
            }
        }
    }

    /** Whether a folder exists: a CDMI read of the container answers 200. */
    public boolean folderExists(String path) throws IOException {
        try (Response response = call(cdmi(url(path, true)).get().build())) {
            if (response.code() == 200) {
                return true;
            }
            if (response.code() == 404) {
                return false;
            }
            throw failure("cannot look at folder", path, response);
        }
    }

    private void createFolder(String path) throws IOException {
        RequestBody empty = RequestBody.create(new byte[0], null);
        try (Response response = call(request(url(path, true)).put(empty).build())) {
            // 400 eexist: made meanwhile by someone else, which is as good
            if (response.code() != 201 && response.code() != 204 && !(response.code() == 400
                    && folderExists(path))) {
                throw failure("cannot create folder", path, response);
            }
        }
    }

    private Response call(Request request) throws IOException {
        try {
            return http.newCall(request).execute();
        } catch (EndpointGuard.ForbiddenEndpointException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot reach the Oneprovider " + base.host() + ": " + e.getMessage(), e);
        }
    }

    private Request.Builder request(HttpUrl url) {
        return new Request.Builder().url(url).header(TOKEN_HEADER, token);
    }

    private Request.Builder cdmi(HttpUrl url) {
        return request(url).header(VERSION_HEADER, VERSION);
    }

    /** {@code /cdmi/<space>/<path>}, every segment escaped; a trailing '/' for a container. */
    private HttpUrl url(String path, boolean container) {
        HttpUrl.Builder url = base.newBuilder().addPathSegment("cdmi").addPathSegment(space);
        for (String segment : List.of(trim(path).split("/"))) {
            if (!segment.isEmpty()) {
                url.addPathSegment(segment);
            }
        }
        if (container) {
            url.addPathSegment("");
        }
        return url.build();
    }

    private OneproviderException failure(String what, String path, Response response) {
        String why = OneproviderException.reason(response.code())
                + (response.code() == 401 || response.code() == 403 || response.code() == 404 ? "" : errorOf(response));
        return new OneproviderException(what + " " + space + "/" + trim(path) + " on " + base.host() + ": " + why,
                response.code());
    }

    /** Onedata's error description, when the body has one (short; it never holds the token). */
    private static String errorOf(Response response) {
        try {
            String body = response.body() == null ? "" : response.peekBody(2048).string();
            String description = io.wharf.contracts.Json.json()
                    .readTree(body)
                    .path("error")
                    .path("description")
                    .asText("");
            return description.isEmpty() ? "" : " (" + description + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String trim(String path) {
        String p = path == null ? "" : path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
