package io.wharf.supervisor;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

import okhttp3.Dns;
import okhttp3.OkHttpClient;

/**
 * Keeps a function's own storage providers (endpoints its owner wrote into the definition) from pointing the
 * dispatcher at the platform's private network: loopback, link-local (cloud metadata), private, shared (CGNAT) and
 * unique-local addresses are refused unless the operator allows them. The endpoint is checked when the client is
 * built, and every address is checked again when a connection is made ({@link #client()}'s DNS), so a name that
 * resolves differently the second time (DNS rebinding) is caught; redirects are never followed. The platform's own
 * MinIO is not a user value and is not checked.
 */
public final class EndpointGuard {

    private final boolean allowPrivate;
    private final OkHttpClient client;

    public EndpointGuard(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
        this.client = new OkHttpClient.Builder()
                .dns(this::lookUp)
                .followRedirects(false)
                .followSslRedirects(false)
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofMinutes(5))
                .writeTimeout(Duration.ofMinutes(5))
                .build();
    }

    /** The HTTP client for a function's own providers: guarded DNS, no redirects. */
    public OkHttpClient client() {
        return client;
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
        lookUp(uri.getHost());
        return endpoint;
    }

    private List<InetAddress> lookUp(String host) throws UnknownHostException {
        List<InetAddress> addresses = Dns.SYSTEM.lookup(host);
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                if (isPrivate(address)) {
                    throw new ForbiddenEndpointException(host, "resolves to a private address ("
                            + address.getHostAddress()
                            + "); set wharf.storage.allow-private-endpoints to allow it");
                }
            }
        }
        return addresses;
    }

    static boolean isPrivate(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 // "this network"
                    || first == 100 && second >= 64 && second < 128 // shared address space (CGNAT, some clouds)
                    || first == 192 && second == 0 && (b[2] & 0xff) == 0 // IETF protocol assignments
                    || first >= 240; // reserved and broadcast
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // unique local
            }
            boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff
                    && (b[3] & 0xff) == 0x9b;
            boolean sixToFour = (b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02;
            if (nat64 || sixToFour) {
                int offset = nat64 ? 12 : 2;
                try {
                    return isPrivate(InetAddress.getByAddress(new byte[]{b[offset], b[offset + 1], b[offset + 2],
                            b[offset + 3]}));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A storage endpoint a function may not use: a permanent failure, not one to retry. */
    public static class ForbiddenEndpointException extends UnknownHostException {

        public ForbiddenEndpointException(String endpoint, String why) {
            super("storage endpoint " + endpoint + " " + why);
        }
    }
}
