package com.custarea.app.embedded;

import java.nio.file.Path;

import com.custarea.embedded.EmbeddedServices;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Stops the embedded services when the application fails to start: the broker's threads would otherwise keep the
 * failed JVM alive, and the PostgreSQL child process would outlive it. A normal stop is
 * {@link EmbeddedServicesLifecycle}'s.
 */
public class EmbeddedServicesShutdown implements ApplicationListener<ApplicationFailedEvent> {

    @Override
    public void onApplicationEvent(ApplicationFailedEvent event) {
        if (event.getApplicationContext() == null) {
            EmbeddedServices.stopAll();
            return;
        }
        Environment env = event.getApplicationContext().getEnvironment();
        if (env.getProperty("custarea.embedded.enabled", Boolean.class, true)) {
            EmbeddedServices.stop(Path.of(env.getProperty("custarea.data-dir", "./data")).toAbsolutePath().normalize());
        }
    }
}
