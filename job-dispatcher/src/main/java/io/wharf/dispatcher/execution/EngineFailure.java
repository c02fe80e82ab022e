package io.wharf.dispatcher.execution;

import java.io.IOException;

/**
 * The engine (or the process executor's sandbox) exited before the script started: a missing image, a broken engine,
 * an image without {@code /bin/sh}. A failure of the platform, retried, never recorded as the script's exit code.
 */
final class EngineFailure extends IOException {

    EngineFailure(int exitCode, String executor) {
        super("the " + executor + " could not start the script (exit " + exitCode + "; see the execution's log)");
    }
}
