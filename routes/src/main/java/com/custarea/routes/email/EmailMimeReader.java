package com.custarea.routes.email;

import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.SharedByteArrayInputStream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeVisitor;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Reads a raw inbound e-mail (RFC 5322 / MIME) into a {@link ParsedEmail}: threading ids, addresses, decoded
 * subject and bodies, attachments, and whether it was sent automatically or in bulk.
 */
@Component
public class EmailMimeReader {

    public static final String FROM = "From";
    public static final String SENDER = "Sender";
    public static final String TO = "To";
    public static final String CC = "Cc";
    public static final String SUBJECT = "Subject";
    public static final String AUTO_SUBMITTED = "Auto-Submitted";
    public static final String X_AUTOREPLY = "X-Autoreply";
    public static final String X_AUTORESPOND = "X-Autorespond";
    public static final String PRECEDENCE = "Precedence";
    public static final String LIST_ID = "List-Id";
    public static final String LIST_UNSUBSCRIBE = "List-Unsubscribe";
    public static final String CONTENT_DISPOSITION = "Content-Disposition";

    /** The name a forwarded message (a message/rfc822 part) is kept under. */
    public static final String FORWARDED_FILENAME = "forwarded.eml";
    /** References kept, the newest: enough to find the thread, bounded against a runaway header. */
    public static final int MAX_REFERENCES = 50;
    /** Real mail nests a few levels (mixed ▶ alternative ▶ related); deeper is an attack on the parser. */
    static final int MAX_DEPTH = 20;

