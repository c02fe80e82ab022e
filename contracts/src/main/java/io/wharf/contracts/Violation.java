package io.wharf.contracts;

/**
 * One broken rule of an input: which field, and what the rule is. Rendered to clients as is.
 *
 * @param field the path of the offending field, e.g. {@code input[0].path}
 * @param rule what the field must be, e.g. {@code must name a bucket: 3-63 lowercase letters, digits, '.' or '-'}
 */
public record Violation(String field, String rule) {

    @Override
    public String toString() {
        return field + ": " + rule;
    }
}
