package com.custarea.routes.ai.kb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class TextChunkerTest {

    private final TextChunker chunker = new TextChunker(20);

    @Test
    void chunksKeepWholeSentencesAndOverlapByOne() {
        String text = "One two three four five six seven. Eight nine ten eleven twelve thirteen fourteen. "
                + "Fifteen sixteen seventeen eighteen nineteen twenty twenty-one. Last sentence here.";
        List<TextChunker.Chunk> chunks = chunker.chunk(List.of(new TextExtractor.Section("Numbers", text)));

        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0).text()).isEqualTo("One two three four five six seven. "
                + "Eight nine ten eleven twelve thirteen fourteen.");
        assertThat(chunks.get(1).text()).startsWith("Eight nine ten eleven twelve thirteen fourteen. Fifteen")
                .endsWith("Last sentence here.");
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.heading()).isEqualTo("Numbers");
            assertThat(chunk.text().split(" ")).hasSizeLessThanOrEqualTo(20);
        });
        assertThat(chunks).extracting(TextChunker.Chunk::ordinal).containsExactly(0, 1);
    }

    @Test
    void aChunkNeverCrossesAHeading() {
        List<TextChunker.Chunk> chunks = chunker.chunk(List.of(new TextExtractor.Section("Returns", "Send it back."),
                new TextExtractor.Section("Shipping", "It ships in two days.")));

        assertThat(chunks).extracting(TextChunker.Chunk::heading).containsExactly("Returns", "Shipping");
        assertThat(chunks).extracting(TextChunker.Chunk::text).containsExactly("Send it back.",
                "It ships in two days.");
    }

    @Test
    void aSentenceLongerThanAChunkIsCutAtWords() {
        String longSentence = "word ".repeat(45).strip() + ".";
        List<TextChunker.Chunk> chunks = chunker.chunk(List.of(new TextExtractor.Section("", longSentence)));

        assertThat(chunks).hasSize(3);
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.text().split(" ")).hasSizeLessThanOrEqualTo(20));
    }

    @Test
    void aChunkSizeTooSmallToHoldASentenceIsRefused() {
        assertThatThrownBy(() -> new TextChunker(5)).hasMessageContaining("custarea.ai.kb.chunk-words");
    }
}
