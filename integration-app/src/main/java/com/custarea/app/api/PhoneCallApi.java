package com.custarea.app.api;

import java.util.UUID;

import com.custarea.app.security.Caller;
import com.custarea.routes.calls.PhoneCalls;
import com.custarea.routes.support.ProblemException;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** The handlers of /api/phone/calls: place a call to a contact with the AI agent on the line, and read a call. */
@Component
public class PhoneCallApi {

    private final PhoneCalls calls;

    public PhoneCallApi(PhoneCalls calls) {
        this.calls = calls;
    }

    public void place(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        JsonNode body = request.json("phone-call-create");
        request.created(calls.place(caller.tenantId(), ConversationApi.uuid(body, "contactId"),
                body.hasNonNull("channelId") ? ConversationApi.uuid(body, "channelId") : null,
                ApiRequest.text(body, "mode")));
    }

    public void get(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        UUID id = request.pathId("id");
        request.ok(calls.find(request.caller().tenantId(), id)
                .orElseThrow(() -> ProblemException.notFound("No call " + id)));
    }
}
