package io.wharf.dispatcher.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.wharf.contracts.envelope.Envelope;
import io.wharf.contracts.envelope.EnvelopeIds;
import io.wharf.contracts.envelope.EventData;
import io.wharf.contracts.function.FdlReader;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.dispatcher.DispatcherConfig;
import io.wharf.dispatcher.kubernetes.KubernetesRuntime;
import io.wharf.dispatcher.kubernetes.TestCluster;
import io.wharf.dispatcher.runtime.Attempt;
import io.wharf.supervisor.Workspace;

/**
 * Fast checks against fabric8's mock API server, for answers a real API server does not give on demand: a failing
 * API server (5xx) is an outage the execution waits out, uncounted; a refusal (403, a missing right) is a platform
 * failure that counts towards dead-lettering.
 */
class KubernetesApiFailuresTest {

    private KubernetesMockServer server;
    private KubernetesClient client;

    @TempDir
    Path work;

    @BeforeEach
    void start() {
        // CRUD for everything but the answers a test expects; plain HTTP
        Map<ServerRequest, Queue<ServerResponse>> expected = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), expected,
                new KubernetesMixedDispatcher(expected), false);
        server.init();
        // no retries of a failing answer: the dispatcher's own retry policy is what is checked
        KubernetesClient mocked = server.createClient();
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(mocked.getConfiguration())
                .withRequestRetryBackoffLimit(0)
                .build()).build();
        mocked.close();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void shouldTakeAFailingApiServerForAnOutage() throws Exception {
        server.expect()
                .post()
                .withPath("/api/v1/namespaces/mocked/secrets")
                .andReturn(503, "etcd unavailable")
                .always();
        server.expect()
                .patch()
                .withPath("/api/v1/namespaces/mocked/secrets/wharf-fn-mock-fn-storage?fieldManager="
                        + "fabric8")
                .andReturn(503, "etcd unavailable")
                .always();

        IOException failure = carryOutFailure();

        assertThat(Outages.isOutage(failure)).as("%s", failure).isTrue();
        assertThat(failure).hasMessageContaining("PATCH").hasMessageContaining("Service Unavailable");
    }

    @Test
    void shouldCountARefusalOfTheApiServer() throws Exception {
        server.expect()
                .patch()
                .withPath("/api/v1/namespaces/mocked/secrets/wharf-fn-mock-fn-storage?fieldManager="
                        + "fabric8")
                .andReturn(403, "secrets is forbidden")
                .always();

        IOException failure = carryOutFailure();

        assertThat(Outages.isOutage(failure)).as("%s", failure).isFalse();
        assertThat(failure).hasMessageContaining("the Kubernetes API refused").hasMessageContaining("Forbidden");
    }

    private IOException carryOutFailure() {
        try (KubernetesRuntime runtime = new KubernetesRuntime(client,
                TestCluster.config("mocked", Optional.of(65534L), Duration.ofMinutes(5),
                        DispatcherConfig.QueueMode.pods),
                new FunctionLimits("1", "256Mi", Duration.ofMinutes(5)), fn -> Optional.empty(), Clock.systemUTC())) {
            FunctionDefinition fn = FdlReader
                    .readOne("name: mock-fn\nimage: localhost/wharf-busybox:1\nscript: 'true'\n")
                    .managedBy("alice", "t".repeat(32), "0123456789abcdef", 1);
            Envelope envelope = Envelope.of(EnvelopeIds.forInvocation("mock-fn", "test://", "1"), "test://",
                    Envelope.TYPE_INVOCATION, null, Instant.now(), "mock-fn",
                    EventData.invocation("api", "e30=", null, null));
            String id = EnvelopeIds.executionId("mock-fn", envelope.id());
            Attempt attempt = new Attempt(id, envelope, fn, Workspace.create(work, id), () -> {
            }, () -> false);
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> runtime.carryOut(attempt));
            assertThatThrownBy(() -> {
                throw thrown;
            }).isInstanceOf(IOException.class);
            return (IOException) thrown;
        }
    }
}