    private static final Pattern BRACKETED_ID = Pattern.compile("<([^<>\\s]{1,995})>");
    private static final Pattern BARE_ID = Pattern.compile("[^<>\\s]+@[^<>\\s]+");
    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>,;:\"()\\[\\]]+@[^\\s<>,;:\"()\\[\\]]+");
    private static final Pattern MIME_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*");
    private static final Pattern CHARSET = Pattern.compile("(?i);\\s*charset\\s*=\\s*\"?([^\";\\s]+)");
    private static final Pattern FORMAT_FLOWED = Pattern.compile("(?i);\\s*format\\s*=\\s*\"?flowed");
    private static final Pattern DELSP_YES = Pattern.compile("(?i);\\s*delsp\\s*=\\s*\"?yes");
    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n]+");
    private static final Pattern CONTROL_CHARACTERS = Pattern.compile("\\p{Cntrl}");
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /** Subject prefixes of out-of-office and other automatic replies (Outlook, Exchange, Gmail, in several
     *  languages), compared lower-case. */
    private static final List<String> AUTO_REPLY_SUBJECTS = List.of("automatic reply:", "auto:", "out of office",
            "autosvar", "abwesend", "automatische antwort:", "réponse automatique", "autoreply", "auto-reply");
    private static final Set<String> BULK_PRECEDENCE = Set.of("bulk", "list", "junk");
    private static final String AUTO_REPLY_PRECEDENCE = "auto_reply";

    private final long maxMessageBytes;
    private final Session session;

    public EmailMimeReader(@Value("${custarea.email.max-message-bytes:26214400}") long maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        Properties properties = new Properties();
        // an empty multipart is odd but harmless: read it as a mail without body rather than refuse it
        properties.setProperty("mail.mime.multipart.allowempty", "true");
        this.session = Session.getInstance(properties);
    }

    /**
     * The e-mail in {@code raw}. Throws {@link MalformedEmailException}, and nothing else, when the bytes are empty,
     * over {@code custarea.email.max-message-bytes}, not MIME, nested too deep, or name no sender.
     */
    public ParsedEmail parse(byte[] raw) {
        if (raw == null || raw.length == 0) {
            throw new MalformedEmailException("The e-mail is empty");
        }
        if (raw.length > maxMessageBytes) {
            throw new MalformedEmailException("The e-mail has " + raw.length + " bytes, over the limit of "
                    + maxMessageBytes);
        }
        try {
            return read(new MimeMessage(session, new SharedByteArrayInputStream(raw)));
        } catch (MalformedEmailException e) {
            throw e;
        } catch (MessagingException | IOException | RuntimeException e) {
            throw new MalformedEmailException("The e-mail cannot be read as MIME: " + e.getMessage(), e);
        }
    }

    private ParsedEmail read(MimeMessage message) throws MessagingException, IOException {
        List<EmailAddress> senders = addresses(header(message, FROM, ","));
        if (senders.isEmpty()) {
            senders = addresses(header(message, SENDER, ","));
        }
        if (senders.isEmpty()) {
            throw new MalformedEmailException("The e-mail names no sender address");
        }
        EmailAddress from = senders.get(0);
        String subject = decoded(header(message, SUBJECT, null));
        Body body = new Body();
        walk(message, 0, body);
        String html = body.html == null ? null : body.html.toString();
        String text = body.text != null ? body.text.toString() : html != null ? htmlToText(html) : "";
        return new ParsedEmail(firstId(header(message, EmailMimeWriter.MESSAGE_ID, null)),
                firstId(header(message, EmailMimeWriter.IN_REPLY_TO, null)),
                references(header(message, EmailMimeWriter.REFERENCES, " ")),
                from, addresses(header(message, TO, ",")), addresses(header(message, CC, ",")), subject, text, html,
                QuotedText.strip(text), body.attachments, isAutoReply(message, subject), isBulk(message),
                sentAt(message));
    }

    private static String header(MimePart part, String name, String delimiter) throws MessagingException {
        String value = part.getHeader(name, delimiter);
        return value == null ? null : from8Bit(value);
    }

    /**
     * Header bytes are read one char per byte; mail clients that put raw UTF-8 into headers (allowed by RFC 6532)
     * are read as UTF-8, anything else 8-bit as Windows-1252, the superset of ISO-8859-1 such clients mean.
     */
    private static String from8Bit(String value) {
        boolean eightBit = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xFF) {
                return value;
            }
            eightBit |= c > 0x7F;
        }
        if (!eightBit) {
            return value;
        }
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        String utf8 = strictUtf8(bytes);
        return utf8 != null ? utf8 : new String(bytes, WINDOWS_1252);
    }

    /** The header's text with RFC 2047 encoded words decoded, on one line; null when absent. */
    private static String decoded(String raw) {
        if (raw == null) {
            return null;
        }
        String unfolded = MimeUtility.unfold(raw);
        String text;
        try {
            text = MimeUtility.decodeText(unfolded);
        } catch (UnsupportedEncodingException | RuntimeException e) {
            text = unfolded;
        }
        return LINE_BREAKS.matcher(text).replaceAll(" ").strip();
    }

    private static String firstId(String raw) {
        if (raw == null) {
            return null;
        }
        Matcher matcher = BRACKETED_ID.matcher(raw);
        if (matcher.find()) {
            return matcher.group();
        }
        // a few broken mailers leave out the brackets; the id is still the id
        String bare = MimeUtility.unfold(raw).strip();
        return BARE_ID.matcher(bare).matches() ? "<" + bare + ">" : null;
    }

    private static List<String> references(String raw) {
        if (raw == null) {
            return List.of();
        }
        Set<String> ids = new LinkedHashSet<>();
        Matcher matcher = BRACKETED_ID.matcher(raw);
        while (matcher.find()) {
            ids.add(matcher.group());
        }
        List<String> all = List.copyOf(ids);
        return all.subList(Math.max(0, all.size() - MAX_REFERENCES), all.size());
    }

    private static List<EmailAddress> addresses(String raw) {
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        String value = MimeUtility.unfold(raw);
        List<EmailAddress> addresses = new ArrayList<>();
        try {
            for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                if (address.isGroup()) {
                    for (InternetAddress member : address.getGroup(false)) {
                        add(addresses, member);
                    }
                } else {
                    add(addresses, address);
                }
            }
            return addresses;
        } catch (AddressException | RuntimeException e) {
            // unparseable as a list: keep whatever looks like an address, without names
            Matcher matcher = ADDRESS.matcher(value);
            while (matcher.find()) {
                addresses.add(EmailAddress.of(matcher.group()));
            }
            return addresses;
        }
    }

    private static void add(List<EmailAddress> addresses, InternetAddress address) {
        if (address.getAddress() == null) {
            return;
        }
        // the lenient parser lets junk through ("broken <<jane@customer.test"): keep only the address in it
        Matcher matcher = ADDRESS.matcher(address.getAddress());
        if (!matcher.find()) {
            return;
        }
        String mailbox = matcher.group();
        String name = address.getPersonal();
        name = name == null ? null : LINE_BREAKS.matcher(name).replaceAll(" ").strip();
        addresses.add(new EmailAddress(mailbox, name == null || name.isEmpty() ? null : name));
    }

    private static Instant sentAt(MimeMessage message) {
        try {
            Date date = message.getSentDate();
            return date == null ? null : date.toInstant();
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Auto-Submitted other than "no" (RFC 3834), X-Autoreply, X-Autorespond, Precedence: auto_reply, a delivery
     * report (multipart/report), or an out-of-office subject. Not X-Auto-Response-Suppress: Outlook sets it on mail
     * a person wrote too.
     */
    private static boolean isAutoReply(MimeMessage message, String subject) throws MessagingException {
        String autoSubmitted = parameterless(header(message, AUTO_SUBMITTED, null));
        if (autoSubmitted != null && !autoSubmitted.equals("no")) {
            return true;
        }
        if (message.getHeader(X_AUTOREPLY) != null || message.getHeader(X_AUTORESPOND) != null
                || AUTO_REPLY_PRECEDENCE.equals(parameterless(header(message, PRECEDENCE, null)))
                || baseType(message).equals("multipart/report")) {
            return true;
        }
        String lowerSubject = subject == null ? "" : subject.toLowerCase(Locale.ROOT);
        return AUTO_REPLY_SUBJECTS.stream().anyMatch(lowerSubject::startsWith);
    }

    /** A mailing list's or a bulk sender's mail: List-Id, List-Unsubscribe, or Precedence bulk, list or junk. */
    private static boolean isBulk(MimeMessage message) throws MessagingException {
        String precedence = parameterless(header(message, PRECEDENCE, null));
        return message.getHeader(LIST_ID) != null || message.getHeader(LIST_UNSUBSCRIBE) != null
                || precedence != null && BULK_PRECEDENCE.contains(precedence);
    }

    /** The header value before any ";" parameters, trimmed and lower-case; null when absent. */
    private static String parameterless(String value) {
        if (value == null) {
            return null;
        }
        int semicolon = value.indexOf(';');
        return MimeUtility.unfold(semicolon < 0 ? value : value.substring(0, semicolon)).strip()
                .toLowerCase(Locale.ROOT);
    }

    /** What the walk over the MIME tree collects. */
    private static final class Body {
        private StringBuilder text;
        private StringBuilder html;
        private final List<EmailFile> attachments = new ArrayList<>();

        void addText(String part) {
            text = append(text, part, "\n\n");
        }

        void addHtml(String part) {
            html = append(html, part, "\n");
        }

        private static StringBuilder append(StringBuilder builder, String part, String separator) {
            if (builder == null) {
                return new StringBuilder(part);
            }
            return builder.append(separator).append(part);
        }
    }

    private static void walk(MimePart part, int depth, Body body) throws MessagingException, IOException {
        if (depth > MAX_DEPTH) {
            throw new MalformedEmailException("The e-mail's parts are nested deeper than " + MAX_DEPTH + " levels");
        }
        String type = baseType(part);
        if (type.startsWith("multipart/")) {
            MimeMultipart multipart = new MimeMultipart(new MimePartDataSource(part));
            int count;
            try {
                count = multipart.getCount();
            } catch (MessagingException noParts) {
                // a multipart whose boundary never comes: its content is all there is to read, so read it as text
                body.addText(asText(content(part), null));
                return;
            }
            for (int i = 0; i < count; i++) {
                walk((MimePart) multipart.getBodyPart(i), depth + 1, body);
            }
            return;
        }
        if (type.equals("message/rfc822")) {
            body.attachments.add(new EmailFile(FORWARDED_FILENAME, type, content(part)));
            return;
        }
        String filename = filename(part);
        boolean attached = filename != null || isAttachmentDisposition(part);
        if (!attached && type.equals("text/plain")) {
            body.addText(plainText(part));
        } else if (!attached && type.equals("text/html")) {
            body.addHtml(asText(content(part), part.getContentType()));
        } else {
            // attachments, inline images (Content-ID) and any other part that is not the message's own text
            String name = filename != null ? filename : "attachment-" + (body.attachments.size() + 1);
            body.attachments.add(new EmailFile(name, type, content(part)));
        }
    }

    /** The part's type and subtype, lower-case; text/plain when missing or unreadable (RFC 2045's default). */
    private static String baseType(MimePart part) throws MessagingException {
        String contentType = part.getContentType();
        if (contentType == null) {
            return "text/plain";
        }
        int semicolon = contentType.indexOf(';');
        String type = MimeUtility.unfold(semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .strip().toLowerCase(Locale.ROOT);
        return MIME_TYPE.matcher(type).matches() ? type : "text/plain";
    }

    private static boolean isAttachmentDisposition(MimePart part) throws MessagingException {
        String disposition = parameterless(part.getHeader(CONTENT_DISPOSITION, null));
        return Part.ATTACHMENT.equals(disposition);
    }

    /** The part's file name, decoded (RFC 2231 and, as Outlook and Gmail write it, RFC 2047), without any path. */
    private static String filename(MimePart part) {
        String name;
        try {
            name = part.getFileName();
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
        if (name == null) {
            return null;
        }
        name = from8Bit(name);
        if (name.contains("=?")) {
            name = decoded(name);
        }
        name = CONTROL_CHARACTERS.matcher(name).replaceAll("");
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).strip();
        return name.isEmpty() ? null : name;
    }

    /** The part's bytes with its transfer encoding undone; the raw bytes when the encoding is unknown or broken. */
    private static byte[] content(MimePart part) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        } catch (IOException | MessagingException e) {
            try (InputStream in = rawContent(part)) {
                return in.readAllBytes();
            }
        }
    }

    private static InputStream rawContent(MimePart part) throws MessagingException {
        if (part instanceof MimeBodyPart bodyPart) {
            return bodyPart.getRawInputStream();
        }
        if (part instanceof MimeMessage message) {
            return message.getRawInputStream();
        }
        throw new MessagingException("No raw content for " + part.getClass().getName());
    }

    private static String plainText(MimePart part) throws MessagingException, IOException {
        String contentType = part.getContentType();
        String text = asText(content(part), contentType);
        if (contentType != null && FORMAT_FLOWED.matcher(contentType).find()) {
            return unflow(text, DELSP_YES.matcher(contentType).find());
        }
        return text;
    }

    /**
     * The bytes as text in the declared charset, ISO-8859-1 read as its superset Windows-1252 (as browsers do, since
     * Outlook's "iso-8859-1" often holds € and curly quotes); undeclared, unknown, or US-ASCII with 8-bit bytes (a
     * frequent mislabel) as UTF-8 when they are valid UTF-8, else Windows-1252. Line endings become "\n".
     */
    private static String asText(byte[] bytes, String contentType) {
        Charset declared = charset(contentType);
        String text;
        if (declared != null && !(declared.equals(StandardCharsets.US_ASCII) && hasEightBit(bytes))) {
            text = new String(bytes, declared.equals(StandardCharsets.ISO_8859_1) ? WINDOWS_1252 : declared);
        } else {
            String utf8 = strictUtf8(bytes);
            text = utf8 != null ? utf8 : new String(bytes, WINDOWS_1252);
        }
        return text.replace("\r\n", "\n").replace('\r', '\n');
    }

    private static Charset charset(String contentType) {
        if (contentType == null) {
            return null;
        }
        Matcher matcher = CHARSET.matcher(contentType);
        if (!matcher.find()) {
            return null;
        }
        String name = matcher.group(1);
        try {
            return Charset.forName(name);
        } catch (RuntimeException unknownToJava) {
            try {
                // Jakarta Mail's own aliases for names Java does not know
                return Charset.forName(MimeUtility.javaCharset(name));
            } catch (RuntimeException unknown) {
                return null;
            }
        }
    }

    private static boolean hasEightBit(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * format=flowed text (RFC 3676, Thunderbird's default) with its soft line breaks joined: a line ending in a space
     * continues on the next line of the same quote depth.
     */
    static String unflow(String text, boolean delSp) {
        StringBuilder out = new StringBuilder();
        StringBuilder paragraph = null;
        int paragraphDepth = 0;
        for (String line : text.split("\n", -1)) {
            int depth = 0;
            while (depth < line.length() && line.charAt(depth) == '>') {
                depth++;
            }
            String content = line.substring(depth);
            if (content.startsWith(" ")) {
                content = content.substring(1);
            }
            if (paragraph != null && depth != paragraphDepth) {
                out.append(quotePrefix(paragraphDepth)).append(paragraph).append('\n');
                paragraph = null;
            }
            boolean flowed = content.endsWith(" ") && !content.equals("-- ");
            if (flowed && delSp) {
                content = content.substring(0, content.length() - 1);
            }
            paragraph = paragraph == null ? new StringBuilder(content) : paragraph.append(content);
            paragraphDepth = depth;
            if (!flowed) {
                out.append(quotePrefix(depth)).append(paragraph).append('\n');
                paragraph = null;
            }
        }
        if (paragraph != null) {
            out.append(quotePrefix(paragraphDepth)).append(paragraph).append('\n');
        }
        return out.substring(0, Math.max(0, out.length() - 1));
    }

    private static String quotePrefix(int depth) {
        return depth == 0 ? "" : ">".repeat(depth) + " ";
    }

    /** The text a reader sees in {@code html}: block elements and line breaks as new lines, paragraphs apart,
     *  blockquotes as "&gt; " lines, list items as "- " lines, no styles or scripts. */
    static String htmlToText(String html) {
        Element body = Jsoup.parse(html).body();
        body.select("style, script, template, title, head").remove();
        HtmlTextVisitor visitor = new HtmlTextVisitor();
        body.traverse(visitor);
        List<String> lines = new ArrayList<>();
        boolean previousBlank = true;
        for (String line : visitor.out.toString().split("\n", -1)) {
            String trimmed = line.stripTrailing();
            boolean blank = trimmed.isEmpty() || trimmed.chars().allMatch(c -> c == '>');
            if (blank && previousBlank) {
                continue;
            }
            lines.add(blank ? "" : trimmed);
            previousBlank = blank;
        }
        return String.join("\n", lines).strip();
    }

    /** Walks the HTML tree, writing its text with the line structure a mail client would show. */
    private static final class HtmlTextVisitor implements NodeVisitor {

        private static final Set<String> BLOCKS = Set.of("div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul",
                "ol", "li", "table", "tr", "blockquote", "pre", "hr", "address", "section", "article", "header",
                "footer", "dl", "dt", "dd", "center", "form", "fieldset");
        private static final Set<String> PARAGRAPHS = Set.of("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
                "table", "blockquote", "hr", "pre");
        private static final Pattern WHITESPACE = Pattern.compile("\\s+");

        private final StringBuilder out = new StringBuilder();
        private boolean atLineStart = true;
        private int quoteDepth;
        private int preDepth;

        @Override
        public void head(Node node, int depth) {
            if (node instanceof TextNode textNode) {
                text(textNode.getWholeText());
            } else if (node instanceof Element element) {
                String tag = element.normalName();
                if (tag.equals("br")) {
                    newLine();
                } else if (BLOCKS.contains(tag)) {
                    endLine();
                    if (PARAGRAPHS.contains(tag)) {
                        blankLine();
                    }
                    if (tag.equals("blockquote")) {
                        quoteDepth++;
                    } else if (tag.equals("pre")) {
                        preDepth++;
                    } else if (tag.equals("li")) {
                        text("- ");
                    }
                } else if (tag.equals("td") || tag.equals("th")) {
                    text(" ");
                }
            }
        }

        @Override
        public void tail(Node node, int depth) {
            if (node instanceof Element element && BLOCKS.contains(element.normalName())) {
                String tag = element.normalName();
                endLine();
                if (tag.equals("blockquote")) {
                    quoteDepth--;
                } else if (tag.equals("pre")) {
                    preDepth--;
                }
                if (PARAGRAPHS.contains(tag)) {
                    blankLine();
                }
            }
        }

        private void text(String raw) {
            String text = raw.replace('\u00a0', ' ');
            if (preDepth > 0) {
                String[] lines = text.split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    if (i > 0) {
                        newLine();
                    }
                    write(lines[i]);
                }
                return;
            }
            text = WHITESPACE.matcher(text).replaceAll(" ");
            if (atLineStart || out.length() > 0 && out.charAt(out.length() - 1) == ' ') {
                text = text.stripLeading();
            }
            write(text);
        }

        private void write(String text) {
            if (text.isEmpty()) {
                return;
            }
            if (atLineStart && quoteDepth > 0) {
                out.append(">".repeat(quoteDepth)).append(' ');
            }
            out.append(text);
            atLineStart = false;
        }

        /** A line break as &lt;br&gt; makes it: an empty line when the current one is empty. */
        private void newLine() {
            if (atLineStart && quoteDepth > 0) {
                out.append(">".repeat(quoteDepth));
            }
            out.append('\n');
            atLineStart = true;
        }

        /** Ends the current line, if it has text. */
        private void endLine() {
            if (!atLineStart) {
                newLine();
            }
        }

        /** An empty line; the clean-up afterwards merges runs of them into one. */
        private void blankLine() {
            out.append('\n');
            atLineStart = true;
        }
    }
}
