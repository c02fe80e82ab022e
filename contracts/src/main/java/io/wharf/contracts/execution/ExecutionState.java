package io.wharf.contracts.execution;

/** Where an execution is in its life. Only the last two are final. */
public enum ExecutionState {

    QUEUED("Pending"), RUNNING("Running"), SUCCEEDED("Succeeded"), FAILED("Failed");

    private final String oscarStatus;

    ExecutionState(String oscarStatus) {
        this.oscarStatus = oscarStatus;
    }

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED;
    }

    /** The Kubernetes pod phase OSCAR reports for a job in this state, which oscar-cli prints and filters on. */
    public String oscarStatus() {
        return oscarStatus;
    }
}
