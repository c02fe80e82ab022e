package io.wharf.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.wharf.contracts.Names;
import io.wharf.testing.NatsServer;

/**
 * The NATS server as every launcher configures it (etc/nats-permissions.conf): nobody connects without a user, and
 * each service publishes and reads only where it must.
 */
class NatsPermissionsTest {

    private static NatsServer nats;
    private static Connection admin;

    @BeforeAll
    static void start(@TempDir Path dir) {
        nats = new NatsServer(dir).start();
        admin = NatsConnections.connect(nats.url(), "admin", Optional.empty(), Optional.empty());
        Topology.ensure(admin, Duration.ofMinutes(10), 1);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        admin.close();
        nats.stop();
    }

    @Test
    void shouldRefuseAClientWithoutCredentials() {
        Options anonymous = Options.builder().server(nats.serviceUrl()).maxReconnects(0).build();

        assertThatThrownBy(() -> Nats.connect(anonymous).close())
                .hasMessageContaining("Authorization Violation");
    }

    @Test
    void shouldRefuseAWrongPassword() {
        Options wrong = Options.builder()
                .server(nats.serviceUrl())
                .userInfo("dispatcher", "not-the-password")
                .maxReconnects(0)
                .build();

        assertThatThrownBy(() -> Nats.connect(wrong).close())
                .hasMessageContaining("Authorization Violation");
    }

    @Test
    void shouldKeepTheDispatcherFromCreatingEnvelopesOrReadingUsersCredentials() throws Exception {
        try (Connection dispatcher = as("dispatcher")) {
            assertThatThrownBy(() -> dispatcher.jetStream()
                    .publish(Names.eventsSubject("f"),
                            "{}".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOfAny(JetStreamApiException.class, java.io.IOException.class);
            assertThatThrownBy(() -> dispatcher.keyValue(Names.USERS_BUCKET).get("alice"))
                    .isInstanceOfAny(JetStreamApiException.class, java.io.IOException.class);
        }
    }

    @Test
    void shouldLetTheDispatcherReportItsCapacityAndTheGatewayReadIt() throws Exception {
        try (Connection dispatcher = as("dispatcher"); Connection gateway = as("gateway")) {
            dispatcher.keyValue(Names.CAPACITY_BUCKET)
                    .put("dispatcher-1", "{\"busy\":1}".getBytes(
                            StandardCharsets.UTF_8));

            assertThat(gateway.keyValue(Names.CAPACITY_BUCKET).keys()).contains("dispatcher-1");
            assertThat(new String(gateway.keyValue(Names.CAPACITY_BUCKET).get("dispatcher-1").getValue(),
                    StandardCharsets.UTF_8)).isEqualTo("{\"busy\":1}");
            // the gateway reads reports, it does not make them
            assertThatThrownBy(() -> gateway.keyValue(Names.CAPACITY_BUCKET).put("forged", new byte[]{1}))
                    .isInstanceOfAny(JetStreamApiException.class, java.io.IOException.class);
        }
    }

    @Test
    void shouldLetAnInvokerPublishInvocationsAndNothingElse() throws Exception {
        try (Connection invoker = as("invoker")) {
            assertThat(invoker.jetStream()
                    .publish(Names.invokeSubject("f"),
                            "{}".getBytes(StandardCharsets.UTF_8))
                    .getStream()).isEqualTo(Names.INGEST_STREAM);
            assertThatThrownBy(() -> invoker.keyValue(Names.FUNCTIONS_BUCKET).get("f"))
                    .isInstanceOfAny(JetStreamApiException.class, java.io.IOException.class);
        }
    }

    @Test
    void shouldLetOnetriggerReadWatchesAndKeepItsOwnBucketsButNothingElse() throws Exception {
        try (Connection gateway = as("gateway"); Connection onetrigger = as("onetrigger")) {
            new OnedataStores.Watches(gateway).put(new io.wharf.contracts.onedata.OnedataWatch("f", "u", "alice",
                    java.util.List.of()));
            assertThat(new OnedataStores.Watches(onetrigger).get("f")).isPresent();
            java.util.concurrent.CountDownLatch caughtUp = new java.util.concurrent.CountDownLatch(1);
            new OnedataStores.Watches(onetrigger).watchAll((name, watch) -> {
            }, caughtUp::countDown);
            assertThat(caughtUp.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("it may watch them").isTrue();
            new OnedataStores.Announced(onetrigger).remember("f", "u", new OnedataStores.Announced.File("in/a",
                    "id-a", java.time.Instant.now(), true));
            assertThat(new OnedataStores.Announced(onetrigger).contains("f", "u", "id-a")).isTrue();
            new OnedataStores.Statuses(onetrigger).put(new io.wharf.contracts.onedata.WatchStatus("f", "u",
                    java.util.List.of()));
            assertThat(new OnedataStores.Statuses(gateway).get("f")).isPresent();

            // it announces through the gateway's API only: no envelopes, no definitions, no keys, no watches of its own
            assertThatThrownBy(() -> onetrigger.jetStream()
                    .publish(Names.eventsSubject("f"), "{}".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOfAny(JetStreamApiException.class, java.io.IOException.class);
            assertThatThrownBy(() -> onetrigger.keyValue(Names.FUNCTIONS_BUCKET).get("f"))
                    .isInstanceOfAny(JetStreamApiException.class, java.io.IOException.class);
            assertThatThrownBy(() -> onetrigger.keyValue(Names.FUNCTION_STORAGE_BUCKET).get("f"))
                    .isInstanceOfAny(JetStreamApiException.class, java.io.IOException.class);
            assertThatThrownBy(() -> onetrigger.keyValue(Names.ONEDATA_WATCHES_BUCKET).put("g", new byte[]{1}))
                    .isInstanceOfAny(JetStreamApiException.class, java.io.IOException.class);
        }
    }

    private static Connection as(String user) throws Exception {
        return Nats.connect(Options.builder()
                .server(nats.serviceUrl())
                .userInfo(user, nats.password(user))
                .maxReconnects(0)
                .build());
    }
}
