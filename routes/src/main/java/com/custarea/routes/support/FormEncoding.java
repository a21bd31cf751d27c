package com.custarea.routes.support;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes {@code application/x-www-form-urlencoded} text strictly, keeping every parameter as sent (a webhook's
 * signature covers them all).
 */
public final class FormEncoding {

    private static final int MAX_PARAMETERS = 500;

    private FormEncoding() {
    }

    /**
     * The parameters of {@code encoded}; a malformed escape, a parameter without {@code =} or a repeated parameter is
     * a 400 problem. Every pair must carry {@code =} (a trailing {@code &} aside), the rule Camel's HTTP binding
     * applies too, so that nothing this accepts can fail later in Camel.
     */
    public static Map<String, String> decode(String encoded) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return parameters;
        }
        // split drops trailing empty strings, as Camel's binding does
        for (String pair : encoded.split("&")) {
            if (parameters.size() >= MAX_PARAMETERS) {
                throw ProblemException.badRequest("More than " + MAX_PARAMETERS + " parameters", List.of());
            }
            int equals = pair.indexOf('=');
            if (equals < 0) {
                throw ProblemException.badRequest("Malformed form encoding: every parameter needs name=value",
                        List.of());
            }
            String name = decodePart(pair.substring(0, equals));
            String value = decodePart(pair.substring(equals + 1));
            if (parameters.putIfAbsent(name, value) != null) {
                throw ProblemException.badRequest("The parameter " + name + " is repeated",
                        List.of(new Problem.FieldError("/" + name, "repeated")));
            }
        }
        return parameters;
    }

    private static String decodePart(String part) {
        try {
            return URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("Malformed form encoding: " + e.getMessage(), List.of());
        }
    }
}
