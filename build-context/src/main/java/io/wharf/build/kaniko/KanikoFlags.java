package io.wharf.build.kaniko;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.wharf.contracts.ValidationException;
import io.wharf.contracts.Violation;

/**
 * The Kaniko flags a user may add to a build, checked against an allow-list. Kaniko reads its command line with
 * pflag, where a flag given twice is simply given again: a user's {@code --destination} would push the image to one
 * more registry with Wharf's credentials, a {@code --build-arg} could reach a secret, {@code --insecure} or
 * {@code --skip-tls-verify} would weaken the push. So nothing is refused by a deny-list; only the flags below pass,
 * each with its value checked, and everything Wharf sets itself (context, Containerfile, destination, digest file)
 * or that touches registries, TLS, paths or the file system of the executor is refused:
 * <ul>
 * <li>switches, bare or {@code =true}/{@code =false}: {@code --cache}, {@code --cache-copy-layers},
 * {@code --cache-run-layers}, {@code --compressed-caching}, {@code --single-snapshot}, {@code --use-new-run},
 * {@code --skip-unused-stages}, {@code --cleanup}, {@code --reproducible};</li>
 * <li>with a value, always written {@code --name=value} (a bare value flag would take the next flag as its
 * value): {@code --cache-ttl} (a duration such as {@code 6h} or {@code 1h30m}), {@code --snapshot-mode}
 * ({@code full}, {@code redo}, {@code time}), {@code --target} (a stage name), {@code --log-format} ({@code text},
 * {@code color}, {@code json}), {@code --verbosity} ({@code panic} to {@code debug}), {@code --label}
 * ({@code key=value}; the only flag that may repeat).</li>
 * </ul>
 * The result is normalised so that equal requests give equal flags (they take part in a build's content hash): a
 * switch that is on is written bare ({@code --cache=true} becomes {@code --cache}), one that is off as
 * {@code --name=false}.
 */
public final class KanikoFlags {

    /** At most this many flags per build. */
    public static final int MAX_FLAGS = 32;
    /** At most this many characters per flag. */
    public static final int MAX_LENGTH = 256;

    static final String FIELD = "build.kaniko_flags";

