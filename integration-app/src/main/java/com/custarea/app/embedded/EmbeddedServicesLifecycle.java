package com.custarea.app.embedded;

import java.nio.file.Path;

import com.custarea.embedded.EmbeddedServices;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Stops the embedded services of this application's data folder last of all lifecycles, after Camel has stopped
 * its consumers and producers, so a graceful shutdown commits its offsets against a live broker.
 */
@Component
public class EmbeddedServicesLifecycle implements SmartLifecycle {

    private final boolean embedded;
    private final Path dataDir;
    private volatile boolean running;

    public EmbeddedServicesLifecycle(@Value("${custarea.embedded.enabled:true}") boolean embedded,
                                     @Value("${custarea.data-dir:./data}") String dataDir) {
        this.embedded = embedded;
        this.dataDir = Path.of(dataDir).toAbsolutePath().normalize();
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (embedded) {
            EmbeddedServices.stop(dataDir);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MIN_VALUE;
    }
}
