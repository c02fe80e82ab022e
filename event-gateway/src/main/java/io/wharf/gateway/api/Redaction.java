package io.wharf.gateway.api;

import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.SecretCipher;

/**
 * What a user may read of a function: never its environment secrets; its token and its own storage providers' keys
 * only when they own it (OSCAR returns them to whoever may edit the function; oscar-cli needs them for
 * {@code put-file} and its kin on a named provider).
 */
final class Redaction {

    private Redaction() {
    }

    static FunctionDefinition forUser(FunctionDefinition fn, String user, SecretCipher cipher) {
        return fn.isOwnedBy(user)
                ? fn.forOwner(cipher)
                : fn.redacted().managedBy(fn.owner(), FunctionDefinition.REDACTED, fn.uid(), fn.revision());
    }
}
