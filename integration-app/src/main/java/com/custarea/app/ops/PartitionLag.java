package com.custarea.app.ops;

/** How far a consumer group is behind on one partition: the end offset minus the committed one. */
public record PartitionLag(String group, String topic, int partition, long committedOffset, long endOffset, long lag) {
}
