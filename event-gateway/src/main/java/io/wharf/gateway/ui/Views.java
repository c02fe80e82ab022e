package io.wharf.gateway.ui;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What the pages show: plain values, already formatted, so that templates hold no logic. */
public final class Views {

    private Views() {
    }

    /** A row of the functions list. */
    @RegisterForReflection
    public record FunctionRow(String name, String image, String owner, boolean own, String input, String output,
            String visibility) {
    }

    /** A form field: its value and, when the API refused it, why. */
    @RegisterForReflection
    public record Field(String name, String value, String error) {

        public boolean invalid() {
            return !error.isEmpty();
        }
    }

    /** The function form: one {@link Field} per input, and what broke outside of them. */
    @RegisterForReflection
    public record FunctionFormView(String action, boolean editing, Field name, Field image, Field script, Field cpu,
            Field memory, Field timeout, Field input, Field output, boolean moreOpen, List<String> general,
            List<Line> fieldErrors, String fdl, List<String> fdlErrors) {
    }

    /** A folder of a function, with one page of its objects. */
    @RegisterForReflection
    public record Folder(String kind, String location, String bucket, String prefix, boolean browsable, String note,
            List<ObjectRow> objects, boolean more, String uploadUrl) {
    }

    /** An object of a folder. */
    @RegisterForReflection
    public record ObjectRow(String key, String name, String size, String modified, String href) {
    }

    /** A row of the executions table. */
    @RegisterForReflection
    public record ExecutionRow(String id, String status, String statusClass, String created, String started,
            String finished, String attempt, String exitCode, String reason, List<Line> outputs, String href) {
    }

    /** A dead letter of one of the user's functions. */
    @RegisterForReflection
    public record LetterRow(String function, long sequence, String reason, String detail, String time,
            String notReplayable, boolean replayable) {
    }

    /** A label and its value (or, for links, the address). */
    @RegisterForReflection
    public record Line(String label, String value) {
    }
}
