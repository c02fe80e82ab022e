package io.wharf.contracts.function;

import java.util.regex.Pattern;

/**
 * The rule for a function's {@code image}. The image is the one value a user controls that a host-side process (the
 * container engine) must be given, as an argument: only a well-formed reference gets there, so nothing a user writes
 * can turn into an option of the engine ({@code --privileged}) or carry a control character into its command line.
 * The grammar is the distribution project's reference grammar: {@code [domain[:port]/]path[:tag][@digest]}.
 */
public final class ImageReferences {

    public static final int MAX_LENGTH = 255;
    public static final String RULE = "must be an image reference such as ghcr.io/grycap/imagemagick:1.0 or "
            + "localhost/tool@sha256:<hex>: at most " + MAX_LENGTH + " characters, lowercase path components, "
            + "no spaces or control characters, not starting with '-'";

    private static final String DOMAIN_PART = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final String DOMAIN = DOMAIN_PART + "(?:\\." + DOMAIN_PART + ")*+(?::[0-9]{1,5})?";
    private static final String COMPONENT = "[a-z0-9]++(?:(?:[._]|__|-++)[a-z0-9]++)*+";
    private static final String TAG = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
    private static final String DIGEST = "[A-Za-z][A-Za-z0-9]*+(?:[-_+.][A-Za-z][A-Za-z0-9]*+)*+:[0-9a-fA-F]{32,}+";
    private static final Pattern REFERENCE = Pattern.compile("(?:" + DOMAIN + "/)?" + COMPONENT + "(?:/" + COMPONENT
            + ")*+(?::" + TAG + ")?(?:@" + DIGEST + ")?");

    private ImageReferences() {
    }

    public static boolean isValid(String image) {
        return image != null && !image.isEmpty() && image.length() <= MAX_LENGTH && !image.startsWith("-")
                && REFERENCE.matcher(image).matches();
    }
}
