package io.wharf.supervisor;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Keeps a function's own storage providers (endpoints its owner wrote into the definition) from pointing the
 * dispatcher at the platform's private network: loopback, link-local (cloud metadata), site-local and unique-local
 * addresses are refused unless the operator allows them. Checked on every resolved address right before the client is
 * built; the platform's own MinIO is not a user value and is not checked.
 */
public final class EndpointGuard {

    private final boolean allowPrivate;

    public EndpointGuard(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** @throws ForbiddenEndpointException when the endpoint is malformed or resolves to a private address */
    public String check(String endpoint) throws IOException {
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new ForbiddenEndpointException(endpoint, "is not a URL");
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new ForbiddenEndpointException(endpoint, "must be an http or https URL with a host");
        }
        if (allowPrivate) {
            return endpoint;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw new IOException("storage endpoint host " + uri.getHost() + " does not resolve", e);
        }
        for (InetAddress address : addresses) {
            if (isPrivate(address)) {
                throw new ForbiddenEndpointException(endpoint, "resolves to a private address (" + address
                        .getHostAddress() + "); set wharf.storage.allow-private-endpoints to allow it");
            }
        }
        return endpoint;
    }

    static boolean isPrivate(InetAddress a) {
        return a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()
                || (a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc);
    }

    /** A storage endpoint a function may not use: a permanent failure, not one to retry. */
    public static class ForbiddenEndpointException extends RuntimeException {

        public ForbiddenEndpointException(String endpoint, String why) {
            super("storage endpoint " + endpoint + " " + why);
        }
    }
}
