package com.custarea.routes.webhooks;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.custarea.routes.support.PermanentFailure;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * An HTTP client for URLs tenants give (webhook receivers, knowledge documents). It connects only to addresses the
 * {@link WebhookUrlPolicy} passed as it resolved the host for that very connection, redirects included (a name
 * pointed elsewhere after a check, DNS rebinding, gains nothing; the Host header and TLS server name stay the URL's
 * host), and cuts every exchange off at a hard deadline: the read timeout bounds each read only, so a server
 * answering a byte at a time, or a host with many dead addresses, would otherwise hold the caller without end.
 */
public final class PinnedHttpClient implements Closeable {

    /**
     * How many of a host's addresses one connection tries: each may take the whole connect timeout, and a
     * cancelled connect only moves on to the next address.
     */
    public static final int MAX_ADDRESSES_TRIED = 2;

    private final CloseableHttpClient http;
    private final ScheduledExecutorService deadlines;

    /**
     * @param maxRedirects redirects followed (each hop's connection checked by the policy); 0 follows none
     */
    public PinnedHttpClient(WebhookUrlPolicy policy, Duration connectTimeout, Duration readTimeout,
                            int maxConnections, int maxRedirects, String userAgent) {
        DnsResolver checkedResolver = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                InetAddress[] addresses = policy.addressesFor(host);
                return addresses.length <= MAX_ADDRESSES_TRIED ? addresses
                        : Arrays.copyOf(addresses, MAX_ADDRESSES_TRIED);
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
            }
        };
        HttpClientBuilder builder = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(checkedResolver)
                        .setMaxConnTotal(maxConnections).setMaxConnPerRoute(maxConnections)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                .setSocketTimeout(Timeout.of(readTimeout)).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(readTimeout))
                        .setRedirectsEnabled(maxRedirects > 0).setMaxRedirects(maxRedirects).build())
                .disableAutomaticRetries().disableCookieManagement()
                .setUserAgent(userAgent);
        if (maxRedirects == 0) {
            builder.disableRedirectHandling();
        }
        this.http = builder.build();
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "pinned-http-deadline");
            thread.setDaemon(true);
            return thread;
        });
        // a cut-off cancelled once its exchange is done must not keep the request (and its body) until it falls due
        timer.setRemoveOnCancelPolicy(true);
        this.deadlines = timer;
    }

    /** The longest an exchange of a client with these timeouts takes to get an answer's head. */
    public static Duration headDeadline(Duration connectTimeout, Duration readTimeout) {
        return connectTimeout.multipliedBy(MAX_ADDRESSES_TRIED).plus(readTimeout);
    }

    /** Reads what the caller needs of an answer; whatever it leaves unread is dropped with the connection. */
    @FunctionalInterface
    public interface AnswerReader<T> {
        T read(ClassicHttpResponse answer) throws IOException;
    }

    /** An exchange the deadline cut off. */
    public static final class DeadlineException extends IOException {
        private static final long serialVersionUID = 1L;

        DeadlineException(Duration deadline, Throwable cause) {
            super("no answer within " + deadline.toMillis() + " ms", cause);
        }
    }

    /**
     * Sends {@code request} and hands the answer to {@code reader}, all within {@code deadline}; at the deadline the
     * request is cancelled, which closes its socket. The connection is closed after, not drained: a graceful close
     * would read the rest of a body the reader did not want.
     *
     * @throws WebhookUrlPolicy.RefusedAddressException when a host resolved to an address the policy refuses
     * @throws DeadlineException                        when the deadline cut the exchange off
     */
    public <T> T exchange(HttpUriRequestBase request, Duration deadline, AnswerReader<T> reader)
            throws IOException {
        long cutOffAt = System.nanoTime() + deadline.toNanos();
        ScheduledFuture<?> cutOff = deadlines.schedule(request::cancel, deadline.toNanos(), TimeUnit.NANOSECONDS);
        try {
            ClassicHttpResponse response = http.executeOpen(null, request, null);
            try {
                return reader.read(response);
            } finally {
                CloseableHttpResponse.adapt(response).close(CloseMode.IMMEDIATE);
            }
        } catch (WebhookUrlPolicy.RefusedAddressException | PermanentFailure e) {
            // the reader's own verdict (too large, refused) stands, even when it came at the deadline
            throw e;
        } catch (IOException | RuntimeException e) {
            if (System.nanoTime() - cutOffAt >= 0) {
                throw new DeadlineException(deadline, e);
            }
            throw e;
        } finally {
            cutOff.cancel(false);
        }
    }

    @Override
    public void close() throws IOException {
        deadlines.shutdownNow();
        http.close(CloseMode.IMMEDIATE);
    }
}