    private static final Pattern PRINTABLE_NAME = Pattern.compile("[!-~]{1,64}");
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,6}(h|m|s)){1,3}");
    private static final Pattern STAGE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]{0,126}[A-Za-z0-9])?");
    private static final int MAX_LABEL_VALUE = 200;

    private static final Map<String, Kind> ALLOWED = allowed();

    private KanikoFlags() {
    }

    /**
     * The flags, checked and normalised; every broken rule is reported at once, each on the field
     * {@code build.kaniko_flags[i]} (a function's {@code build} section).
     *
     * @param flags the user's flags, one per element, or null for none
     * @return the normalised flags, in the user's order
     * @throws ValidationException when any flag is refused
     */
    public static List<String> check(List<String> flags) {
        return check(flags, FIELD);
    }

    /**
     * As {@link #check(List)}, each broken rule reported on {@code field[i]} ({@code kaniko_flags} where the section
     * is the whole body, as on {@code POST /system/builds}).
     */
    public static List<String> check(List<String> flags, String field) {
        if (flags == null || flags.isEmpty()) {
            return List.of();
        }
        if (flags.size() > MAX_FLAGS) {
            throw new ValidationException(field, "at most " + MAX_FLAGS + " flags, not " + flags.size());
        }
        List<String> normalised = new ArrayList<>(flags.size());
        List<Violation> violations = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < flags.size(); i++) {
            String element = field + "[" + i + "]";
            String flag = flags.get(i);
            String problem = problem(flag);
            if (problem == null) {
                String name = name(flag);
                if (!name.equals("--label") && !seen.add(name)) {
                    problem = name + " is given more than once";
                } else {
                    normalised.add(ALLOWED.get(name).normalise(flag));
                }
            }
            if (problem != null) {
                violations.add(new Violation(element, problem));
            }
        }
        if (!violations.isEmpty()) {
            throw new ValidationException(violations);
        }
        return List.copyOf(normalised);
    }

    /** The names of the allowed flags, in a fixed order. */
    public static Set<String> allowedNames() {
        return ALLOWED.keySet();
    }

    /** What is wrong with one flag, or null when it is allowed. */
    private static String problem(String flag) {
        if (flag == null || flag.isEmpty()) {
            return "must be a flag such as --cache, not empty";
        }
        if (flag.length() > MAX_LENGTH) {
            return "must have at most " + MAX_LENGTH + " characters";
        }
        String name = name(flag);
        Kind kind = ALLOWED.get(name);
        if (kind == null) {
            // the name is echoed only when it is short and printable: the rule is rendered to clients as is
            String shown = PRINTABLE_NAME.matcher(name).matches() ? name : "this flag";
            return shown + " is not allowed (allowed: " + allowedList() + ")";
        }
        int equals = flag.indexOf('=');
        String value = equals < 0 ? null : flag.substring(equals + 1);
        return kind.problem(name, value);
    }

    private static String name(String flag) {
        int equals = flag.indexOf('=');
        return equals < 0 ? flag : flag.substring(0, equals);
    }

    private static String allowedList() {
        return String.join(", ", ALLOWED.keySet());
    }

    private static Map<String, Kind> allowed() {
        Map<String, Kind> allowed = new LinkedHashMap<>();
        allowed.put("--cache", Kind.SWITCH);
        allowed.put("--cache-ttl", Kind.value("a duration such as 6h or 1h30m", DURATION.asMatchPredicate()));
        allowed.put("--cache-copy-layers", Kind.SWITCH);
        allowed.put("--cache-run-layers", Kind.SWITCH);
        allowed.put("--compressed-caching", Kind.SWITCH);
        allowed.put("--snapshot-mode", Kind.oneOf("full", "redo", "time"));
        allowed.put("--single-snapshot", Kind.SWITCH);
        allowed.put("--use-new-run", Kind.SWITCH);
        allowed.put("--skip-unused-stages", Kind.SWITCH);
        allowed.put("--target", Kind.value("a stage name: 1-64 letters, digits, '.', '_' or '-'",
                STAGE.asMatchPredicate()));
        allowed.put("--log-format", Kind.oneOf("text", "color", "json"));
        allowed.put("--verbosity", Kind.oneOf("panic", "fatal", "error", "warn", "info", "debug"));
        allowed.put("--cleanup", Kind.SWITCH);
        allowed.put("--reproducible", Kind.SWITCH);
        allowed.put("--label", Kind.value("key=value: a key of 1-128 letters, digits, '.', '_', '/' or '-', a value of"
                + " at most " + MAX_LABEL_VALUE + " characters without control characters", KanikoFlags::isLabel));
        return Collections.unmodifiableMap(allowed);
    }

    private static boolean isLabel(String label) {
        int equals = label.indexOf('=');
        if (equals < 0) {
            return false;
        }
        String value = label.substring(equals + 1);
        return LABEL_KEY.matcher(label.substring(0, equals)).matches() && value.length() <= MAX_LABEL_VALUE
                && value.codePoints().noneMatch(KanikoFlags::isControl);
    }

    /** C0, C1, and the line and paragraph separators, which end a line as a newline would. */
    private static boolean isControl(int codePoint) {
        return Character.isISOControl(codePoint) || codePoint == '\u2028' || codePoint == '\u2029';
    }

    /** How a flag's value is written and checked. */
    private record Kind(boolean isSwitch, String rule, Predicate<String> valid) {

        static final Kind SWITCH = new Kind(true, "true or false", v -> v.equals("true") || v.equals("false"));

        static Kind value(String rule, Predicate<String> valid) {
            return new Kind(false, rule, valid);
        }

        static Kind oneOf(String... values) {
            List<String> allowed = List.of(values);
            return new Kind(false, "one of " + String.join(", ", allowed), allowed::contains);
        }

        String problem(String name, String value) {
            if (value == null) {
                return isSwitch ? null : name + " needs a value: " + name + "=<" + rule + ">";
            }
            return valid.test(value) ? null : name + " must be " + rule;
        }

        String normalise(String flag) {
            if (!isSwitch) {
                return flag;
            }
            return flag.endsWith("=true") ? name(flag) : flag;
        }
    }
}
