package io.wharf.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/**
 * A web UI session begun with OpenID Connect names its user until the moment it ends, however active it is: then the
 * user signs in at the provider again, which checks again that they may.
 */
class OidcSessionLifetimeTest {

    private static final Instant LOGIN = Instant.parse("2026-12-05T08:00:00Z");
    private static final Instant ENDS = LOGIN.plusSeconds(8 * 3600);

    @Test
    void namesItsUserUntilItEnds() {
        String principal = SessionUsersIdentityProvider.oidcPrincipal("alice", ENDS);

        assertThat(SessionUsersIdentityProvider.oidcUser(principal, LOGIN)).isEqualTo("alice");
        assertThat(SessionUsersIdentityProvider.oidcUser(principal, ENDS.minusSeconds(1))).isEqualTo("alice");
        assertThat(SessionUsersIdentityProvider.oidcUser(principal, ENDS)).isNull();
        assertThat(SessionUsersIdentityProvider.oidcUser(principal, ENDS.plusSeconds(3600))).isNull();
    }

    @Test
    void takesNoOtherPrincipalForOne() {
        for (String principal : new String[]{"alice", SessionUsersIdentityProvider.OIDC_SESSION + "alice",
                SessionUsersIdentityProvider.OIDC_SESSION + "soon\u0001alice",
                SessionUsersIdentityProvider.OIDC_SESSION + "\u0001alice", null}) {
            assertThat(SessionUsersIdentityProvider.oidcUser(principal, LOGIN)).as(String.valueOf(principal)).isNull();
        }
        // a user whose name holds the mark is still that whole name
        assertThat(SessionUsersIdentityProvider.oidcUser(SessionUsersIdentityProvider.oidcPrincipal("a\u0001b", ENDS),
                LOGIN)).isEqualTo("a\u0001b");
    }
}
