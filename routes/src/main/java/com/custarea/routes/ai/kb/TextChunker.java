package com.custarea.routes.ai.kb;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Cuts sections into chunks of whole sentences, never across a heading: up to {@code maxWords} words (about
 * 1.3 tokens each, so a few hundred tokens), each chunk starting with the last sentence of the one before it so a
 * thought cut in two is found from either side. A sentence longer than a chunk is cut at word boundaries.
 */
@Component
public class TextChunker {

    /** One chunk: the heading of its section, its text, and its place in the document. */
    public record Chunk(int ordinal, String heading, String text) {
    }

    private final int maxWords;

    public TextChunker(@Value("${custarea.ai.kb.chunk-words:180}") int maxWords) {
        if (maxWords < 20) {
            throw new IllegalArgumentException("custarea.ai.kb.chunk-words must be at least 20, was " + maxWords);
        }
        this.maxWords = maxWords;
    }

    public List<Chunk> chunk(List<TextExtractor.Section> sections) {
        List<Chunk> chunks = new ArrayList<>();
        for (TextExtractor.Section section : sections) {
            List<String> current = new ArrayList<>();
            int words = 0;
            for (String sentence : sentences(section.text())) {
                int sentenceWords = wordCount(sentence);
                if (words + sentenceWords > maxWords && !current.isEmpty()) {
                    chunks.add(new Chunk(chunks.size(), section.heading(), String.join(" ", current)));
                    String overlap = current.get(current.size() - 1);
                    current.clear();
                    words = 0;
                    if (wordCount(overlap) + sentenceWords <= maxWords) {
                        current.add(overlap);
                        words = wordCount(overlap);
                    }
                }
                current.add(sentence);
                words += sentenceWords;
            }
            if (!current.isEmpty()) {
                chunks.add(new Chunk(chunks.size(), section.heading(), String.join(" ", current)));
            }
        }
        return chunks;
    }

    /** The sentences of {@code text}, whitespace collapsed; over-long ones split into pieces of at most a chunk. */
    public List<String> sentences(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        List<String> sentences = new ArrayList<>();
        BreakIterator iterator = BreakIterator.getSentenceInstance(Locale.ROOT);
        iterator.setText(flat);
        int start = iterator.first();
        for (int end = iterator.next(); end != BreakIterator.DONE; start = end, end = iterator.next()) {
            String sentence = flat.substring(start, end).strip();
            if (!sentence.isEmpty()) {
                sentences.addAll(splitLong(sentence));
            }
        }
        return sentences;
    }

    private List<String> splitLong(String sentence) {
        String[] words = sentence.split(" ");
        if (words.length <= maxWords) {
            return List.of(sentence);
        }
        List<String> pieces = new ArrayList<>();
        for (int from = 0; from < words.length; from += maxWords) {
            pieces.add(String.join(" ", Arrays.copyOfRange(words, from,
                    Math.min(words.length, from + maxWords))));
        }
        return pieces;
    }

    private static int wordCount(String text) {
        return text.isBlank() ? 0 : text.split(" ").length;
    }
}
