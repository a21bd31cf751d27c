package com.custarea.routes.ai.kb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.custarea.routes.support.PermanentFailure;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.springframework.stereotype.Component;

/**
 * Turns an uploaded document into text sections under their headings: PDF through PDFBox, HTML through jsoup
 * (headings and block text, no scripts or styles), Markdown by its {@code #} headings, plain text as one section.
 */
@Component
public class TextExtractor {

    /** The content types a knowledge document may have. */
    public static final List<String> SUPPORTED = List.of("application/pdf", "text/html", "text/markdown",
            "text/plain");

    /** A heading (empty for text before the first one) and the text under it. */
    public record Section(String heading, String text) {
    }

    /** The sections of {@code content}; a document that cannot be read is a permanent failure with the reason. */
    public List<Section> extract(byte[] content, String contentType) {
        String type = baseType(contentType);
        return switch (type) {
            case "application/pdf" -> pdf(content);
            case "text/html" -> html(new String(content, StandardCharsets.UTF_8));
            case "text/markdown" -> markdown(new String(content, StandardCharsets.UTF_8));
            case "text/plain" -> List.of(new Section("", new String(content, StandardCharsets.UTF_8).strip()));
            default -> throw new PermanentFailure("unsupported-type", "Documents of type " + type
                    + " cannot be read; send one of " + SUPPORTED);
        };
    }

    /** The media type without parameters, lower case; text/x-markdown and .md's octet-stream are not guessed. */
    public static String baseType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim()
                .toLowerCase(Locale.ROOT);
        return "text/x-markdown".equals(type) ? "text/markdown" : type;
    }

    private static List<Section> pdf(byte[] content) {
        try (PDDocument document = Loader.loadPDF(content)) {
            String text = new PDFTextStripper().getText(document);
            String title = document.getDocumentInformation() == null ? null
                    : document.getDocumentInformation().getTitle();
            return List.of(new Section(title == null ? "" : title.strip(), text.strip()));
        } catch (IOException e) {
            throw new PermanentFailure("unreadable-pdf", "The PDF cannot be read: " + e.getMessage());
        }
    }

    private static List<Section> html(String html) {
        org.jsoup.nodes.Document document = Jsoup.parse(html);
        document.select("script, style, noscript, nav, footer").remove();
        List<Section> sections = new ArrayList<>();
        String heading = document.title().strip();
        StringBuilder text = new StringBuilder();
        for (Element element : document.body().select("h1, h2, h3, h4, h5, h6, p, li, td, pre, blockquote")) {
            if (element.tagName().matches("h[1-6]")) {
                addSection(sections, heading, text);
                heading = element.text().strip();
                text.setLength(0);
            } else if (element.parents().stream().noneMatch(parent -> parent.tagName().matches("p|li|td|pre"
                    + "|blockquote"))) {
                text.append(element.text().strip()).append('\n');
            }
        }
        addSection(sections, heading, text);
        return sections;
    }

    private static List<Section> markdown(String markdown) {
        List<Section> sections = new ArrayList<>();
        String heading = "";
        StringBuilder text = new StringBuilder();
        boolean fenced = false;
        for (String line : markdown.split("\\R")) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            }
            if (!fenced && line.matches("#{1,6}\\s+.*")) {
                addSection(sections, heading, text);
                heading = line.replaceFirst("#{1,6}\\s+", "").strip();
                text.setLength(0);
            } else {
                text.append(line).append('\n');
            }
        }
        addSection(sections, heading, text);
        return sections;
    }

    private static void addSection(List<Section> sections, String heading, StringBuilder text) {
        String body = text.toString().strip();
        if (!body.isEmpty()) {
            sections.add(new Section(heading, body));
        }
    }
}
