package io.wharf.onetrigger;

import java.io.IOException;
import java.time.Duration;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.wharf.contracts.Json;
import io.wharf.contracts.onedata.Oneprovider;

import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * Listens to a space's changes stream ({@code POST /api/v3/oneprovider/changes/metadata/<space id>}), where the
 * Oneprovider offers it, and wakes a folder's watcher as soon as a file below the folder changes: listings stay the
 * source of truth (a change missed while the stream was down is found by the next listing), the stream only makes
 * a new file known sooner than the poll interval would. When the provider refuses the stream (the token lacks the
 * {@code space_view_changes_stream} privilege, or the provider has no such API), the folder is polled only.
 */
final class ChangesStream implements Runnable {

    private static final Logger LOG = Logger.getLogger(ChangesStream.class);
    private static final String API = "api/v3/oneprovider";
    private static final MediaType JSON = MediaType.get("application/json");
    /** The documents asked for: a file's metadata and its location (which changes as bytes are written). */
    private static final String SELECTION = "{\"fileMeta\":{\"fields\":[\"name\",\"type\"]},"
            + "\"fileLocation\":{\"fields\":[\"size\"]}}";
    /** How long a stream stays open without a change before it is opened again. */
    private static final Duration QUIET = Duration.ofMinutes(1);

    private final HttpUrl base;
    private final String space;
    private final String folderPrefix;
    private final String token;
    private final OkHttpClient http;
    private final Runnable wake;
    private final Duration retry;
    private volatile boolean stopped;
    private volatile okhttp3.Call current;

    /**
     * @param folder the watched folder inside the space
     * @param wake what to do when a file below the folder changes
     * @param retry how long to wait before opening the stream again after a failure
     */
    ChangesStream(String oneproviderHost, String space, String folder, String token, OkHttpClient http,
            Runnable wake, Duration retry) {
        this.base = HttpUrl.get(Oneprovider.baseUrl(oneproviderHost));
        this.space = space;
        this.folderPrefix = "/" + space + "/" + (folder.isEmpty() ? "" : folder + "/");
        this.token = token;
        this.http = http.newBuilder().readTimeout(QUIET.plusSeconds(30)).build();
        this.wake = wake;
        this.retry = retry;
    }

    /** Stops listening, closing the open stream at once. */
    void stop() {
        stopped = true;
        okhttp3.Call call = current;
        if (call != null) {
            call.cancel();
        }
    }

    @Override
    public void run() {
        while (!stopped && !Thread.currentThread().isInterrupted()) {
            try {
                String spaceId = spaceId();
                if (spaceId == null) {
                    LOG.debugf("space %s has no changes stream here; polling only", space);
                    return;
                }
                if (!listen(spaceId)) {
                    return;
                }
            } catch (IOException e) {
                if (stopped) {
                    return;
                }
                LOG.debugf("changes stream of space %s on %s: %s (opened again later)", space, base.host(),
                        e.getMessage());
                if (!pause(retry)) {
                    return;
                }
            }
        }
    }

    /** The space's id, from the token's spaces; {@code null} when the provider does not list it. */
    private String spaceId() throws IOException {
        Request request = new Request.Builder().url(base.newBuilder()
                .addPathSegments(API)
                .addPathSegment("spaces")
                .build()).header("X-Auth-Token", token).get().build();
        try (Response response = http.newCall(request).execute()) {
            if (response.code() != 200) {
                // a refused token is the listings' to report; here it only means: no stream for now
                throw new IOException("spaces: " + response.code());
            }
            for (JsonNode s : Json.json().readTree(response.body().byteStream())) {
                if (space.equals(s.path("name").asText())) {
                    return s.path("spaceId").asText(null);
                }
            }
            return null;
        }
    }

    /** @return whether to open the stream again (false: this provider offers none to this token) */
    private boolean listen(String spaceId) throws IOException {
        HttpUrl url = base.newBuilder()
                .addPathSegments(API)
                .addPathSegments("changes/metadata")
                .addPathSegment(spaceId)
                .addQueryParameter("timeout", String.valueOf(QUIET.toMillis()))
                .build();
        Request request = new Request.Builder().url(url)
                .header("X-Auth-Token", token)
                .post(RequestBody.create(SELECTION, JSON))
                .build();
        okhttp3.Call call = http.newCall(request);
        current = call;
        if (stopped) {
            return false;
        }
        try (Response response = call.execute()) {
            if (response.code() == 400 || response.code() == 403 || response.code() == 404
                    || response.code() == 405 || response.code() == 501) {
                LOG.infof("space %s on %s offers no changes stream to this token (%d); its folders are polled",
                        space, base.host(), response.code());
                return false;
            }
            if (response.code() != 200) {
                throw new IOException("changes stream answered " + response.code());
            }
            BufferedSource source = response.body().source();
            String line;
            while (!stopped && (line = source.readUtf8Line()) != null) {
                if (!line.isBlank() && concernsFolder(Json.json().readTree(line))) {
                    wake.run();
                }
            }
            return true;
        }
    }

    private boolean concernsFolder(JsonNode change) {
        String path = change.path("filePath").asText("");
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        return path.startsWith(folderPrefix);
    }

    private boolean pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
