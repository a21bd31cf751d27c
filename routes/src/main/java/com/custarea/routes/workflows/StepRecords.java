package com.custarea.routes.workflows;

import java.util.List;

import com.custarea.routes.support.OutgoingRecord;
import com.custarea.schemas.PayloadJson;

/** The records a workflow step published, as its row in {@code workflow_run_steps} keeps them. */
final class StepRecords {

    private StepRecords() {
    }

    /**
     * The JSON array of {@code records}, each with its topic, key, value and headers. The value stays a JSON string,
     * not a nested object, since jsonb would reorder its fields: a replay publishes the very bytes of the first time.
     */
    static String write(List<OutgoingRecord> records) {
        return PayloadJson.write(records);
    }

    static List<OutgoingRecord> read(String json) {
        return List.of(PayloadJson.read(json, OutgoingRecord[].class));
    }
}
