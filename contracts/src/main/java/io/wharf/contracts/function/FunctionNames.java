package io.wharf.contracts.function;

import java.util.regex.Pattern;

/**
 * The rule for function names. OSCAR's limit (39) keeps names usable as Kubernetes labels and Job names; the pattern
 * keeps them usable as NATS subject tokens and container names.
 */
public final class FunctionNames {

    public static final String RULE = "must be 1-39 lowercase letters, digits or '-', starting and ending with a letter or digit";

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,37}[a-z0-9])?");

    private FunctionNames() {
    }

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
