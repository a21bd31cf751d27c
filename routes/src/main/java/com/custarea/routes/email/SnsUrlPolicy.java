package com.custarea.routes.email;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Which addresses named in an SNS message we may fetch: only SNS's own hosts, so a forged message cannot make us
 * trust a certificate, or call an address, of its choosing.
 */
@Component
public class SnsUrlPolicy {

    /** The hosts of SNS in every AWS partition we know: {@code sns.<region>.amazonaws.com} and its China twin. */
    public static final String DEFAULT_HOST_PATTERN = "sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?";

    private static final String CERTIFICATE_SUFFIX = ".pem";

    private final Pattern host;
    private final boolean requireHttps;

    /**
     * @param hostPattern  a regular expression the whole host must match (blank: {@link #DEFAULT_HOST_PATTERN}; the
     *                     default lives here rather than in the placeholder, whose backslashes would need escaping)
     * @param requireHttps whether plain http addresses are refused (tests against a local fake turn it off)
     */
    public SnsUrlPolicy(@Value("${custarea.email.ses.sns-host-pattern:}") String hostPattern,
                        @Value("${custarea.email.ses.sns-require-https:true}") boolean requireHttps) {
        this.host = Pattern.compile(hostPattern == null || hostPattern.isBlank() ? DEFAULT_HOST_PATTERN : hostPattern);
        this.requireHttps = requireHttps;
    }

    /** Whether {@code url} is an absolute address on an SNS host, with no user info, over https when required. */
    public boolean allows(String url) {
        return parse(url) != null;
    }

    /** Whether {@code url} may be a SigningCertURL: allowed, and naming a {@code .pem} file. */
    public boolean allowsCertificate(String url) {
        URI uri = parse(url);
        return uri != null && uri.getPath() != null && uri.getPath().endsWith(CERTIFICATE_SUFFIX);
    }

    private URI parse(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean schemeAllowed = "https".equals(scheme) || (!requireHttps && "http".equals(scheme));
        // getHost() is null for a registry-based authority (percent-escapes, underscores): never a host of ours
        if (!schemeAllowed || uri.isOpaque() || uri.getRawUserInfo() != null || uri.getHost() == null) {
            return null;
        }
        return host.matcher(uri.getHost().toLowerCase(Locale.ROOT)).matches() ? uri : null;
    }
}
