package com.custarea.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time the whole machine spent busy (every process: the application, the broker, PostgreSQL, the load
 * generator), from /proc/stat, so a benchmark step can say how much CPU one message costs.
 */
final class MachineCpu {

    private static final double TICKS_PER_SECOND = 100.0;

    private MachineCpu() {
    }

    /** Busy CPU seconds since boot, summed over cores (user, nice, system, irq, softirq, steal). */
    static double busySeconds() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int column : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(fields[column]);
            }
            return busy / TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read /proc/stat", e);
        }
    }
}
