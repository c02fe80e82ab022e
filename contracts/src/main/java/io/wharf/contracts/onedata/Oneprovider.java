package io.wharf.contracts.onedata;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * A Oneprovider's address as a function names it in {@code oneprovider_host}: a host name with an optional port, as in
 * OSCAR ({@code oneprovider.example.org}, reached over HTTPS), or a URL with its scheme ({@code http://10.0.0.5:8080},
 * for a provider without TLS or a test server).
 */
public final class Oneprovider {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?");

    private Oneprovider() {
    }

    /** Whether the value is a host[:port] or an http(s) URL with a host and nothing after it but a '/'. */
    public static boolean isValidHost(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String v = value.strip();
        if (HOST.matcher(v).matches()) {
            return validPort(v.contains(":") ? v.substring(v.lastIndexOf(':') + 1) : null);
        }
        try {
            URI uri = URI.create(v);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getUserInfo() == null && uri.getQuery() == null && uri.getFragment() == null
                    && (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))
                    && (uri.getPort() == -1 || uri.getPort() <= 65535);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean validPort(String port) {
        return port == null || Integer.parseInt(port) <= 65535;
    }

    /** The provider's base URL, without a trailing '/': {@code https://<host>} unless a scheme was given. */
    public static String baseUrl(String oneproviderHost) {
        String v = oneproviderHost.strip();
        while (v.endsWith("/")) {
            v = v.substring(0, v.length() - 1);
        }
        return v.startsWith("http://") || v.startsWith("https://") ? v : "https://" + v;
    }

    /** The provider's authority ({@code host[:port]}), as it appears in an envelope's {@code onedata://} source. */
    public static String authority(String oneproviderHost) {
        return URI.create(baseUrl(oneproviderHost)).getAuthority();
    }
}
