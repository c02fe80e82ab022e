package io.wharf.onetrigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.contracts.function.SecretCipher;
import io.wharf.contracts.onedata.OnedataWatch;
import io.wharf.contracts.onedata.WatchStatus;
import io.wharf.jetstream.OnedataStores;
import io.wharf.testing.OneproviderServer;

/**
 * Onetrigger against a real nats-server and the Oneprovider test server, with an HTTP server where the gateway is:
 * each watch is written into the watches bucket as the gateway writes it.
 */
@QuarkusTest
@WithTestResource(OnetriggerTestResource.class)
class WatcherTest {

    @Inject
    OnedataStores.Watches watches;

    @Inject
    OnedataStores.Statuses statuses;

    @Inject
    SecretCipher cipher;

    @Test
    void announcesEachNewFileOnceInOneTriggersFormatAndNotTheFilesThatWereThereBefore() {
        OneproviderServer od = OnetriggerTestResource.oneprovider();
        od.addSpace("s1", "t1");
        od.write("s1", "in/old.txt", "before".getBytes());
        // the folder became the function's input well after the old file was written (more than the clock skew)
        watch("fn-new", "uid1", "s1", "in", "t1", Instant.now().plusSeconds(120));
        awaitState("fn-new", WatchStatus.WATCHING);

        // after the first look, every file not seen before is new, whatever its times
        od.write("s1", "in/sub/new file.txt", "after".getBytes());

        OnetriggerTestResource.Posted posted = await("the announcement").atMost(Duration.ofSeconds(20))
                .until(() -> postedFor("fn-new"), l -> !l.isEmpty())
                .get(0);
        assertThat(posted.authorization()).isEqualTo("Bearer " + OnetriggerTestResource.TOKEN);
        assertThat(posted.uid()).isEqualTo("uid1");
        assertThat(posted.event().path("Key").asText()).isEqualTo("/s1/in/sub/new file.txt");
        assertThat(posted.event().path("Records").path(0).path("objectKey").asText()).isEqualTo("new file.txt");
        assertThat(posted.event().path("Records").path(0).path("eventSource").asText()).isEqualTo("OneTrigger");
        assertThat(posted.event().path("Records").path(0).path("objectId").asText()).isNotBlank();
        await("the count in the status").atMost(Duration.ofSeconds(10))
                .until(() -> statuses.get("fn-new").map(s -> s.folders().get(0).announced()).orElse(0L) == 1);
        assertThat(postedFor("fn-new")).as("once, and never the old file").hasSize(1);
    }

    @Test
    void keepsAFileWhileTheGatewayIsDownAndAnnouncesItWhenItIsBack() {
        OneproviderServer od = OnetriggerTestResource.oneprovider();
        od.addSpace("s2", "t2");
        watch("fn-down", "uid2", "s2", "in", "t2", Instant.now().minusSeconds(5));
        awaitState("fn-down", WatchStatus.WATCHING);
        OnetriggerTestResource.answer(503);
        try {
            od.write("s2", "in/while-down.txt", "x".getBytes());
            WatchStatus.Folder failing = awaitState("fn-down", WatchStatus.FAILING);
            assertThat(failing.error()).contains("cannot announce", "503");
        } finally {
            OnetriggerTestResource.answer(200);
        }
        await("announced once the gateway is back").atMost(Duration.ofSeconds(20))
                .until(() -> postedFor("fn-down").size() == 1);
        awaitState("fn-down", WatchStatus.WATCHING);
    }

    @Test
    void aFileTheGatewayRefusesForGoodDoesNotHoldUpTheRestOfTheFolder() {
        OneproviderServer od = OnetriggerTestResource.oneprovider();
        od.addSpace("s6", "t6");
        OnetriggerTestResource.refuse("refused-for-good.txt");
        watch("fn-refused", "uid6", "s6", "in", "t6", Instant.now().minusSeconds(60));
        awaitState("fn-refused", WatchStatus.WATCHING);

        od.write("s6", "in/a-refused-for-good.txt", "x".getBytes());
        od.write("s6", "in/b-fine.txt", "y".getBytes());

        await("the file after the refused one").atMost(Duration.ofSeconds(20))
                .until(() -> postedFor("fn-refused").size() == 1);
        assertThat(postedFor("fn-refused").get(0).event().path("Key").asText()).endsWith("b-fine.txt");
        assertThat(statuses.get("fn-refused").orElseThrow().folders().get(0).state())
                .isEqualTo(WatchStatus.WATCHING);
    }

    @Test
    void reportsARefusedTokenAndRecoversWhenTheProviderAcceptsItAgain() {
        OneproviderServer od = OnetriggerTestResource.oneprovider();
        od.addSpace("s3", "t3");
        od.revoke("t3");
        watch("fn-token", "uid3", "s3", "in", "t3", Instant.now().minusSeconds(5));

        WatchStatus.Folder failing = awaitState("fn-token", WatchStatus.FAILING);
        assertThat(failing.error()).contains("refused the token").doesNotContain("t3 ");

        od.mkdirs("s3", "in");
        od.write("s3", "in/later.txt", "y".getBytes());
        od.allow("t3", "s3");
        awaitState("fn-token", WatchStatus.WATCHING);
        await("announced after recovery").atMost(Duration.ofSeconds(20))
                .until(() -> postedFor("fn-token").size() == 1);
    }

    @Test
    void stopsWatchingAFunctionWhoseWatchIsWithdrawn() {
        OneproviderServer od = OnetriggerTestResource.oneprovider();
        od.addSpace("s4", "t4");
        od.addSpace("s5", "t5");
        watch("fn-gone", "uid4", "s4", "in", "t4", Instant.now().minusSeconds(5));
        watch("fn-stays", "uid5", "s5", "in", "t5", Instant.now().minusSeconds(5));
        awaitState("fn-gone", WatchStatus.WATCHING);

        watches.delete("fn-gone");
        int lookedAt = od.requestCount("POST", "/api/v3/oneprovider/lookup-file-id/s4");
        od.write("s4", "in/ignored.txt", "z".getBytes());

        // while another function's folder keeps being looked at, this one is not looked at any more
        int other = od.requestCount("POST", "/api/v3/oneprovider/lookup-file-id/s5");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> od.requestCount("POST", "/api/v3/oneprovider/lookup-file-id/s5") > other + 5);
        assertThat(od.requestCount("POST", "/api/v3/oneprovider/lookup-file-id/s4")).isLessThanOrEqualTo(
                lookedAt + 1);
        assertThat(postedFor("fn-gone")).isEmpty();
    }

    private void watch(String function, String uid, String space, String folder, String token, Instant since) {
        String sealed = cipher.seal(token, OnedataWatch.tokenContext(uid, "p"));
        watches.put(new OnedataWatch(function, uid, "someone", List.of(new OnedataWatch.Folder("p",
                OnetriggerTestResource.oneprovider().url(), space, folder, sealed, since))));
        OnetriggerTestResource.oneprovider().mkdirs(space, folder);
    }

    private WatchStatus.Folder awaitState(String function, String state) {
        return await(function + " " + state).atMost(Duration.ofSeconds(20))
                .until(() -> statuses.get(function).map(s -> s.folders().get(0)).orElse(null),
                        f -> f != null && f.state().equals(state));
    }

    private static List<OnetriggerTestResource.Posted> postedFor(String function) {
        return OnetriggerTestResource.posted().stream().filter(p -> function.equals(p.function())).toList();
    }
}
