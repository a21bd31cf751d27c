package com.custarea.routes.email;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.IdentityVerificationAttributes;
import software.amazon.awssdk.services.ses.model.VerificationStatus;

/**
 * The seed's sesIdentityService: SES sends only from verified identities, so a new SES account asks SES to verify
 * its address unless the address or its domain is verified already, and the accounts API shows where that stands.
 */
@Service
public class SesIdentities {

    private static final Logger LOG = LoggerFactory.getLogger(SesIdentities.class);

    private final SesClient ses;

    public SesIdentities(@Qualifier(SesClients.BEAN) SesClient ses) {
        this.ses = ses;
    }

    /**
     * Where the verification of {@code address} stands ({@code success}, {@code pending}, {@code failed}, …, or
     * {@code unknown} when SES cannot be asked), asking SES to send the verification mail when neither the address
     * nor its domain is verified or pending.
     */
    public String ensureVerification(String address) {
        String status = status(address);
        if (status.equals("not-started")) {
            try {
                ses.verifyEmailIdentity(request -> request.emailAddress(address));
                return "pending";
            } catch (SdkException e) {
                LOG.warn("SES did not start verifying {}: {}", address, e.getMessage());
                return "unknown";
            }
        }
        return status;
    }

    /** Where the verification of {@code address} (or of its domain, which covers it) stands. */
    public String status(String address) {
        String domain = address.substring(address.indexOf('@') + 1);
        try {
            Map<String, IdentityVerificationAttributes> attributes = ses.getIdentityVerificationAttributes(
                    request -> request.identities(List.of(address, domain))).verificationAttributes();
            for (String identity : List.of(domain, address)) {
                IdentityVerificationAttributes found = attributes.get(identity);
                if (found != null && found.verificationStatus() == VerificationStatus.SUCCESS) {
                    return "success";
                }
            }
            IdentityVerificationAttributes own = attributes.get(address);
            return own == null ? "not-started" : own.verificationStatusAsString().toLowerCase(Locale.ROOT);
        } catch (SdkException e) {
            LOG.warn("SES did not say whether {} is verified: {}", address, e.getMessage());
            return "unknown";
        }
    }
}
