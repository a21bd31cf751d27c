package com.custarea.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Chooses loopback ports for an embedded service and remembers them in its data folder, so a restart reuses them. */
final class PortAllocation {

    private final Path file;
    private final Properties ports = new Properties();

    PortAllocation(Path serviceDir) {
        this.file = serviceDir.resolve("ports.properties");
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                ports.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file, e);
            }
        }
    }

    /**
     * The port for {@code name}: the requested one when it is not 0, else the one used last time if it is still
     * free, else a new free one.
     */
    int port(String name, int requested) {
        int port = requested;
        if (port == 0) {
            String previous = ports.getProperty(name);
            port = previous != null && isFree(Integer.parseInt(previous)) ? Integer.parseInt(previous) : freePort();
        }
        ports.setProperty(name, Integer.toString(port));
        return port;
    }

    void save() {
        try (OutputStream out = Files.newOutputStream(file)) {
            ports.store(out, "ports chosen by the embedded service; delete to choose new ones");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
