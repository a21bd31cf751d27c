package com.custarea.bench;

import java.util.Arrays;

/** Collects latencies in microseconds and reports exact percentiles. */
final class LatencyRecorder {

    private long[] values = new long[1 << 16];
    private int size;

    synchronized void record(long micros) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = micros;
    }

    synchronized int count() {
        return size;
    }

    /** The {@code percentile} (0–100) in milliseconds. */
    synchronized double percentileMillis(double percentile) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int index = (int) Math.min(size - 1, Math.ceil(percentile / 100.0 * size) - 1);
        return sorted[Math.max(0, index)] / 1000.0;
    }

    /** Copies the values recorded from index {@code from} on into {@code target}. */
    synchronized void copyFrom(int from, LatencyRecorder target) {
        for (int i = from; i < size; i++) {
            target.record(values[i]);
        }
    }
}
