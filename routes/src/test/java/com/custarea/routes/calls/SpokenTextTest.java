package com.custarea.routes.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Text for the phone: citations and markdown go, whole words go on as they stream in, and pieces join up. */
class SpokenTextTest {

    @Test
    void citationsAndMarkdownAreNotSpoken() {
        assertThat(SpokenText.clean("Refunds take **five days** [1]. See [the policy](https://x.test/p) [2, 3]."))
                .isEqualTo("Refunds take five days. See the policy.");
        assertThat(SpokenText.clean("## Options\n- *Standard* shipping\n* Express [4]\n> quoted `code`"))
                .isEqualTo("Options\nStandard shipping\nExpress\nquoted code");
        assertThat(SpokenText.clean("Order_id 2 * 3 - 1 is snake_case [a]"))
                .as("arithmetic, a hyphen and underscores inside words are kept; [a] is no citation")
                .isEqualTo("Order_id 2 * 3 - 1 is snake_case [a]");
    }

    @Test
    void streamedPiecesAreCleanedWordByWordAndJoinToTheWholeCleanText() {
        String raw = "Sure! **Refunds** take five days [1][2].\n- First, *ask* [us](https://x.test/a).\n"
                + "- Then wait [3, 4]. Done";
        for (int size = 1; size <= 7; size++) {
            List<String> pieces = new ArrayList<>();
            SpokenText text = new SpokenText(pieces::add);
            for (int i = 0; i < raw.length(); i += size) {
                text.append(raw.substring(i, Math.min(raw.length(), i + size)));
            }
            text.finish();
            assertThat(String.join("", pieces)).as("pieces of %d characters", size)
                    .isEqualTo(SpokenText.clean(raw)).isEqualTo(text.said())
                    .isEqualTo("Sure! Refunds take five days.\nFirst, ask us.\nThen wait. Done");
            assertThat(pieces).noneMatch(piece -> piece.contains("[") || piece.contains("*"));
        }
    }

    @Test
    void wordsAreHandedOnBeforeTheTextEndsButAnOpenBracketWaits() {
        List<String> pieces = new ArrayList<>();
        SpokenText text = new SpokenText(pieces::add);
        text.append("Hello there, how ");
        assertThat(String.join("", pieces)).isEqualTo("Hello there, how");
        text.append("are you [1, ");
        assertThat(String.join("", pieces)).as("[1, may become a citation").isEqualTo("Hello there, how are you");
        text.append("2]. Fine");
        assertThat(String.join("", pieces)).isEqualTo("Hello there, how are you.");
        text.finish();
        assertThat(text.said()).isEqualTo("Hello there, how are you. Fine");
    }

    @Test
    void aLinkInsideEmphasisStreamsWhole() {
        String raw = "Read *[our policy](https://x.test/p)* now, or **[call us](tel:+1)** [1].";
        for (int size = 1; size <= 9; size++) {
            List<String> pieces = new ArrayList<>();
            SpokenText text = new SpokenText(pieces::add);
            for (int i = 0; i < raw.length(); i += size) {
                text.append(raw.substring(i, Math.min(raw.length(), i + size)));
            }
            text.finish();
            assertThat(String.join("", pieces)).as("pieces of %d characters", size)
                    .isEqualTo("Read our policy now, or call us.");
        }
    }

    @Test
    void bracketsThatAreNoCitationStay() {
        assertThat(SpokenText.clean("Since [2021] the form [sic] costs $3.50 [1]."))
                .isEqualTo("Since [2021] the form [sic] costs $3.50.");
    }
}
