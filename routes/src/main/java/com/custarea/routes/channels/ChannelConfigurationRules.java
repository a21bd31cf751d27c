package com.custarea.routes.channels;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.widget.WidgetSettings;
import com.custarea.schemas.Channel;
import com.custarea.schemas.PayloadException;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

/**
 * Checks a channel's settings and secret for its kind before they are stored, so a misconfigured channel is a 400
 * at configuration time rather than lost messages later (a WhatsApp number that webhooks can never match, say).
 */
@Component
public class ChannelConfigurationRules {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");
    private static final Pattern SERVICE_SID = Pattern.compile("MG[0-9a-fA-F]{32}");
    private static final Pattern API_KEY_SID = Pattern.compile("SK[0-9a-fA-F]{32}");
    private static final List<String> VOICE_MODES = List.of("legacy", "realtime", "convrelay");
    private static final Pattern WIDGET_DOMAIN = Pattern.compile("(\\*\\.)?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*");
    private static final Pattern WIDGET_COLOR = Pattern.compile("#([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})");
    /** The longest greeting the widget's panel shows. */
    static final int MAX_GREETING = 500;

    /**
     * Refuses settings (null: unchanged) or a secret (null: unchanged) that cannot work for a channel of
     * {@code type}, with a 400 problem naming each field.
     */
    public void check(Channel type, Map<String, String> settings, String secret) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (type == Channel.WHATSAPP || type == Channel.SMS) {
            if (settings != null) {
                twilioSettings(settings, errors);
            }
            if (secret != null && secret.trim().startsWith("{")) {
                twilioSecret(secret, errors);
            }
        }
        if (type == Channel.WIDGET && settings != null) {
            widgetSettings(settings, errors);
        }
        if (type == Channel.VOICE && settings != null) {
            voiceSettings(settings, errors);
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("The channel's configuration is not valid for " + type.wireName(),
                    errors);
        }
    }

    private static void twilioSettings(Map<String, String> settings, List<Problem.FieldError> errors) {
        String phone = settings.get("phoneNumber");
        String service = settings.get("messagingServiceSid");
        if (phone == null && service == null) {
            errors.add(new Problem.FieldError("/settings/phoneNumber",
                    "a phoneNumber (E.164) or a messagingServiceSid is required: webhooks find the channel by it"));
        }
        matches(settings, "phoneNumber", E164, "must be in E.164, like +14155550100", errors);
        matches(settings, "messagingServiceSid", SERVICE_SID, "must be a messaging service SID (MG…)", errors);
        matches(settings, "accountSid", ACCOUNT_SID, "must be an account SID (AC…)", errors);
    }

    private static void voiceSettings(Map<String, String> settings, List<Problem.FieldError> errors) {
        if (settings.get("phoneNumber") == null) {
            errors.add(new Problem.FieldError("/settings/phoneNumber",
                    "a phoneNumber (E.164) is required: the voice bridge finds the line by it"));
        }
        matches(settings, "phoneNumber", E164, "must be in E.164, like +14155550100", errors);
        matches(settings, "accountSid", ACCOUNT_SID, "must be an account SID (AC…)", errors);
        matches(settings, "transferNumber", E164, "must be in E.164, like +14155550100", errors);
        String mode = settings.get("mode");
        if (mode != null && !VOICE_MODES.contains(mode)) {
            errors.add(new Problem.FieldError("/settings/mode", "must be one of " + VOICE_MODES));
        }
    }

    private static void widgetSettings(Map<String, String> settings, List<Problem.FieldError> errors) {
        String domains = settings.getOrDefault(WidgetSettings.ALLOWED_DOMAINS, "");
        if (domains.isBlank()) {
            errors.add(new Problem.FieldError("/settings/allowedDomains",
                    "name the domains that may embed the widget (comma-separated; *.example.com for subdomains)"));
        }
        for (String domain : domains.split(",")) {
            String trimmed = domain.trim();
            if (!trimmed.isEmpty() && !WIDGET_DOMAIN.matcher(trimmed).matches()) {
                errors.add(new Problem.FieldError("/settings/allowedDomains", "\"" + trimmed
                        + "\" is not a host name (or *. and a host name)"));
            } else if (trimmed.startsWith("*.") && trimmed.substring(2).split("\\.").length < 2) {
                // *.com would let every site of a public suffix embed the widget
                errors.add(new Problem.FieldError("/settings/allowedDomains", "\"" + trimmed
                        + "\" is too wide: a wildcard needs at least two labels after *. (*.example.com)"));
            }
        }
        String required = settings.get(WidgetSettings.REQUIRE_IDENTITY);
        if (required != null && !required.equals("true") && !required.equals("false")) {
            errors.add(new Problem.FieldError("/settings/requireIdentity", "must be true or false"));
        }
        matches(settings, WidgetSettings.COLOR, WIDGET_COLOR, "must be a hex colour: #rgb, #rgba, #rrggbb or "
                + "#rrggbbaa", errors);
        String greeting = settings.get(WidgetSettings.GREETING);
        if (greeting != null && (greeting.isBlank() || greeting.length() > MAX_GREETING)) {
            errors.add(new Problem.FieldError("/settings/greeting", "must be 1 to " + MAX_GREETING
                    + " characters"));
        }
        String fields = settings.get(WidgetSettings.PRE_CHAT_FIELDS);
        if (fields != null) {
            for (String field : fields.split(",")) {
                if (!field.isBlank() && !WidgetSettings.PRE_CHAT_FIELD_NAMES.contains(
                        field.trim().toLowerCase(Locale.ROOT))) {
                    errors.add(new Problem.FieldError("/settings/preChatFields", "\"" + field.trim()
                            + "\" is not a pre-chat field: use " + WidgetSettings.PRE_CHAT_FIELD_NAMES
                            + ", comma-separated"));
                }
            }
        }
    }

    private static void twilioSecret(String secret, List<Problem.FieldError> errors) {
        try {
            JsonNode json = PayloadJson.tree(secret);
            if (!json.hasNonNull("authToken")) {
                errors.add(new Problem.FieldError("/secret", "authToken is required: Twilio signs webhooks with it"));
            }
            if (json.hasNonNull("apiKeySid") != json.hasNonNull("apiKeySecret")) {
                errors.add(new Problem.FieldError("/secret", "apiKeySid and apiKeySecret go together"));
            } else if (json.hasNonNull("apiKeySid") && !API_KEY_SID.matcher(json.get("apiKeySid").asText())
                    .matches()) {
                errors.add(new Problem.FieldError("/secret", "apiKeySid must be an API key SID (SK…)"));
            }
        } catch (PayloadException e) {
            errors.add(new Problem.FieldError("/secret", "is neither an auth token nor a JSON object"));
        }
    }

    private static void matches(Map<String, String> settings, String name, Pattern pattern, String message,
                                List<Problem.FieldError> errors) {
        String value = settings.get(name);
        if (value != null && !pattern.matcher(value).matches()) {
            errors.add(new Problem.FieldError("/settings/" + name, message));
        }
    }
}
