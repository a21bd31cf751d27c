package com.custarea.app.api;

import com.custarea.routes.calls.CallView;
import com.custarea.routes.support.Problem;
import org.springframework.stereotype.Component;

/** /api/phone/calls: outbound calls through Twilio with the AI agent on the line, and calls with their transcript. */
@Component
public class PhoneCallRoutes extends DashboardApiRoutes {

    private final PhoneCallApi api;

    public PhoneCallRoutes(PhoneCallApi api) {
        this.api = api;
    }

    @Override
    public void configure() {
        rest("/api/phone/calls").tag("Phone").security(OpenApiRoutes.BEARER)
                .post().id("phone-calls-create").consumes("application/json").produces("application/json")
                    .description("Call a contact's phone number from the tenant's voice line through Twilio; when "
                            + "the contact answers, the voice bridge puts the AI agent on the line in the chosen mode")
                    .type(RequestBodies.PlaceCall.class).outType(CallView.class)
                    .responseMessage().code(400).message("No phone number, no voice line, or Twilio refused")
                    .responseModel(Problem.class).endResponseMessage()
                    .to(handler("phone-calls-create"))
                .get("/{id}").id("phone-calls-get").produces("application/json")
                    .description("A call: who, how, how it ended, and its transcript").outType(CallView.class)
                    .to(handler("phone-calls-get"));

        handle("phone-calls-create", api::place);
        handle("phone-calls-get", api::get);
    }
}
