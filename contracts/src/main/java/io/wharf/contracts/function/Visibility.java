package io.wharf.contracts.function;

import java.util.Locale;

/** OSCAR's {@code visibility} of a function: who besides its owner may see and run it. */
public enum Visibility {

    /** Only the owner. */
    PRIVATE,
    /** Every authenticated user. */
    PUBLIC,
    /** The owner and the users listed in {@code allowed_users}. */
    RESTRICTED;

    /** @return the visibility, or {@code null} when the text names none */
    public static Visibility parse(String text) {
        if (text == null) {
            return null;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "private" -> PRIVATE;
            case "public" -> PUBLIC;
            case "restricted" -> RESTRICTED;
            default -> null;
        };
    }

    public String oscarName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
