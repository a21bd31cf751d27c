package com.custarea.routes.conversations;

/** The metadata keys that carry a provider template on an outbound message (Twilio's Content API). */
public final class OutboundTemplates {

    /** The template's content SID (HX…). */
    public static final String CONTENT_SID = "twilio.contentSid";
    /** The template's variables, a JSON object of strings. */
    public static final String CONTENT_VARIABLES = "twilio.contentVariables";

    private OutboundTemplates() {
    }
}
