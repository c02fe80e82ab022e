package io.wharf.dispatcher.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.VolumeMount;
import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.dispatcher.runtime.RefusedAttempt;

/** The volumes the operators offer, and whether a function's owner may mount the ones it asks for, as it asks. */
public final class VolumeCatalog {

    private final Map<String, DispatcherConfig.OfferedVolume> offered;

    public VolumeCatalog(Map<String, DispatcherConfig.OfferedVolume> offered) {
        this.offered = Map.copyOf(offered);
    }

    /**
     * @throws RefusedAttempt naming the volume and the rule when one is not offered, not offered to the function's
     *         owner, or asked read-write where only reading is allowed
     */
    public List<JobPlan.Volume> resolve(FunctionDefinition fn) {
        List<JobPlan.Volume> volumes = new ArrayList<>();
        for (int i = 0; i < fn.volumes().size(); i++) {
            VolumeMount asked = fn.volumes().get(i);
            String at = "volumes[" + i + "]";
            DispatcherConfig.OfferedVolume volume = offered.get(asked.name());
            if (volume == null || !(volume.users().contains("*") || volume.users().contains(fn.owner()))) {
                // one answer for both: a user learns nothing about volumes not offered to them
                throw new RefusedAttempt("volume-not-offered", at + ".name: no volume '" + asked.name()
                        + "' is offered to " + fn.owner() + " on this platform");
            }
            if (!asked.isReadOnly() && !volume.writable()) {
                throw new RefusedAttempt("volume-read-only", at + ".read_only: volume '" + asked.name()
                        + "' may only be mounted read-only");
            }
            volumes.add(new JobPlan.Volume(asked.name(), volume.claim(), asked.mountPath(), asked.isReadOnly()));
        }
        return volumes;
    }
}
