package com.custarea.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;

/**
 * The tenant's system of the benchmark: receives the API channel's callbacks on loopback and records when each
 * benchmark message's reply arrived (the echo engine's reply contains the message's id).
 */
final class CallbackReceiver implements AutoCloseable {

    private static final Pattern BENCH_ID = Pattern.compile("bench-(\\d+)");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final Map<Long, Long> arrivals = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();

    CallbackReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/callbacks", exchange -> {
            long now = System.nanoTime();
            try (InputStream body = exchange.getRequestBody()) {
                Matcher matcher = BENCH_ID.matcher(new String(body.readAllBytes(), StandardCharsets.UTF_8));
                if (matcher.find()) {
                    arrivals.putIfAbsent(Long.parseLong(matcher.group(1)), now);
                }
            }
            received.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.setExecutor(executor);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/callbacks";
    }

    /** When the reply to message {@code id} arrived (System.nanoTime), or null. */
    Long arrival(long id) {
        return arrivals.get(id);
    }

    long received() {
        return received.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
