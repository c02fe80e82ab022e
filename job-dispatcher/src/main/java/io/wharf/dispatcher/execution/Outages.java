package io.wharf.dispatcher.execution;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Set;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.ServerException;
import io.wharf.dispatcher.kubernetes.NoCapacityException;
import io.wharf.jetstream.StoreException;
import io.wharf.supervisor.EndpointGuard;

/**
 * Tells an outage (storage, NATS, the engine or the Kubernetes API unavailable for a while) from a failure that says something about
 * the execution. An outage does not use up an execution's retries: it waits for the platform to come back.
 */
final class Outages {

    /** S3 error codes that mean "the server cannot serve now", not "this request is wrong". */
    private static final Set<String> UNAVAILABLE = Set.of("ServiceUnavailable", "SlowDown", "InternalError",
            "XMinioServerNotInitialized", "XMinioStorageFull", "RequestTimeout");

    private Outages() {
    }

    static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof EndpointGuard.ForbiddenEndpointException) {
                return false;
            }
            if (t instanceof NoCapacityException || t instanceof BuildGate.BuildPending) {
                return true;
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof SocketTimeoutException || t instanceof UnknownHostException
                    || t instanceof ServerException || t instanceof StoreException
                    || t instanceof java.io.EOFException) {
                return true;
            }
            if (t instanceof KubernetesClientException k && (k.getCode() == 0 || k.getCode() == 429
                    || k.getCode() >= 500)) {
                // the API server unreachable, overloaded or failing: not this execution's fault
                return true;
            }
            if (t instanceof ErrorResponseException e && e.errorResponse() != null
                    && UNAVAILABLE.contains(e.errorResponse().code())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
