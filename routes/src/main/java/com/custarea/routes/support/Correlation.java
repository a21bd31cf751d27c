package com.custarea.routes.support;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.MDC;

/**
 * Puts the correlation id of the customer interaction being handled into the logging context (MDC key
 * {@value #MDC_KEY}), so every log line about it, plain or JSON, names it.
 */
public final class Correlation {

    public static final String MDC_KEY = "correlationId";

    private Correlation() {
    }

    /** Names {@code correlationId} in the logs until the closeable is closed. */
    public static MDC.MDCCloseable scope(String correlationId) {
        return MDC.putCloseable(MDC_KEY, correlationId == null ? "" : correlationId);
    }

    /** Names {@code correlationId} in the logs of this thread until {@code exchange} completes. */
    public static void bind(Exchange exchange, String correlationId) {
        if (correlationId == null) {
            return;
        }
        MDC.put(MDC_KEY, correlationId);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                MDC.remove(MDC_KEY);
            }
        });
    }
}
