package io.wharf.contracts.execution;

/**
 * Where an execution is in its life. The last three are final; {@code REMOVED} is an unfinished execution its owner
 * removed, hidden from every listing, kept until the dispatcher that holds its envelope sees it (and stops its script,
 * if it runs) and removes it for good.
 */
public enum ExecutionState {

    QUEUED("Pending"), RUNNING("Running"), SUCCEEDED("Succeeded"), FAILED("Failed"), REMOVED("Failed");

    private final String oscarStatus;

    ExecutionState(String oscarStatus) {
        this.oscarStatus = oscarStatus;
    }

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == REMOVED;
    }

    /** The Kubernetes pod phase OSCAR reports for a job in this state, which oscar-cli prints and filters on. */
    public String oscarStatus() {
        return oscarStatus;
    }
}
