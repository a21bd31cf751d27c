package com.custarea.routes.workflows;

import java.util.List;

import com.custarea.routes.support.OutgoingRecord;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What an action did: done or waiting, a result for the run log, and the records it has to publish.
 *
 * @param waiting the run pauses after this step until its timer fires
 */
record StepOutcome(boolean waiting, ObjectNode result, List<OutgoingRecord> records) {
}
