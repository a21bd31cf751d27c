package com.custarea.routes.email;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuotedTextTest {

    @Test
    void gmailAttributionAndEverythingAfterItIsCut() {
        String text = """
                Hi,

                The parcel hasn't arrived yet.

                On Mon, 23 Nov 2026 at 10:02, CustArea Support <support@acme.test> wrote:

                > Hello Jane,
                > Your order has shipped.
                """;

        assertThat(QuotedText.strip(text)).isEqualTo("Hi,\n\nThe parcel hasn't arrived yet.");
    }

    @Test
    void anAttributionWrappedOverTwoLinesIsCut() {
        String text = """
                Yes, please send it again.

                On Mon, 23 Nov 2026 at 10:02, CustArea Support Team of Acme <
                support@acme.test> wrote:
                > Your order has shipped.
                """;

        assertThat(QuotedText.strip(text)).isEqualTo("Yes, please send it again.");
    }

    @Test
    void frenchAndGermanAttributionsAreCut() {
        String french = "Merci beaucoup !\r\n\r\nLe lun. 23 nov. 2026 à 10:02, CustArea Support "
                + "<support@acme.test> a écrit\u00a0:\r\n> Bonjour Jane,\r\n";
        String german = "Vielen Dank!\n\nAm 23.11.2026 um 10:02 schrieb CustArea Support <support@acme.test>:\n"
                + "> Hallo Jane,\n";

        assertThat(QuotedText.strip(french)).isEqualTo("Merci beaucoup !");
        assertThat(QuotedText.strip(german)).isEqualTo("Vielen Dank!");
    }

    @Test
    void outlookHeaderBlockIsCutWithTheQuotedMailBelowIt() {
        String text = """
                Could you send it again?

                Kind regards
                Jane Doe

                From: CustArea Support <support@acme.test>
                Sent: Monday, November 23, 2026 10:02 AM
                To: Jane Doe <jane@customer.test>
                Subject: Your order #1042 has shipped

                Hello Jane,
                """;

        assertThat(QuotedText.strip(text)).isEqualTo("Could you send it again?\n\nKind regards\nJane Doe");
    }

    @Test
    void originalMessageSeparatorAndOutlookWebRuleAreCut() {
        String classic = "Thanks!\n\n-----Original Message-----\nFrom: CustArea Support [mailto:support@acme.test]\n"
                + "Hello Jane,\n";
        String web = "Thanks!\n\n________________________________\n\nFrom: CustArea Support <support@acme.test>\n"
                + "Sent: Monday, November 23, 2026 10:02\nHello Jane,\n";

        assertThat(QuotedText.strip(classic)).isEqualTo("Thanks!");
        assertThat(QuotedText.strip(web)).isEqualTo("Thanks!");
    }

    @Test
    void aRuleNotFollowedByAHeaderIsText() {
        String text = "Totals\n________________________________\n49.00 EUR";

        assertThat(QuotedText.strip(text)).isEqualTo(text);
    }

    @Test
    void trailingQuotedLinesAreCutButInlineAnswersKept() {
        String trailing = "Thanks, that worked.\n\n> Please restart the router.\n> Then try again.\n";
        String inline = "> Which model do you have?\nThe X200.\n> Since when?\nSince Monday.\n";

        assertThat(QuotedText.strip(trailing)).isEqualTo("Thanks, that worked.");
        assertThat(QuotedText.strip(inline)).isEqualTo(inline.strip());
    }

    @Test
    void aSignatureAfterTheDelimiterIsCut() {
        String text = "Please call me back.\n\n-- \nJane Doe\nCustomer Ltd\n+44 20 7946 0000\n";

        assertThat(QuotedText.strip(text)).isEqualTo("Please call me back.");
    }

    @Test
    void aMailThatStartsWithAForwardKeepsItsContent() {
        String gmail = """


                ---------- Forwarded message ---------
                From: Acme Billing <billing@acme.test>
                Date: Fri, 20 Nov 2026 at 09:00
                Subject: Invoice INV-2026-0815

                Dear Jane, please find your invoice attached.
                """;
        String apple = "Begin forwarded message:\n\nFrom: Acme Billing <billing@acme.test>\n"
                + "Subject: Invoice INV-2026-0815\nDate: 20 November 2026 at 09:00:00 CET\n\nDear Jane,\n";

        assertThat(QuotedText.strip(gmail)).isEqualTo(gmail.strip()).contains("please find your invoice");
        assertThat(QuotedText.strip(apple)).isEqualTo(apple.strip());
    }

    @Test
    void aForwardAfterTheSendersOwnTextIsCutLikeAQuote() {
        String text = "Is this invoice right?\n\n---------- Forwarded message ---------\nFrom: Acme Billing "
                + "<billing@acme.test>\nDate: Fri, 20 Nov 2026 at 09:00\n\nDear Jane,\n";

        assertThat(QuotedText.strip(text)).isEqualTo("Is this invoice right?");
    }

    @Test
    void sentencesThatOnlyLookLikeAttributionsAreKept() {
        String text = "On Monday I wrote:\nplease cancel my order.\nFrom: my side everything is fine.";

        assertThat(QuotedText.strip(text)).isEqualTo(text);
    }

    @Test
    void whenNothingIsLeftTheOriginalTextComesBack() {
        String onlyQuote = "  > Hello Jane,\n> Your order has shipped.\n";
        String onlyAttribution = "On Mon, 23 Nov 2026 at 10:02, CustArea Support <support@acme.test> wrote:\n> Hi\n";

        assertThat(QuotedText.strip(onlyQuote)).isEqualTo(onlyQuote.strip());
        assertThat(QuotedText.strip(onlyAttribution)).isEqualTo(onlyAttribution.strip());
        assertThat(QuotedText.strip(null)).isEmpty();
        assertThat(QuotedText.strip("  \n ")).isEmpty();
    }
}
