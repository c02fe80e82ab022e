package io.wharf.gateway.api;

import io.wharf.contracts.function.FunctionDefinition;

/** What a user may read of a function: never its secrets; its token only when they own it. */
final class Redaction {

    private Redaction() {
    }

    static FunctionDefinition forUser(FunctionDefinition fn, String user) {
        FunctionDefinition redacted = fn.redacted();
        return fn.isOwnedBy(user)
                ? redacted
                : redacted.managedBy(fn.owner(), FunctionDefinition.REDACTED, fn.uid(), fn.revision());
    }
}
