package io.wharf.gateway.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.wharf.contracts.Violation;

/**
 * An error as a client sees it (RFC 9457 problem details): what went wrong and, for bad input, every field with the
 * rule it broke. Never a stack trace.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String title, int status, String detail, List<Violation> violations) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
