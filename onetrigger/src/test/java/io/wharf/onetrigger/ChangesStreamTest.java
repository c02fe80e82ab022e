package io.wharf.onetrigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.contracts.onedata.OnedataWatch;
import io.wharf.contracts.onedata.WatchStatus;
import io.wharf.jetstream.OnedataStores;
import io.wharf.testing.OneproviderServer;

/**
 * With listings an hour apart, a new file is still announced within seconds: the space's changes stream wakes the
 * folder's watcher, which then looks again as soon as the file may have settled.
 */
@QuarkusTest
@TestProfile(ChangesStreamTest.HourlyListings.class)
@WithTestResource(OnetriggerTestResource.class)
class ChangesStreamTest {

    /** Listings an hour apart. */
    public static class HourlyListings implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("wharf.onetrigger.poll-interval", "1H");
        }
    }

    @Inject
    OnedataStores.Watches watches;

    @Inject
    OnedataStores.Statuses statuses;

    @Inject
    SecretCipher cipher;

    @Test
    void aChangeBelowTheFolderWakesItsWatcher() {
        OneproviderServer od = OnetriggerTestResource.oneprovider();
        od.addSpace("streamed", "ts");
        od.mkdirs("streamed", "in");
        watches.put(new OnedataWatch("fn-streamed", "uid", "someone", List.of(new OnedataWatch.Folder("p",
                od.url(), "streamed", "in", cipher.seal("ts", OnedataWatch.tokenContext("uid", "p")),
                Instant.now().minusSeconds(5)))));
        await("the first look").atMost(Duration.ofSeconds(20))
                .until(() -> statuses.get("fn-streamed").map(s -> s.folders().get(0).state()).orElse(""),
                        WatchStatus.WATCHING::equals);
        await("the changes stream is open").atMost(Duration.ofSeconds(20))
                .until(() -> od.requestCount("POST", "/api/v3/oneprovider/changes/metadata/") > 0);

        od.write("streamed", "in/soon.txt", "now".getBytes());

        await("announced long before the next listing").atMost(Duration.ofSeconds(15))
                .until(() -> OnetriggerTestResource.posted()
                        .stream()
                        .anyMatch(p -> "fn-streamed".equals(
                                p.function())));
        assertThat(OnetriggerTestResource.posted().stream().filter(p -> "fn-streamed".equals(p.function())))
                .hasSize(1);
    }
}
