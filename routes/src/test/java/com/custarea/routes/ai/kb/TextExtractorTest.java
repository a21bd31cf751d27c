package com.custarea.routes.ai.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.custarea.routes.support.PermanentFailure;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;

class TextExtractorTest {

    private final TextExtractor extractor = new TextExtractor();

    @Test
    void markdownIsSplitAtItsHeadingsButNotInsideCode() {
        String markdown = "Intro line.\n# Returns\nSend it back within 30 days.\n```\n# not a heading\n```\n"
                + "## Shipping\nTwo days.";
        List<TextExtractor.Section> sections = extractor.extract(markdown.getBytes(StandardCharsets.UTF_8),
                "text/markdown; charset=utf-8");

        assertThat(sections).extracting(TextExtractor.Section::heading).containsExactly("", "Returns", "Shipping");
        assertThat(sections.get(1).text()).contains("30 days", "# not a heading");
    }

    @Test
    void htmlKeepsHeadingsAndBlockTextWithoutScripts() {
        String html = "<html><head><title>Help</title><script>alert('x')</script></head><body>"
                + "<p>Welcome.</p><h2>Refunds</h2><p>Refunds take <b>five</b> days.</p><ul><li>Card</li></ul>"
                + "<style>p{}</style></body></html>";
        List<TextExtractor.Section> sections = extractor.extract(html.getBytes(StandardCharsets.UTF_8), "text/html");

        assertThat(sections).extracting(TextExtractor.Section::heading).containsExactly("Help", "Refunds");
        assertThat(sections.get(1).text()).isEqualTo("Refunds take five days.\nCard");
        assertThat(sections).noneSatisfy(section -> assertThat(section.text()).contains("alert"));
    }

    @Test
    void pdfTextIsExtracted() throws IOException {
        byte[] pdf;
        try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage();
            document.addPage(page);
            document.getDocumentInformation().setTitle("Warranty");
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                content.newLineAtOffset(50, 700);
                content.showText("The warranty lasts two years.");
                content.endText();
            }
            document.save(out);
            pdf = out.toByteArray();
        }
        List<TextExtractor.Section> sections = extractor.extract(pdf, "application/pdf");

        assertThat(sections).singleElement().satisfies(section -> {
            assertThat(section.heading()).isEqualTo("Warranty");
            assertThat(section.text()).isEqualTo("The warranty lasts two years.");
        });
    }

    @Test
    void anUnreadablePdfOrAnUnknownTypeIsAPermanentFailure() {
        assertThatThrownBy(() -> extractor.extract("not a pdf".getBytes(StandardCharsets.UTF_8), "application/pdf"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("PDF");
        assertThatThrownBy(() -> extractor.extract(new byte[] {1}, "image/png"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("image/png");
    }
}
