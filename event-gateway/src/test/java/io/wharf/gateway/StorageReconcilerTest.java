package io.wharf.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import io.nats.client.Connection;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.contracts.function.FdlReader;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.contracts.storage.StorageCredentials;
import io.wharf.gateway.storage.StorageReconciler;
import io.wharf.jetstream.CredentialStore;
import io.wharf.jetstream.FunctionStore;
import io.wharf.testing.Buckets;
import io.wharf.testing.WharfTestResource;

/** Whatever failed half way, a reconciliation round brings MinIO's keys in line with the stored functions. */
@QuarkusTest
@WithTestResource(WharfTestResource.class)
class StorageReconcilerTest {

    @Inject
    Connection connection;
    @Inject
    FunctionStore functions;
    @Inject
    StorageReconciler reconciler;

    @Test
    void shouldIssueKeysAFunctionIsMissing() throws Exception {
        Api.create("rec-missing", "rec-missing");
        StorageCredentials lost = grants().get("rec-missing").orElseThrow().value();
        grants().delete("rec-missing");

        reconciler.reconcile();

        StorageCredentials issued = grants().get("rec-missing").orElseThrow().value();
        assertThat(issued.uid()).isEqualTo(functions.get("rec-missing").orElseThrow().value().uid());
        Buckets.put(WharfTestResource.minio().client(), "rec-missing", "in/a.txt", "a\n");
        assertThat(Buckets.read(client(issued), "rec-missing", "in/a.txt")).isEqualTo("a\n");
        // the keys whose record was lost no longer open anything
        assertThat(issued.accessKey()).isNotEqualTo(lost.accessKey());
        assertThatThrownBy(() -> Buckets.read(client(lost), "rec-missing", "in/a.txt"))
                .isInstanceOf(ErrorResponseException.class);
    }

    @Test
    void shouldRevokeKeysThatOutlivedTheirFunction() throws Exception {
        Api.create("rec-orphan", "rec-orphan");
        Buckets.put(WharfTestResource.minio().client(), "rec-orphan", "in/a.txt", "a\n");
        StorageCredentials orphan = grants().get("rec-orphan").orElseThrow().value();
        MinioClient withOrphanKeys = client(orphan);
        assertThat(Buckets.read(withOrphanKeys, "rec-orphan", "in/a.txt")).isEqualTo("a\n");
        functions.delete("rec-orphan"); // a delete that stopped after removing the definition

        reconciler.reconcile();

        assertThat(grants().get("rec-orphan")).isEmpty();
        assertThatThrownBy(() -> Buckets.read(withOrphanKeys, "rec-orphan", "in/a.txt"))
                .isInstanceOf(ErrorResponseException.class);
    }

    @Test
    void shouldUpgradeAFunctionStoredBeforeFunctionsHadUidsAndKeys() {
        FunctionDefinition legacy = FdlReader.readOne(Api.function("rec-legacy", "rec-legacy"))
                .managedBy(WharfTestResource.USER, "l".repeat(32), null, null);
        functions.create(legacy);

        reconciler.reconcile();

        String uid = functions.get("rec-legacy").orElseThrow().value().uid();
        assertThat(uid).matches("[0-9a-f]{16}");
        assertThat(grants().get("rec-legacy")).hasValueSatisfying(g -> assertThat(g.value().uid()).isEqualTo(uid));
    }

    @Test
    void shouldRestoreANotificationRuleMinioLost() throws Exception {
        Api.create("rec-rules", "rec-rules");
        MinioClient root = WharfTestResource.minio().client();
        root.deleteBucketNotification(io.minio.DeleteBucketNotificationArgs.builder().bucket("rec-rules").build());
        assertThat(ServicesResourceTest.rules("rec-rules")).isEmpty();

        reconciler.reconcile();

        // one rule per target: the durable one and the fast one
        assertThat(ServicesResourceTest.rules("rec-rules")).hasSize(2)
                .allSatisfy(
                        q -> assertThat(q.filterRuleList()).anySatisfy(r -> assertThat(r.value()).isEqualTo("in/")));
    }

    private CredentialStore grants() {
        return CredentialStore.functions(connection);
    }

    private static MinioClient client(StorageCredentials grant) {
        String secret = SecretCipher.fromBase64(WharfTestResource.SECRETS_KEY)
                .open(grant.secretKey(),
                        grant.sealingContext());
        return MinioClient.builder()
                .endpoint(WharfTestResource.minio().endpoint())
                .region("us-east-1")
                .credentials(grant.accessKey(), secret)
                .build();
    }
}
