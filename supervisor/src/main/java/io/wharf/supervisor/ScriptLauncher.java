package io.wharf.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a script gets its variables without any host process seeing them. The variables a user controls (and those
 * of the event) are written to a file in the workspace, and a fixed launcher, already inside the sandbox, reads it
 * and then runs the script: the container engine (or {@code setpriv}, or the shell of a pod) is started with a
 * command line and an environment that hold nothing of the user's. {@code LD_PRELOAD}, {@code PATH} or a secret
 * reach the script and its children only.
 */
public final class ScriptLauncher {

    /**
     * The launcher: {@code $0} is the variables file, {@code $1} the script, {@code $2} the marker it creates just
     * before the script starts ({@link Workspace#startedFile()}); all three paths are the platform's.
     */
    static final String LAUNCHER = ". \"$0\" && : > \"$2\" && exec /bin/sh \"$1\"";

    private ScriptLauncher() {
    }

    /**
     * The command that runs the script inside its sandbox.
     *
     * @param paths the workspace as the script sees it
     */
    public static List<String> command(Workspace.ScriptPaths paths) {
        List<String> command = new ArrayList<>(List.of("/bin/sh"));
        command.addAll(shellArguments(paths));
        return command;
    }

    /** The arguments of {@code /bin/sh} in {@link #command}: for a container whose entrypoint is {@code /bin/sh}. */
    public static List<String> shellArguments(Workspace.ScriptPaths paths) {
        return List.of("-c", LAUNCHER, paths.environmentFile(), paths.scriptFile(), paths.startedFile());
    }

    /**
     * {@link #command} as one line of shell, for a shell that starts it (a warm worker's agent). The launcher holds no
     * single quote, and the paths are the platform's own.
     */
    public static String commandLine(Workspace.ScriptPaths paths) {
        return "/bin/sh -c '" + LAUNCHER + "' " + paths.environmentFile() + " " + paths.scriptFile() + " "
                + paths.startedFile();
    }

    /**
     * Writes the variables as shell assignments, each value single-quoted (a quote inside is closed, escaped and
     * reopened), so that no value is ever interpreted by the shell that reads them.
     *
     * @throws IllegalArgumentException for a name that is not a shell variable name, or a value holding NUL
     */
    public static void writeEnvironment(Path file, Map<String, String> variables) throws IOException {
        StringBuilder sb = new StringBuilder();
        variables.forEach((name, value) -> {
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("not a shell variable name: " + name);
            }
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("the value of " + name + " holds a NUL character");
            }
            sb.append("export ").append(name).append("='").append(value.replace("'", "'\\''")).append("'\n");
        });
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }
}
