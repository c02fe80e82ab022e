package io.wharf.contracts.function;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Wharf extension: a volume the platform's operators offer (a PersistentVolumeClaim, e.g. bound to an NFS or pNFS
 * share), mounted into the script's container, so data that must not leave its storage is processed in place. Only the
 * Kubernetes executor mounts volumes, and only those its operators let the function's owner use.
 *
 * @param name the volume's name, as the operators configured it
 * @param mountPath where the script sees it: an absolute path outside {@code /wharf} and the system's folders
 * @param readOnly mounted read-only unless {@code false} (and then only where the operators allow writing)
 */
public record VolumeMount(@JsonProperty("name") String name, @JsonProperty("mount_path") String mountPath,
        @JsonProperty("read_only") Boolean readOnly) {

    /** Read-only unless the function says otherwise. */
    public boolean isReadOnly() {
        return !Boolean.FALSE.equals(readOnly);
    }
}
