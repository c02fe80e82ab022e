package io.wharf.onetrigger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.wharf.contracts.Json;
import io.wharf.contracts.onedata.OneTriggerEvent;

/**
 * Announces a file to the gateway: OneTrigger's event, posted to {@code /events/onedata?function=<name>} with
 * onetrigger's token. The gateway answers only once the envelope is stored, and a second announcement of a file is a
 * duplicate there, so announcing again after a failure is always safe.
 */
@ApplicationScoped
public class GatewayAnnouncer {

    /** The gateway did not take the event; {@link #retryable} says whether sending it again can help. */
    static final class AnnounceException extends IOException {

        private final boolean retryable;

        AnnounceException(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        boolean retryable() {
            return retryable;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI events;
    private final String token;

    public GatewayAnnouncer(OnetriggerConfig config) {
        String url = config.onetrigger().gatewayUrl();
        this.events = URI.create((url.endsWith("/") ? url : url + "/") + "events/onedata");
        this.token = config.onetrigger().token();
    }

    /**
     * @param function the function whose watch saw the file (a valid name: no escaping needed)
     * @param uid the incarnation of the function the watch belongs to (hexadecimal)
     * @throws AnnounceException when the gateway is unreachable or refused the event
     */
    void announce(String function, String uid, OneTriggerEvent event) throws AnnounceException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(events + "?function=" + function + "&uid=" + uid))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.json().writeValueAsBytes(event)))
                    .build();
        } catch (IOException e) {
            throw new AnnounceException("cannot write the event: " + e.getMessage(), false);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AnnounceException("cannot reach the gateway at " + events + ": " + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AnnounceException("interrupted while announcing", true);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        boolean retryable = status >= 500 || status == 401 || status == 403 || status == 429;
        String body = response.body().length() > 300 ? response.body().substring(0, 300) : response.body();
        throw new AnnounceException("the gateway answered " + status + (status == 401 || status == 403
                ? " (it does not accept onetrigger's token: check wharf.onetrigger.token and the gateway's "
                        + "wharf.gateway.onetrigger-token)"
                : ": " + body), retryable);
    }
}
