package com.custarea.routes.email;

import java.util.Arrays;

/** The services an e-mail account sends and receives through. */
public enum EmailProvider {
    /** Amazon SES: sending with the platform's AWS credentials from a verified identity, receiving through SNS. */
    SES("ses"),
    /** Gmail and Google Workspace through the Gmail API, authorised with OAuth. */
    GMAIL("gmail"),
    /** Outlook and Microsoft 365 through Microsoft Graph, authorised with OAuth. */
    OUTLOOK("outlook");

    private final String wireName;

    EmailProvider(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The provider named {@code name} (case-insensitive); IllegalArgumentException for any other. */
    public static EmailProvider fromWireName(String name) {
        return Arrays.stream(values()).filter(provider -> provider.wireName.equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown e-mail provider: " + name
                        + " (expected ses, gmail or outlook)"));
    }
}
