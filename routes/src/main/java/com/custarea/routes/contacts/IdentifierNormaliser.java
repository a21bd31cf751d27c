package com.custarea.routes.contacts;

import java.util.Locale;
import java.util.regex.Pattern;

import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Puts identifiers in the one form the contact store keys them by: phone numbers in E.164 (with libphonenumber;
 * {@code whatsapp:}, {@code sms:} and {@code tel:} prefixes dropped, so a WhatsApp and an SMS sender with the same
 * number are one contact), e-mail addresses trimmed and lower-cased, visitor and external ids as given.
 */
@Component
public class IdentifierNormaliser {

    private static final Pattern CHANNEL_PREFIX = Pattern.compile("^(whatsapp|sms|tel|mms):", Pattern.CASE_INSENSITIVE);
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final int MAX_LENGTH = 320;

    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    private final String defaultRegion;

    /** @param defaultRegion the ISO region assumed for numbers written without a country code */
    public IdentifierNormaliser(@Value("${custarea.contacts.default-phone-region:US}") String defaultRegion) {
        this.defaultRegion = defaultRegion.toUpperCase(Locale.ROOT);
    }

    public ContactIdentifier normalise(ContactIdentifier identifier) {
        String value = identifier.value() == null ? "" : identifier.value().trim();
        if (value.isEmpty()) {
            throw new InvalidIdentifierException("An empty " + identifier.type().wireName() + " identifier");
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidIdentifierException("A " + identifier.type().wireName() + " identifier longer than "
                    + MAX_LENGTH + " characters");
        }
        return switch (identifier.type()) {
            case PHONE -> ContactIdentifier.of(IdentifierType.PHONE, e164(value));
            case EMAIL -> ContactIdentifier.of(IdentifierType.EMAIL, email(value));
            case VISITOR, EXTERNAL -> ContactIdentifier.of(identifier.type(), value);
        };
    }

    private String e164(String raw) {
        String number = CHANNEL_PREFIX.matcher(raw).replaceFirst("").trim();
        try {
            Phonenumber.PhoneNumber parsed = phones.parse(number, defaultRegion);
            if (!phones.isPossibleNumber(parsed)) {
                throw new InvalidIdentifierException("Not a possible phone number: " + raw);
            }
            return phones.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            throw new InvalidIdentifierException("Not a phone number: " + raw + " (" + e.getMessage() + ")");
        }
    }

    private static String email(String raw) {
        String address = raw.toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(address).matches()) {
            throw new InvalidIdentifierException("Not an e-mail address: " + raw);
        }
        return address;
    }
}
