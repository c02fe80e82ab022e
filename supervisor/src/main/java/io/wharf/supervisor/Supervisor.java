package io.wharf.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.wharf.contracts.Json;
import io.wharf.contracts.ObjectKeys;
import io.wharf.contracts.UnsafeKeyException;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeCodec;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.ProviderRef;
import io.wharf.contracts.function.StorageIO;

/**
 * Fetches an execution's input, tells the script where everything is, and delivers the script's outputs. Where the
 * script runs (a process, a container, a pod) is not its business.
 */
public final class Supervisor {

    /**
     * User metadata naming the execution that wrote an output ({@code x-amz-meta-wharf-execution}): a re-run of that
     * execution that writes the same key again announces the same event, which the downstream function's intake
     * recognises as a duplicate, so a chain never runs twice.
     */
    public static final String PRODUCER_METADATA = "wharf-execution";

    /** The input file of an invocation, which has no object key to take a name from. */
    public static final String INVOCATION_INPUT = "input";
    /**
     * {@code EVENT} and {@code WHARF_EVENT} are passed inline only up to this size; {@code WHARF_EVENT_PATH} always has
     * the whole envelope.
     */
    public static final int MAX_INLINE_EVENT_BYTES = 64 * 1024;

    private final StorageClients storage;

    public Supervisor(StorageClients storage) {
        this.storage = storage;
    }

    /**
     * Writes the envelope and the script into the workspace and materialises the input file.
     *
     * @return the input file's name inside {@link Workspace#inputDir()}
     * @throws UnsafeKeyException when the key cannot name a local file safely
     * @throws IOException when the store cannot be read
     */
    public String fetch(Envelope envelope, FunctionDefinition fn, Workspace ws) throws IOException {
        Files.write(ws.eventFile(), EnvelopeCodec.encode(envelope));
        Files.writeString(ws.scriptFile(), fn.script(), StandardCharsets.UTF_8);
        if (envelope.isInvocation()) {
            Files.write(ws.inputDir().resolve(INVOCATION_INPUT), InvocationBodies.inputBytes(envelope.data().body()));
            return INVOCATION_INPUT;
        }
        String name = ObjectKeys.fileName(envelope.data().key());
        Path target = ws.inputDir().resolve(name);
        if (!target.getParent().equals(ws.inputDir())) {
            throw new UnsafeKeyException(envelope.data().key(), "does not name a file inside the input folder");
        }
        ProviderRef ref = new ProviderRef(envelope.data().provider(), envelope.data().providerId());
        storage.forProvider(ref, fn.storageProviders())
                .download(envelope.data().bucket(), envelope.data().key(),
                        target);
        return name;
    }

    /**
     * The variables the script sees: OSCAR's (as its supervisor and its job handler set them), the function's own, and
     * Wharf's under {@code WHARF_*} names.
     */
    public static Map<String, String> scriptEnvironment(Envelope envelope, FunctionDefinition fn, String executionId,
            Workspace.ScriptPaths paths, String inputFileName) {
        Map<String, String> env = new LinkedHashMap<>();
        env.putAll(fn.environment().variables());
        env.putAll(fn.environment().secrets());
        if (fn.logLevel() != null) {
            env.put("LOG_LEVEL", fn.logLevel());
        }
        env.put("INPUT_FILE_PATH", paths.inputFile(inputFileName));
        env.put("TMP_INPUT_DIR", paths.inputDir());
        env.put("TMP_OUTPUT_DIR", paths.outputDir());
        if (!envelope.isInvocation()) {
            env.put("STORAGE_OBJECT_KEY", envelope.data().key());
            OscarEvents.eventTime(envelope).ifPresent(time -> env.put("EVENT_TIME", time));
        }
        OscarEvents.event(envelope).ifPresent(event -> env.put("EVENT", event));
        env.put("JOB_UUID", executionId);
        env.put("OSCAR_SERVICE_NAME", fn.name());
        env.put("WHARF_EVENT_PATH", paths.eventFile());
        String inline = inlineEnvelope(envelope);
        if (inline != null) {
            env.put("WHARF_EVENT", inline);
        }
        env.put("WHARF_EXECUTION_ID", executionId);
        env.put("WHARF_FUNCTION", fn.name());
        return env;
    }

    /**
     * Uploads every regular file the script left in the output folder to each output location whose filters accept
     * it, at {@code <output path>/<path relative to the output folder>}. Symbolic links are not followed: a script
     * cannot make the supervisor upload a file from outside its workspace.
     *
     * @return the uploaded objects, as {@code <bucket>/<key>}
     */
    public List<String> deliver(FunctionDefinition fn, Workspace ws, String executionId) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(ws.outputDir())) {
            files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        List<String> delivered = new ArrayList<>();
        for (StorageIO out : fn.output()) {
            StorageClient client = storage.forProvider(out.provider(), fn.storageProviders());
            for (Path file : files) {
                if (!out.accepts(file.getFileName().toString())) {
                    continue;
                }
                String relative = ws.outputDir().relativize(file).toString().replace('\\', '/');
                String container = containerOf(out, fn);
                String key = folderOf(out).isEmpty() ? relative : folderOf(out) + "/" + relative;
                client.upload(container, key, file, Map.of(PRODUCER_METADATA, executionId));
                delivered.add(container + "/" + key);
            }
        }
        return delivered;
    }

    /** Where a location's files go: its bucket, or for Onedata the provider's space. */
    private static String containerOf(StorageIO location, FunctionDefinition fn) {
        ProviderRef ref = location.provider();
        return ProviderRef.ONEDATA.equals(ref.type())
                ? fn.storageProviders().onedata().get(ref.id()).space()
                : location.bucket();
    }

    /** The folder inside the container: the key prefix, or for Onedata the whole path (a folder of the space). */
    private static String folderOf(StorageIO location) {
        return ProviderRef.ONEDATA.equals(location.provider().type()) ? location.trimmedPath() : location.keyPrefix();
    }

    private static String inlineEnvelope(Envelope envelope) {
        ObjectNode tree = Json.json().valueToTree(envelope);
        if (tree.path("data").isObject()) {
            ((ObjectNode) tree.get("data")).remove("body");
        }
        String json = tree.toString();
        return json.getBytes(StandardCharsets.UTF_8).length <= MAX_INLINE_EVENT_BYTES ? json : null;
    }
}
