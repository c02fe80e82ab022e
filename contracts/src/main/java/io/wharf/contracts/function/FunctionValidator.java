package io.wharf.contracts.function;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wharf.contracts.Violation;

/** Checks a function definition and names every field that breaks a rule, with the rule. */
public final class FunctionValidator {

    /** Variables the supervisor sets; a function may not override them. */
    public static final Set<String> RESERVED_VARIABLES = Set.of("INPUT_FILE_PATH", "TMP_OUTPUT_DIR",
            "STORAGE_OBJECT_KEY", "EVENT", "EVENT_PATH", "WHARF_EXECUTION_ID", "WHARF_FUNCTION");

    public static final int MAX_TIMEOUT_SECONDS = 86_400;

    private static final Pattern CPU = Pattern.compile("(\\d+(\\.\\d+)?)|(\\d+)m");
    private static final Pattern MEMORY = Pattern.compile("(\\d+(\\.\\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final long MIN_MEMORY_BYTES = 6L * 1024 * 1024;

    private FunctionValidator() {
    }

    /**
     * @param prefix prepended to every field name ({@code ""} for a single definition, {@code functions.oscar[0].c.}
     *        inside an FDL file)
     */
    public static List<Violation> validate(FunctionDefinition fn, String prefix) {
        List<Violation> v = new ArrayList<>();
        if (fn.name() == null || fn.name().isBlank()) {
            v.add(new Violation(prefix + "name", "is required"));
        } else if (!FunctionNames.isValid(fn.name())) {
            v.add(new Violation(prefix + "name", FunctionNames.RULE));
        }
        if (fn.image() == null || fn.image().isBlank()) {
            v.add(new Violation(prefix + "image", "is required"));
        } else if (fn.image().chars().anyMatch(Character::isWhitespace)) {
            v.add(new Violation(prefix + "image", "must be an image reference without spaces"));
        }
        if (fn.script() == null || fn.script().isBlank()) {
            v.add(new Violation(prefix + "script", "is required"));
        }
        if (fn.cpu() != null && cpuMillis(fn.cpu()) <= 0) {
            v.add(new Violation(prefix + "cpu", "must be a positive number of cores (0.5) or millicores (500m)"));
        }
        if (fn.memory() != null && memoryBytes(fn.memory()) < MIN_MEMORY_BYTES) {
            v.add(new Violation(prefix + "memory", "must be a quantity of at least 6Mi, such as 256Mi or 1Gi"));
        }
        if (fn.timeout() != null && (fn.timeout() < 1 || fn.timeout() > MAX_TIMEOUT_SECONDS)) {
            v.add(new Violation(prefix + "timeout", "must be between 1 and " + MAX_TIMEOUT_SECONDS + " seconds"));
        }
        validateVariables(fn.environment().variables(), prefix + "environment.variables", v);
        validateVariables(fn.environment().secrets(), prefix + "environment.secrets", v);
        validateLocations(fn.input(), fn.storageProviders(), prefix + "input", v);
        validateLocations(fn.output(), fn.storageProviders(), prefix + "output", v);
        validateProviders(fn, prefix + "storage_providers", v);
        return v;
    }

    /** CPU in millicores, or -1 when the text is not a CPU quantity. */
    public static long cpuMillis(String cpu) {
        Matcher m = CPU.matcher(cpu.strip());
        if (!m.matches()) {
            return -1;
        }
        if (m.group(3) != null) {
            return Long.parseLong(m.group(3));
        }
        return new BigDecimal(m.group(1)).movePointRight(3).longValue();
    }

    /** Memory in bytes, or -1 when the text is not a memory quantity. */
    public static long memoryBytes(String memory) {
        Matcher m = MEMORY.matcher(memory.strip());
        if (!m.matches()) {
            return -1;
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        String unit = m.group(3) == null ? "" : m.group(3);
        long factor = switch (unit) {
            case "Ki" -> 1L << 10;
            case "Mi" -> 1L << 20;
            case "Gi" -> 1L << 30;
            case "Ti" -> 1L << 40;
            case "k", "K" -> 1_000L;
            case "M" -> 1_000_000L;
            case "G" -> 1_000_000_000L;
            case "T" -> 1_000_000_000_000L;
            default -> 1L;
        };
        return amount.multiply(BigDecimal.valueOf(factor)).longValue();
    }

    private static void validateVariables(Map<String, String> variables, String field, List<Violation> v) {
        variables.keySet().forEach(name -> {
            if (!VARIABLE.matcher(name).matches()) {
                v.add(new Violation(field + "." + name, "must be a shell variable name ([A-Za-z_][A-Za-z0-9_]*)"));
            } else if (RESERVED_VARIABLES.contains(name)) {
                v.add(new Violation(field + "." + name, "is set by the supervisor and cannot be overridden"));
            }
        });
    }

    private static void validateLocations(List<StorageIO> locations, StorageProviders providers, String field,
            List<Violation> v) {
        for (int i = 0; i < locations.size(); i++) {
            StorageIO io = locations.get(i);
            String at = field + "[" + i + "]";
            ProviderRef ref = ProviderRef.parse(io.storageProvider());
            if (ref == null) {
                v.add(new Violation(at + ".storage_provider",
                        "is required, of the form minio, minio.<id>, s3.<id> or onedata.<id>"));
            } else if (!Set.of(ProviderRef.MINIO, ProviderRef.S3, ProviderRef.ONEDATA).contains(ref.type())) {
                v.add(new Violation(at + ".storage_provider", "must be of type minio, s3 or onedata"));
            } else if (!ref.isPlatformMinio() && !providers.defines(ref)) {
                v.add(new Violation(at + ".storage_provider",
                        "must name a provider defined under storage_providers." + ref.type()));
            }
            if (io.path() == null || io.path().isBlank()) {
                v.add(new Violation(at + ".path", "is required (bucket or bucket/prefix)"));
                continue;
            }
            if (List.of(io.path().split("/")).contains("..")) {
                v.add(new Violation(at + ".path", "must not contain '..' segments"));
                continue;
            }
            boolean isOnedata = ref != null && ProviderRef.ONEDATA.equals(ref.type());
            if (!isOnedata && !BUCKET.matcher(io.bucket()).matches()) {
                v.add(new Violation(at + ".path",
                        "must start with a bucket name: 3-63 lowercase letters, digits, '.' or '-'"));
            }
        }
    }

    /** Only the providers the function uses are checked: OSCAR's FDL files often carry empty placeholders. */
    private static void validateProviders(FunctionDefinition fn, String field, List<Violation> v) {
        Set<ProviderRef> used = new HashSet<>();
        fn.input().forEach(io -> used.add(ProviderRef.parse(io.storageProvider())));
        fn.output().forEach(io -> used.add(ProviderRef.parse(io.storageProvider())));
        StorageProviders providers = fn.storageProviders();
        providers.minio().forEach((id, p) -> {
            if (!used.contains(new ProviderRef(ProviderRef.MINIO, id))) {
                return;
            }
            requireText(p.endpoint(), field + ".minio." + id + ".endpoint", v);
            requireText(p.accessKey(), field + ".minio." + id + ".access_key", v);
            requireText(p.secretKey(), field + ".minio." + id + ".secret_key", v);
        });
        providers.s3().forEach((id, p) -> {
            if (!used.contains(new ProviderRef(ProviderRef.S3, id))) {
                return;
            }
            requireText(p.accessKey(), field + ".s3." + id + ".access_key", v);
            requireText(p.secretKey(), field + ".s3." + id + ".secret_key", v);
        });
        providers.onedata().forEach((id, p) -> {
            if (!used.contains(new ProviderRef(ProviderRef.ONEDATA, id))) {
                return;
            }
            requireText(p.oneproviderHost(), field + ".onedata." + id + ".oneprovider_host", v);
            requireText(p.token(), field + ".onedata." + id + ".token", v);
            requireText(p.space(), field + ".onedata." + id + ".space", v);
        });
    }

    private static void requireText(String value, String field, List<Violation> v) {
        if (value == null || value.isBlank()) {
            v.add(new Violation(field, "is required"));
        }
    }
}
