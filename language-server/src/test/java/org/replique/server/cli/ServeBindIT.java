package org.replique.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@code replique serve --port N} listens on 127.0.0.1 alone: a client on the loopback address
 * connects, one on any other address of the machine is refused — another loopback address
 * (127.0.0.2, which a wildcard bind would accept), and IPv6's ::1 — and the system's own table of
 * listening sockets shows 127.0.0.1. No test traffic leaves the loopback range.
 */
class ServeBindIT {

    @Test
    @EnabledOnOs(OS.LINUX)
    void theServerListensOnTheLoopbackAddressOnly() throws Exception {
        int port;
        try (var probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path log = Files.createTempFile("serve", ".log");
        Process server = new ProcessBuilder(ServeProcessIT.java("serve", "--port", String.valueOf(port)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Socket socket = null;
            for (int i = 0; i < 600 && socket == null; i++) {
                try {
                    socket = new Socket(InetAddress.getByName("127.0.0.1"), port);
                } catch (IOException e) {
                    Thread.sleep(50);
                }
            }
            assertThat(socket).as("the server listens on 127.0.0.1:%d (log: %s)", port, Files.readString(log)).isNotNull();
            socket.close();

            // 127.0.0.1, in the IPv4 table or as an IPv4-mapped address in the IPv6 one (a dual-stack socket).
            List<String> listening = listeningAddresses(port);
            assertThat(listening).as("listening sockets on port %d", port).hasSize(1);
            assertThat(listening.getFirst()).isIn("0100007F", "0000000000000000FFFF00000100007F");
            assertThatThrownBy(() -> connect("127.0.0.2", port)).isInstanceOf(ConnectException.class);
            if (hasIpv6Loopback()) {
                assertThatThrownBy(() -> connect("::1", port)).isInstanceOf(ConnectException.class);
            }
        } finally {
            server.destroy();
        }
    }

    private static void connect(String address, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(address), port), 2000);
        }
    }

    /** The local addresses of the sockets listening on {@code port}, as the kernel lists them (hex). */
    private static List<String> listeningAddresses(int port) throws IOException {
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        java.util.List<String> found = new java.util.ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) continue;
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st ...; state 0A is LISTEN
                if (f.length > 3 && f[1].endsWith(":" + hexPort) && f[3].equals("0A")) {
                    found.add(f[1].substring(0, f[1].indexOf(':')));
                }
            }
        }
        return found;
    }

    private static boolean hasIpv6Loopback() {
        try {
            NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
            return lo != null && lo.inetAddresses().anyMatch(a -> a instanceof Inet6Address);
        } catch (IOException e) {
            return false;
        }
    }
}
