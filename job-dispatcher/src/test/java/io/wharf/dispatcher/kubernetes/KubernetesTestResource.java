package io.wharf.dispatcher.kubernetes;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a dispatcher under test at the shared real control plane: the Kubernetes executor, the namespace (created,
 * enforcing the restricted Pod Security Standard), and the cluster's kubeconfig, read by the client the dispatcher
 * builds as it would read {@code KUBECONFIG}.
 */
public class KubernetesTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String NAMESPACE = "wharf-dispatched";

    @Override
    public Map<String, String> start() {
        TestCluster.client(NAMESPACE).close();
        System.setProperty("kubeconfig", TestCluster.plane().kubeconfig().toString());
        // no node runs here: pods queue in the cluster (holding back for capacity is KubernetesCapacityTest's)
        return Map.of("wharf.dispatcher.executor", "kubernetes", "wharf.dispatcher.kubernetes.namespace", NAMESPACE,
                "wharf.dispatcher.kubernetes.run-as-user", "65534", "wharf.dispatcher.kubernetes.queue", "pods");
    }

    @Override
    public void stop() {
        System.clearProperty("kubeconfig");
    }
}
