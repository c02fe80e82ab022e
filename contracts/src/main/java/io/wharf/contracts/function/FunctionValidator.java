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
            "STORAGE_OBJECT_KEY", "EVENT", "EVENT_TIME", "TMP_INPUT_DIR", "JOB_UUID", "OSCAR_SERVICE_NAME",
            "WHARF_EVENT", "WHARF_EVENT_PATH", "WHARF_EXECUTION_ID", "WHARF_FUNCTION");

    public static final int MAX_TIMEOUT_SECONDS = 86_400;
    public static final int MAX_SCRIPT_CHARS = 1_048_576;
    public static final int MAX_ENTRIES = 256;
    public static final int MAX_LOCATIONS = 32;
    public static final int MAX_NAME_CHARS = 256;
    public static final int MAX_PATH_CHARS = 1024;
    public static final int MAX_ENVIRONMENT_CHARS = 1_048_576;
    public static final String TOKEN_RULE = "must be 32-256 letters, digits, '-' or '_' (leave it out and Wharf "
            + "generates one)";

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{32,256}");

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
        if (fn.build() != null) {
            // the image is the one built from the build section (the gateway sets it)
        } else if (fn.image() == null || fn.image().isBlank()) {
            v.add(new Violation(prefix + "image", "is required (or a build section to build it from)"));
        } else if (!ImageReferences.isValid(fn.image())) {
            v.add(new Violation(prefix + "image", ImageReferences.RULE));
        }
        if (fn.script() == null || fn.script().isBlank()) {
            v.add(new Violation(prefix + "script", "is required"));
        } else if (fn.script().length() > MAX_SCRIPT_CHARS) {
            v.add(new Violation(prefix + "script", "must be at most " + MAX_SCRIPT_CHARS + " characters"));
        }
        if (fn.token() != null && !fn.token().isEmpty() && !TOKEN.matcher(fn.token()).matches()) {
            v.add(new Violation(prefix + "token", TOKEN_RULE));
        }
        validateVisibility(fn, prefix, v);
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
        validateNoSelfTrigger(fn, prefix, v);
        validateVolumes(fn.volumes(), prefix + "volumes", v);
        validateProviders(fn, prefix + "storage_providers", v);
        validateLabels(fn.labels(), prefix + "labels", v);
        return v;
    }

    /**
     * Values a client sends must be clear text: a value in the sealed format would be stored as it is and opened
     * for an execution, so a sealed value copied from elsewhere must never be accepted from outside.
     */
    public static List<Violation> validateClientSecrets(FunctionDefinition fn, String prefix) {
        List<Violation> v = new ArrayList<>();
        fn.environment().secrets().forEach((k, value) -> refuseSealed(value, prefix + "environment.secrets." + k, v));
        fn.storageProviders()
                .minio()
                .forEach((id, p) -> refuseSealed(p.secretKey(),
                        prefix + "storage_providers.minio." + id + ".secret_key", v));
        fn.storageProviders()
                .s3()
                .forEach((id, p) -> refuseSealed(p.secretKey(),
                        prefix + "storage_providers.s3." + id + ".secret_key", v));
        fn.storageProviders()
                .onedata()
                .forEach((id, p) -> refuseSealed(p.token(),
                        prefix + "storage_providers.onedata." + id + ".token", v));
        return v;
    }

    private static void refuseSealed(String value, String field, List<Violation> v) {
        if (value != null && value.startsWith(SecretCipher.RESERVED_PREFIX)) {
            v.add(new Violation(field, "must not start with '" + SecretCipher.RESERVED_PREFIX
                    + "', which Wharf reserves for values it sealed itself"));
        }
    }

    private static void validateVisibility(FunctionDefinition fn, String prefix, List<Violation> v) {
        if (fn.visibility() != null && !fn.visibility().isEmpty() && Visibility.parse(fn.visibility()) == null) {
            v.add(new Violation(prefix + "visibility", "must be private, public or restricted"));
        }
        if (fn.allowedUsers().size() > MAX_ENTRIES) {
            v.add(new Violation(prefix + "allowed_users", "must list at most " + MAX_ENTRIES + " users"));
        }
        for (int i = 0; i < fn.allowedUsers().size(); i++) {
            String user = fn.allowedUsers().get(i);
            if (user == null || user.isBlank() || user.length() > MAX_NAME_CHARS || hasControl(user)) {
                v.add(new Violation(prefix + "allowed_users[" + i + "]",
                        "must be a user name of 1-" + MAX_NAME_CHARS + " characters without control characters"));
            }
        }
    }

    /** An output that lies inside one of the function's own inputs would run the function on its own results. */
    private static void validateNoSelfTrigger(FunctionDefinition fn, String prefix, List<Violation> v) {
        for (int o = 0; o < fn.output().size(); o++) {
            for (int i = 0; i < fn.input().size(); i++) {
                StorageIO out = fn.output().get(o);
                StorageIO in = fn.input().get(i);
                if (out.path() != null && in.path() != null && Locations.feeds(out, in)) {
                    v.add(new Violation(prefix + "output[" + o + "].path", "must not lie inside the function's own "
                            + "input " + prefix + "input[" + i + "] ('" + in.path() + "'): every output would "
                            + "trigger the function again, without end (use another folder, or suffix filters that "
                            + "tell outputs from inputs)"));
                }
            }
        }
    }

    /** Folders a volume may not hide: the sandbox, the script's scratch space, and the system's own. */
    private static final List<String> RESERVED_MOUNTS = List.of("/wharf", "/tmp", "/proc", "/sys", "/dev", "/etc",
            "/bin", "/sbin", "/lib", "/lib64", "/usr", "/var/run", "/run");
    private static final Pattern VOLUME_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    public static final int MAX_VOLUMES = 8;

    private static void validateVolumes(List<VolumeMount> volumes, String field, List<Violation> v) {
        if (volumes.size() > MAX_VOLUMES) {
            v.add(new Violation(field, "must list at most " + MAX_VOLUMES + " volumes"));
            return;
        }
        Set<String> names = new HashSet<>();
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < volumes.size(); i++) {
            VolumeMount volume = volumes.get(i);
            String at = field + "[" + i + "]";
            if (volume.name() == null || !VOLUME_NAME.matcher(volume.name()).matches()) {
                v.add(new Violation(at + ".name", "must name a volume the operators offer: 1-63 lowercase letters, "
                        + "digits or '-'"));
            } else if (!names.add(volume.name())) {
                v.add(new Violation(at + ".name", "must not repeat a volume already listed"));
            }
            String path = volume.mountPath();
            if (path == null || !path.startsWith("/") || path.length() > MAX_PATH_CHARS || hasControl(path)
                    || !java.nio.file.Path.of(path).normalize().toString().equals(path) || path.equals("/")) {
                v.add(new Violation(at + ".mount_path", "must be an absolute, normalised path such as /data/in"));
            } else if (RESERVED_MOUNTS.stream().anyMatch(r -> path.equals(r) || path.startsWith(r + "/"))) {
                v.add(new Violation(at + ".mount_path", "must not be " + String.join(", ", RESERVED_MOUNTS)
                        + " or inside them"));
            } else if (!paths.add(path)) {
                v.add(new Violation(at + ".mount_path", "must not repeat a mount path already listed"));
            }
        }
    }

    private static void validateLabels(Map<String, String> labels, String field, List<Violation> v) {
        if (labels.size() > MAX_ENTRIES) {
            v.add(new Violation(field, "must hold at most " + MAX_ENTRIES + " labels"));
        }
        String warm = labels.get(FunctionDefinition.WARM_LABEL);
        if (warm != null && !warm.equals("true") && !warm.equals("false")) {
            v.add(new Violation(field + "." + FunctionDefinition.WARM_LABEL, "must be \"true\" or \"false\""));
        }
        labels.forEach((k, value) -> {
            if (k.length() > MAX_NAME_CHARS || hasControl(k) || (value != null
                    && (value.length() > MAX_NAME_CHARS || hasControl(value)))) {
                v.add(new Violation(field + "." + k, "must be a key and a value of at most " + MAX_NAME_CHARS
                        + " characters without control characters"));
            }
        });
    }

    private static boolean hasControl(String text) {
        return text.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
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
        if (variables.size() > MAX_ENTRIES) {
            v.add(new Violation(field, "must hold at most " + MAX_ENTRIES + " entries"));
        }
        long total = variables.values().stream().mapToLong(String::length).sum();
        if (total > MAX_ENVIRONMENT_CHARS) {
            v.add(new Violation(field, "must hold at most " + MAX_ENVIRONMENT_CHARS + " characters of values"));
        }
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
        if (locations.size() > MAX_LOCATIONS) {
            v.add(new Violation(field, "must list at most " + MAX_LOCATIONS + " locations"));
            return;
        }
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
            if (io.path().length() > MAX_PATH_CHARS || hasControl(io.path())) {
                v.add(new Violation(at + ".path",
                        "must be at most " + MAX_PATH_CHARS + " characters without control characters"));
                continue;
            }
            if (List.of(io.path().split("/")).contains("..")) {
                v.add(new Violation(at + ".path", "must not contain '..' segments"));
                continue;
            }
            validateFilters(io.suffix(), at + ".suffix", v);
            validateFilters(io.prefix(), at + ".prefix", v);
            boolean isOnedata = ref != null && ProviderRef.ONEDATA.equals(ref.type());
            if (!isOnedata && !BUCKET.matcher(io.bucket()).matches()) {
                v.add(new Violation(at + ".path",
                        "must start with a bucket name: 3-63 lowercase letters, digits, '.' or '-'"));
            }
        }
    }

    private static void validateFilters(List<String> filters, String field, List<Violation> v) {
        if (filters.size() > MAX_ENTRIES) {
            v.add(new Violation(field, "must list at most " + MAX_ENTRIES + " entries"));
        }
        for (int i = 0; i < filters.size(); i++) {
            String f = filters.get(i);
            if (f == null || f.isEmpty() || f.length() > MAX_NAME_CHARS || hasControl(f) || f.contains("/")) {
                v.add(new Violation(field + "[" + i + "]", "must be 1-" + MAX_NAME_CHARS
                        + " characters of a file name (no '/' or control characters)"));
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
            String at = field + ".onedata." + id;
            requireText(p.oneproviderHost(), at + ".oneprovider_host", v);
            requireText(p.token(), at + ".token", v);
            requireText(p.space(), at + ".space", v);
            if (p.oneproviderHost() != null && !p.oneproviderHost().isBlank()
                    && !io.wharf.contracts.onedata.Oneprovider.isValidHost(p.oneproviderHost())) {
                v.add(new Violation(at + ".oneprovider_host",
                        "must be a host name with an optional port, or an http(s) URL of the Oneprovider"));
            }
            if (p.space() != null && !p.space().isBlank() && (p.space().contains("/") || hasControl(p.space())
                    || p.space().length() > MAX_NAME_CHARS || p.space().strip().equals(".")
                    || p.space().strip().equals(".."))) {
                v.add(new Violation(at + ".space", "must be a space name: at most " + MAX_NAME_CHARS
                        + " characters, without '/' or control characters, not '.' or '..'"));
            }
            if (p.token() != null && (hasControl(p.token()) || p.token().length() > 4096)) {
                v.add(new Violation(at + ".token", "must be at most 4096 characters without control characters"));
            }
        });
    }

    private static void requireText(String value, String field, List<Violation> v) {
        if (value == null || value.isBlank()) {
            v.add(new Violation(field, "is required"));
        }
    }
}
