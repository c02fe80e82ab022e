package io.wharf.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointGuardTest {

    private final EndpointGuard guard = new EndpointGuard(false);

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.100.100.200",
            "0.0.0.0", "0.1.2.3", "224.0.0.1", "255.255.255.255", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1",
            "64:ff9b::a9fe:a9fe", "2002:7f00:1::"})
    void shouldTreatInternalAddressesAsPrivate(String address) throws Exception {
        assertThat(EndpointGuard.isPrivate(InetAddress.getByName(address))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "2001:4860:4860::8888", "64:ff9b::808:808"})
    void shouldTreatPublicAddressesAsPublic(String address) throws Exception {
        assertThat(EndpointGuard.isPrivate(InetAddress.getByName(address))).isFalse();
    }

    @Test
    void shouldRefuseEndpointsOnThePlatformsNetwork() {
        assertThatThrownBy(() -> guard.check("http://localhost:9000"))
                .isInstanceOf(EndpointGuard.ForbiddenEndpointException.class)
                .hasMessageContaining("private address");
        assertThatThrownBy(() -> guard.check("http://[::1]:9000")).hasMessageContaining("private address");
        assertThatThrownBy(() -> guard.check("file:///etc/passwd")).hasMessageContaining("http or https");
    }

    @Test
    void shouldAllowAPublicEndpointAndAnyEndpointWhenTheOperatorSaysSo() throws Exception {
        assertThat(guard.check("https://93.184.216.34")).isEqualTo("https://93.184.216.34");
        assertThat(new EndpointGuard(true).check("http://127.0.0.1:9000")).isEqualTo("http://127.0.0.1:9000");
    }

    @Test
    void shouldCheckEveryConnectionAndNeverFollowARedirect() throws Exception {
        assertThat(guard.client().followRedirects()).isFalse();
        assertThat(guard.client().followSslRedirects()).isFalse();
        assertThatThrownBy(() -> guard.client().dns().lookup("localhost"))
                .isInstanceOf(EndpointGuard.ForbiddenEndpointException.class);
    }
}
