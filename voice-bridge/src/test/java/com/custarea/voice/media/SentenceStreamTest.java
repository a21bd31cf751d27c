package com.custarea.voice.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Sentences cut from text as it streams in: each as soon as it is complete, the same whatever the pieces. */
class SentenceStreamTest {

    private static final String TEXT = "Your order shipped on 3.5 kg of pallets! Is that right? Yes… it is.\n"
            + "Options\nStandard shipping\n\nExpress";
    private static final List<String> SENTENCES = List.of("Your order shipped on 3.5 kg of pallets!",
            "Is that right?", "Yes…", "it is.", "Options", "Standard shipping", "Express");

    @Test
    void aSentenceIsCompleteOnceTheWhitespaceAfterItsEndArrives() {
        SentenceStream sentences = new SentenceStream();
        assertThat(sentences.append("Hello there.")).as("it may still be 'there.com'").isEmpty();
        assertThat(sentences.append(" How")).containsExactly("Hello there.");
        assertThat(sentences.append(" are you? I am")).containsExactly("How are you?");
        assertThat(sentences.append(" fine\nThanks")).containsExactly("I am fine");
        assertThat(sentences.finish()).containsExactly("Thanks");
        assertThat(sentences.finish()).isEmpty();
    }

    @Test
    void theSentencesAreTheSameWhateverPiecesTheTextStreamsIn() {
        assertThat(SentenceStream.of(TEXT)).isEqualTo(SENTENCES);
        for (int size = 1; size <= 9; size++) {
            SentenceStream sentences = new SentenceStream();
            List<String> all = new ArrayList<>();
            for (int i = 0; i < TEXT.length(); i += size) {
                all.addAll(sentences.append(TEXT.substring(i, Math.min(TEXT.length(), i + size))));
            }
            all.addAll(sentences.finish());
            assertThat(all).as("pieces of %d characters", size).isEqualTo(SENTENCES);
        }
    }

    @Test
    void nothingIsNoSentence() {
        assertThat(SentenceStream.of(null)).isEmpty();
        assertThat(SentenceStream.of("  \n ")).isEmpty();
    }

    @Test
    void abbreviationsAndLowerCaseAfterAPeriodDoNotEndASentence() {
        assertThat(SentenceStream.of("Call Dr. Smith, e.g. at 9 a.m. tomorrow. We ship to the U.S. and Canada. 3 days."))
                .containsExactly("Call Dr. Smith, e.g. at 9 a.m. tomorrow.", "We ship to the U.S. and Canada.",
                        "3 days.");
        SentenceStream sentences = new SentenceStream();
        assertThat(sentences.append("It costs 5 EUR. ")).as("the next word decides").isEmpty();
        assertThat(sentences.append("ok")).isEmpty();
        assertThat(sentences.append(". Next")).containsExactly("It costs 5 EUR. ok.");
    }

    @Test
    void aSentenceThatRunsOnIsCutAtItsLastClause() {
        String clause = "and then the parcel goes to the next depot on the way, ";
        SentenceStream sentences = new SentenceStream();
        List<String> done = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            done.addAll(sentences.append(clause));
        }
        assertThat(done).isNotEmpty().allMatch(sentence -> sentence.endsWith(","));
        assertThat(String.join(" ", done).length()).isGreaterThan(150);
    }
}
