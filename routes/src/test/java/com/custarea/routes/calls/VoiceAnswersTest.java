package com.custarea.routes.calls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What of an answer's final text the phone still has to say after its stream. */
class VoiceAnswersTest {

    @Test
    void aFinalTextIsSaidOnlyWhereTheStreamDidNotSayIt() {
        assertThat(VoiceAnswers.unsaid("Your parcel ships today [1]. ", "Your parcel ships today [1].")).isEmpty();
        assertThat(VoiceAnswers.unsaid("Let me check.\nYour parcel ships today.", "Your parcel ships today."))
                .as("the last round's text after an earlier round's").isEmpty();
        assertThat(VoiceAnswers.unsaid("I will pass you on.", "I will pass you on. The team is back at 9:00."))
                .isEqualTo(" The team is back at 9:00.");
        assertThat(VoiceAnswers.unsaid("Your parcel", "Let me connect you with a colleague."))
                .as("a hand-off's text after a broken stream").isEqualTo("\nLet me connect you with a colleague.");
        assertThat(VoiceAnswers.unsaid("", "Echo: hi")).isEqualTo("Echo: hi");
        assertThat(VoiceAnswers.unsaid("Hi", null)).isEmpty();
    }
}
