package io.wharf.gateway.storage;

import java.util.List;
import java.util.stream.Collectors;

import io.wharf.contracts.Violation;
import io.wharf.gateway.api.ApiException;

/** A request body or parameter that breaks rules: a 400 naming every field and the rule it broke. */
final class BadInput {

    private BadInput() {
    }

    static ApiException of(String field, String rule) {
        return of(List.of(new Violation(field, rule)));
    }

    static ApiException of(List<Violation> violations) {
        return new ApiException(400, "Bad Request",
                violations.stream().map(Violation::toString).collect(Collectors.joining("; ")), violations);
    }

    /** @throws ApiException 400 when there are violations */
    static void check(List<Violation> violations) {
        if (!violations.isEmpty()) {
            throw of(violations);
        }
    }
}
