package com.custarea.routes.api;

import com.custarea.routes.channels.ChannelSettings;
import com.fasterxml.jackson.databind.JsonNode;

/** A request to the API channel whose signature, size and schema were checked. */
record VerifiedRequest(ChannelSettings channel, JsonNode body, String correlationId) {
}
