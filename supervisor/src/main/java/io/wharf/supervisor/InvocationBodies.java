package io.wharf.supervisor;

import java.util.Base64;

/**
 * How an invocation's body becomes the input file. OSCAR's clients send files base64-encoded ({@code oscar-cli
 * service job}) and OSCAR's supervisor decodes a body that is valid base64: Wharf does the same, so a body that is
 * entirely base64 text is decoded once more, and any other body (JSON, plain text) is the input as is.
 */
public final class InvocationBodies {

    private InvocationBodies() {
    }

    /** @param transportBase64 the envelope's {@code data.body}: base64 of the body as received */
    public static byte[] inputBytes(String transportBase64) {
        byte[] body = transportBase64 == null ? new byte[0] : Base64.getDecoder().decode(transportBase64);
        if (body.length == 0 || !looksLikeBase64(body)) {
            return body;
        }
        try {
            return Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException notBase64AfterAll) {
            return body;
        }
    }

    /**
     * Whether the bytes are base64 text: letters, digits, '+', '/' and line breaks, then at most two '=' and line
     * breaks. One pass over the bytes, whatever they hold (a regular expression could backtrack).
     */
    static boolean looksLikeBase64(byte[] body) {
        int i = 0;
        boolean sawData = false;
        while (i < body.length && (isBase64Letter(body[i]) || isLineBreak(body[i]))) {
            sawData |= isBase64Letter(body[i]);
            i++;
        }
        int padding = 0;
        while (i < body.length && body[i] == '=' && padding < 2) {
            padding++;
            i++;
        }
        while (i < body.length && isLineBreak(body[i])) {
            i++;
        }
        return sawData && i == body.length;
    }

    private static boolean isBase64Letter(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '+' || b == '/';
    }

    private static boolean isLineBreak(byte b) {
        return b == '\r' || b == '\n';
    }
}
