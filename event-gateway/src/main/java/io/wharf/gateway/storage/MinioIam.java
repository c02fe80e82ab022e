package io.wharf.gateway.storage;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.bouncycastle.crypto.InvalidCipherTextException;

import io.minio.admin.MinioAdminClient;
import io.minio.admin.UserInfo;
import io.wharf.gateway.GatewayConfig;
import io.wharf.jetstream.StoreException;

/**
 * MinIO's identity and access management through its admin API, with the platform's root keys (which only the gateway
 * holds): users, their policies, and service accounts (access keys under a user, narrowed by a policy of their own).
 * Every call is idempotent, so a change interrupted half way converges when it is made again.
 */
@ApplicationScoped
public class MinioIam {

    private final MinioAdminClient admin;

    public MinioIam(GatewayConfig config) {
        GatewayConfig.Storage s = config.storage();
        this.admin = MinioAdminClient.builder()
                .endpoint(s.endpoint())
                .credentials(s.accessKey(), s.secretKey())
                .region(s.region())
                .build();
    }

    /** Creates the user, or sets its secret key again; enabled, without a policy of its own yet. */
    public void putUser(String accessKey, String secretKey) {
        call("create the MinIO user " + accessKey,
                () -> admin.addUser(accessKey, UserInfo.Status.ENABLED, secretKey, null, null));
    }

    /** Stores the policy under its name and makes it the user's only policy. */
    public void putUserPolicy(String accessKey, String policyName, String policyJson) {
        call("set the policy of MinIO user " + accessKey, () -> {
            admin.addCannedPolicy(policyName, policyJson);
            admin.setPolicy(accessKey, false, policyName);
        });
    }

    /** Creates the service account under {@code parent}, or gives it {@code policy} when it exists. */
    public void putServiceAccount(String parent, String accessKey, String secretKey, Map<String, Object> policy) {
        call("set the service account " + accessKey, () -> {
            try {
                admin.getServiceAccountInfo(accessKey);
            } catch (IOException | RuntimeException absent) {
                admin.addServiceAccount(accessKey, secretKey, parent, policy, null, "wharf function", null);
                return;
            }
            admin.updateServiceAccount(accessKey, secretKey, policy, true, null, "wharf function", null);
        });
    }

    /** The access keys of the service accounts under a user. */
    public java.util.List<String> serviceAccountsOf(String parent) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        call("list the service accounts of " + parent, () -> {
            var accounts = admin.listServiceAccount(parent).accounts();
            if (accounts != null) {
                accounts.forEach(a -> keys.add(a.accessKey()));
            }
        });
        return keys;
    }

    /** Removes the service account; one already gone (or never created) is not an error. */
    public void deleteServiceAccount(String accessKey) {
        call("delete the service account " + accessKey, () -> {
            try {
                admin.getServiceAccountInfo(accessKey);
            } catch (IOException | RuntimeException absent) {
                return;
            }
            admin.deleteServiceAccount(accessKey);
        });
    }

    private interface AdminCall {

        void run() throws IOException, GeneralSecurityException, InvalidCipherTextException;
    }

    private static void call(String what, AdminCall call) {
        try {
            call.run();
        } catch (IOException | GeneralSecurityException | InvalidCipherTextException | RuntimeException e) {
            throw new StoreException("cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
