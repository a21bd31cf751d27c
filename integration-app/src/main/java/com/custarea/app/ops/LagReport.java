package com.custarea.app.ops;

import java.util.List;

import com.custarea.routes.support.HttpResponses;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** Answers the lag endpoint: every partition's lag and the total per consumer group. */
@Component
public class LagReport implements Processor {

    private final ConsumerLagMonitor monitor;

    public LagReport(ConsumerLagMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        List<PartitionLag> partitions = monitor.measure();
        long total = partitions.stream().mapToLong(PartitionLag::lag).sum();
        HttpResponses.json(exchange, 200, new Body(total, partitions));
    }

    /** The response: total lag over all groups, and each partition. */
    record Body(long totalLag, List<PartitionLag> partitions) {
    }
}
