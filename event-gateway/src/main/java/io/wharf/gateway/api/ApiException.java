package io.wharf.gateway.api;

import java.util.List;

import io.wharf.contracts.Violation;

/** An error the API answers with a given status and a problem body. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String title;
    private final transient List<Violation> violations;

    public ApiException(int status, String title, String detail) {
        this(status, title, detail, List.of());
    }

    public ApiException(int status, String title, String detail, List<Violation> violations) {
        super(detail);
        this.status = status;
        this.title = title;
        this.violations = violations;
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "Not Found", detail);
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "Bad Request", detail);
    }

    public Problem toProblem() {
        return new Problem(title, status, getMessage(), violations);
    }

    public int status() {
        return status;
    }
}
