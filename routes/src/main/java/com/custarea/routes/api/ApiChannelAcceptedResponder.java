package com.custarea.routes.api;

import com.custarea.routes.support.HttpResponses;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** Answers 202 Accepted once the request's record is durably in Kafka. */
@Component
public class ApiChannelAcceptedResponder implements Processor {

    @Override
    public void process(Exchange exchange) {
        AcceptedRecord accepted = exchange.getProperty(AcceptedRecord.PROPERTY, AcceptedRecord.class);
        HttpResponses.json(exchange, 202, accepted);
        exchange.getMessage().setHeader(ApiChannelHeaders.CORRELATION_ID, accepted.correlationId());
    }
}
