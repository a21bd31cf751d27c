package com.custarea.routes.widget;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.custarea.routes.channels.ChannelSettings;

/**
 * A widget channel's settings, read from the channel: the domains that may embed it (exact, or {@code *.example.com}
 * for its subdomains), whether visitors must prove their identity, and what the panel shows.
 */
public record WidgetSettings(List<String> allowedDomains, boolean requireIdentity, String greeting, String color,
                             List<String> preChatFields) {

    /** The channel settings that hold them. */
    public static final String ALLOWED_DOMAINS = "allowedDomains";
    public static final String REQUIRE_IDENTITY = "requireIdentity";
    public static final String GREETING = "greeting";
    public static final String COLOR = "color";
    public static final String PRE_CHAT_FIELDS = "preChatFields";
    /** The fields a pre-chat form may ask for. */
    public static final List<String> PRE_CHAT_FIELD_NAMES = List.of("name", "email");

    public static WidgetSettings of(ChannelSettings channel) {
        return new WidgetSettings(list(channel.setting(ALLOWED_DOMAINS).orElse("")),
                Boolean.parseBoolean(channel.setting(REQUIRE_IDENTITY).orElse("false")),
                channel.setting(GREETING).orElse("Hi! How can we help?"),
                channel.setting(COLOR).orElse("#1f6feb"),
                list(channel.setting(PRE_CHAT_FIELDS).orElse("")));
    }

    /**
     * Whether a page of {@code origin} (scheme://host[:port], as browsers send it) may use the widget: its host is an
     * allowed domain, or a subdomain of a {@code *.} one (not the bare domain itself).
     */
    public boolean allows(String origin) {
        if (origin == null || origin.isBlank() || "null".equals(origin)) {
            return false;
        }
        String host;
        try {
            URI uri = URI.create(origin.trim());
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                return false;
            }
            host = uri.getHost().toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (String domain : allowedDomains) {
            if (domain.startsWith("*.") ? host.endsWith(domain.substring(1)) : host.equals(domain)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(item -> !item.isEmpty())
                .map(item -> item.toLowerCase(Locale.ROOT)).toList();
    }
}
