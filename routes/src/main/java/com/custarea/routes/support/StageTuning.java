package com.custarea.routes.support;

/**
 * How a batching stage consumes its topic.
 *
 * @param maxBatchSize    most records handed to the stage at once (and per transaction)
 * @param pollTimeoutMs   how long a poll waits for records; an idle partial batch is dispatched after it
 * @param batchIntervalMs the longest a partial batch waits while records keep coming
 * @param consumers       consumer threads of the stage in this process
 */
public record StageTuning(int maxBatchSize, int pollTimeoutMs, int batchIntervalMs, int consumers) {

    public StageTuning {
        if (maxBatchSize < 1 || pollTimeoutMs < 1 || batchIntervalMs < 1 || consumers < 1) {
            throw new IllegalArgumentException("Stage tuning values must be positive: " + this);
        }
    }
}
