package io.wharf.supervisor;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * How an invocation's body becomes the input file. OSCAR's clients send files base64-encoded ({@code oscar-cli
 * service job}) and OSCAR's supervisor decodes a body that is valid base64: Wharf does the same, so a body that is
 * entirely base64 text is decoded once more, and any other body (JSON, plain text) is the input as is.
 */
public final class InvocationBodies {

    private static final Pattern BASE64_TEXT = Pattern.compile("[A-Za-z0-9+/\\r\\n]+={0,2}[\\r\\n]*");

    private InvocationBodies() {
    }

    /** @param transportBase64 the envelope's {@code data.body}: base64 of the body as received */
    public static byte[] inputBytes(String transportBase64) {
        byte[] body = transportBase64 == null ? new byte[0] : Base64.getDecoder().decode(transportBase64);
        String text = new String(body, StandardCharsets.ISO_8859_1);
        if (body.length == 0 || !BASE64_TEXT.matcher(text).matches()) {
            return body;
        }
        try {
            return Base64.getMimeDecoder().decode(text);
        } catch (IllegalArgumentException notBase64AfterAll) {
            return body;
        }
    }
}
