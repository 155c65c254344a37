package org.replique.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Who may use the model: anyone on loopback; off loopback, only holders of the key. */
class AccessTest {
    private static final String KEY = "room-key-4f2a";

    /** A non-loopback address of this machine (eth0's, say), if it has one that is up. */
    static Optional<InetAddress> networkAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) continue;
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    private static HttpResponse<String> models(HttpServerFixture f, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(f.baseUrl() + "/models")).GET();
        if (authorization != null) b.header("Authorization", authorization);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bindingAnAddressOtherThanLoopbackWithoutAKeyIsRefused() throws Exception {
        assertThatThrownBy(() -> Access.check(InetAddress.getByName("0.0.0.0"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--api-key-env");
        assertThatThrownBy(() -> Access.check(InetAddress.getByName("192.168.1.20"), ""))
                .isInstanceOf(IllegalArgumentException.class);
        Access.check(InetAddress.getLoopbackAddress(), null);
        Access.check(InetAddress.getByName("::1"), null);
        Access.check(InetAddress.getByName("0.0.0.0"), KEY);
    }

    @Test
    void offLoopbackRequestsWithoutTheKeyGet401() throws Exception {
        Optional<InetAddress> address = networkAddress();
        if (address.isEmpty()) {
            System.err.println("SKIPPED AccessTest.offLoopbackRequestsWithoutTheKeyGet401: this machine has no"
                    + " non-loopback IPv4 address that is up");
        }
        Assumptions.assumeTrue(address.isPresent(), "no non-loopback address on this machine");
        assertThatThrownBy(() -> HttpServerFixture.start(address.get(), null, 1, 1, 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
        try (HttpServerFixture f = HttpServerFixture.start(address.get(), KEY, 1, 1, 1, 0)) {
            assertThat(f.server.address().getAddress()).isEqualTo(address.get());
            HttpResponse<String> none = models(f, null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(HttpServerFixture.json(none.body()).getAsJsonObject("error").get("code").getAsString())
                    .isEqualTo("invalid_api_key");
            assertThat(models(f, "Bearer wrong-key").statusCode()).isEqualTo(401);
            assertThat(models(f, "Bearer " + KEY).statusCode()).isEqualTo(200);
            JsonObject body = new JsonObject();
            body.addProperty("prompt", "[Alceste:]");
            body.addProperty("max_tokens", 2);
            assertThat(f.post("/v1/completions", body).statusCode()).isEqualTo(200); // the fixture sends the key
            assertThat(f.server.stats().unauthorized()).isEqualTo(2);
        }
    }

    @Test
    void aKeyOnLoopbackIsRequiredTooButHealthStaysOpen() throws Exception {
        try (HttpServerFixture f = HttpServerFixture.start(InetAddress.getLoopbackAddress(), KEY, 1, 1, 1, 0)) {
            assertThat(models(f, null).statusCode()).isEqualTo(401);
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(f.uri("/health")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }
}
