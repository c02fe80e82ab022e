/**
 * The supervisor: everything between an envelope and a finished execution that does not depend on where the script
 * runs. It fetches the input into a {@link io.wharf.supervisor.Workspace}, builds the script's environment, and
 * delivers what the script left in its output folder. Plain Java, so the dispatcher runs it in-process and the
 * Kubernetes pod runs it as a CLI.
 */
package io.wharf.supervisor;
