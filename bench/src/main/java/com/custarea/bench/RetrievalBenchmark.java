package com.custarea.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import com.custarea.routes.ai.kb.KnowledgeIndex;
import com.custarea.routes.ai.kb.LocalMiniLmEmbeddings;

/**
 * The knowledge base's retrieval benchmark: embedding throughput of the in-process model on chunk-sized texts, then
 * hybrid search (HNSW + BM25, fused) over a knowledge base of {@code --chunks} chunks in one agent, with p50/p99
 * latency, against an exact brute-force cosine scan over the same vectors measured in the same run (speed-up and
 * the recall of the approximate search's top 5).
 *
 * <p>The texts are generated from a vocabulary of 20,000 words drawn with Zipf's law (seeded, so runs compare), a
 * third of the words stop words; the first {@code --embed-sample}
 * are embedded by the model, and the vectors of the rest are mixes of those (two embeddings and some noise,
 * normalised), since embedding 100,000 chunks would measure the model for minutes, not the index.
 *
 * <p>Arguments: {@code --chunks 100000 --embed-sample 2000 --chunk-words 120 --queries 1000}. Run with
 * {@code java -cp bench/target/custarea-bench.jar -Dloader.main=com.custarea.bench.RetrievalBenchmark
 * org.springframework.boot.loader.launch.PropertiesLauncher}.
 */
public final class RetrievalBenchmark {

    private static final int TOP = 5;

    private RetrievalBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int chunks = Integer.parseInt(options.getOrDefault("chunks", "100000"));
        int sample = Integer.parseInt(options.getOrDefault("embed-sample", "2000"));
        int words = Integer.parseInt(options.getOrDefault("chunk-words", "120"));
        int queries = Integer.parseInt(options.getOrDefault("queries", "1000"));
        Random random = new Random(42);
        System.out.printf(Locale.ROOT, "CustArea retrieval benchmark: %d chunks, %d embedded by the model, %d words "
                + "a chunk, %d queries, %d cores%n", chunks, sample, words, queries,
                Runtime.getRuntime().availableProcessors());

        LocalMiniLmEmbeddings model = new LocalMiniLmEmbeddings();
        List<String> texts = new ArrayList<>(chunks);
        for (int i = 0; i < chunks; i++) {
            texts.add(sentenceText(random, words));
        }
        // warm the model up (ONNX sessions, the JIT) before timing it
        model.embedAll(texts.subList(0, Math.min(64, sample)));
        long started = System.nanoTime();
        List<float[]> embedded = new ArrayList<>(sample);
        for (int from = 0; from < sample; from += 32) {
            embedded.addAll(model.embedAll(texts.subList(from, Math.min(sample, from + 32))));
        }
        double embedSeconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "embedding: %d chunks in %.1f s = %.0f chunks/s (batches of 32)%n", sample,
                embedSeconds, sample / embedSeconds);

        float[][] vectors = new float[chunks][];
        for (int i = 0; i < chunks; i++) {
            vectors[i] = i < sample ? embedded.get(i) : mix(embedded.get(random.nextInt(sample)),
                    embedded.get(random.nextInt(sample)), random);
        }
        UUID tenant = UUID.randomUUID();
        UUID agent = UUID.randomUUID();
        try (KnowledgeIndex index = new KnowledgeIndex()) {
            started = System.nanoTime();
            int perDocument = 50;
            for (int from = 0; from < chunks; from += perDocument) {
                List<KnowledgeIndex.IndexedChunk> document = new ArrayList<>(perDocument);
                for (int i = from; i < Math.min(chunks, from + perDocument); i++) {
                    document.add(new KnowledgeIndex.IndexedChunk(Integer.toString(i), "", texts.get(i), vectors[i]));
                }
                index.load(tenant, agent, UUID.randomUUID(), "Document " + from, document);
            }
            index.refresh();
            System.out.printf(Locale.ROOT, "index: %d chunks indexed in %.1f s%n", index.size(),
                    (System.nanoTime() - started) / 1e9);

            List<String> questions = new ArrayList<>(queries);
            List<float[]> questionVectors = new ArrayList<>(queries);
            for (int q = 0; q < queries; q++) {
                int target = random.nextInt(chunks);
                questions.add(String.join(" ", Arrays.copyOfRange(texts.get(target).split(" "), 0, 8)));
                questionVectors.add(mix(vectors[target], vectors[random.nextInt(chunks)], random));
            }
            for (int q = 0; q < Math.min(200, queries); q++) {
                index.search(tenant, agent, questions.get(q), questionVectors.get(q), TOP);
            }
            List<Set<Integer>> approximate = new ArrayList<>(queries);
            long[] asIndexed = timeSearches(index, tenant, agent, questions, questionVectors, approximate);
            System.out.printf(Locale.ROOT, "hybrid search as indexed (%d segments): p50 %.2f ms, p99 %.2f ms%n",
                    index.segments(), percentile(asIndexed, 50), percentile(asIndexed, 99));
            started = System.nanoTime();
            index.compact();
            System.out.printf(Locale.ROOT, "compacted to %d segment in %.1f s%n", index.segments(),
                    (System.nanoTime() - started) / 1e9);
            approximate.clear();
            long[] hybrid = timeSearches(index, tenant, agent, questions, questionVectors, approximate);
            long[] exact = new long[queries];
            double recall = 0;
            for (int q = 0; q < queries; q++) {
                long t = System.nanoTime();
                int[] best = exactTop(vectors, questionVectors.get(q), TOP);
                exact[q] = System.nanoTime() - t;
                int hitCount = 0;
                for (int id : best) {
                    hitCount += approximate.get(q).contains(id) ? 1 : 0;
                }
                recall += hitCount / (double) TOP;
            }
            long[] withEmbedding = new long[Math.min(200, queries)];
            for (int q = 0; q < withEmbedding.length; q++) {
                long t = System.nanoTime();
                index.search(tenant, agent, questions.get(q), model.embed(questions.get(q)), TOP);
                withEmbedding[q] = System.nanoTime() - t;
            }
            System.out.printf(Locale.ROOT, "hybrid search (HNSW + BM25, RRF), compacted: p50 %.2f ms, p99 %.2f ms%n",
                    percentile(hybrid, 50), percentile(hybrid, 99));
            System.out.printf(Locale.ROOT, "baseline, exact cosine scan: p50 %.2f ms, p99 %.2f ms%n",
                    percentile(exact, 50), percentile(exact, 99));
            System.out.printf(Locale.ROOT, "ratio: the exact scan's p99 / the hybrid p99 = %.2f; the hybrid (fused) "
                    + "top %d holds %.0f%% of the exact vector top %d%n", percentile(exact, 99) / percentile(hybrid, 99),
                    TOP, 100 * recall / queries, TOP);
            System.out.printf(Locale.ROOT, "question embedded + hybrid search: p50 %.2f ms, p99 %.2f ms%n",
                    percentile(withEmbedding, 50), percentile(withEmbedding, 99));
        }
    }

    private static long[] timeSearches(KnowledgeIndex index, UUID tenant, UUID agent, List<String> questions,
                                       List<float[]> vectors, List<Set<Integer>> found) {
        long[] nanos = new long[questions.size()];
        for (int q = 0; q < questions.size(); q++) {
            long t = System.nanoTime();
            List<KnowledgeIndex.Hit> hits = index.search(tenant, agent, questions.get(q), vectors.get(q), TOP);
            nanos[q] = System.nanoTime() - t;
            Set<Integer> ids = new HashSet<>();
            hits.forEach(hit -> ids.add(Integer.parseInt(hit.chunkId())));
            found.add(ids);
        }
        return nanos;
    }

    private static final String[] DOMAIN = ("order refund parcel delivery invoice warranty return account "
            + "password payment card shipping address store opening hours customer service email phone exchange "
            + "damaged missing tracking number courier weekend holiday discount voucher subscription cancel renew "
            + "upgrade battery charger screen repair technician appointment manual install update software device "
            + "bluetooth wifi reset factory settings size colour stock available price tax receipt").split(" ");
    private static final String[] GLUE = "the a of to is in for on with within after before and or".split(" ");
    private static final String[] SYLLABLES = "ka lo mi ne ru ta ve so di pa ger lin mor tes val bri cor dan fel"
            .split(" ");
    /** A vocabulary of 20,000 words, the domain's first, drawn with Zipf's law (s = 1.07) as real text is. */
    private static final String[] VOCABULARY = vocabulary(20_000);
    private static final double[] CUMULATIVE = zipf(VOCABULARY.length, 1.07);

    private static String[] vocabulary(int size) {
        String[] words = new String[size];
        System.arraycopy(DOMAIN, 0, words, 0, DOMAIN.length);
        for (int i = DOMAIN.length; i < size; i++) {
            StringBuilder word = new StringBuilder();
            for (int n = i; word.length() < 6 || n > 0; n /= SYLLABLES.length) {
                word.append(SYLLABLES[n % SYLLABLES.length]);
                if (n == 0) {
                    break;
                }
            }
            words[i] = word.toString();
        }
        return words;
    }

    private static double[] zipf(int size, double exponent) {
        double[] cumulative = new double[size];
        double sum = 0;
        for (int rank = 0; rank < size; rank++) {
            sum += 1 / Math.pow(rank + 1, exponent);
            cumulative[rank] = sum;
        }
        for (int rank = 0; rank < size; rank++) {
            cumulative[rank] /= sum;
        }
        return cumulative;
    }

    private static String word(Random random) {
        int at = Arrays.binarySearch(CUMULATIVE, random.nextDouble());
        return VOCABULARY[Math.min(VOCABULARY.length - 1, at < 0 ? -at - 1 : at)];
    }

    private static String sentenceText(Random random, int words) {
        StringBuilder text = new StringBuilder();
        for (int w = 0; w < words; w++) {
            String word = random.nextInt(3) > 0 ? word(random) : GLUE[random.nextInt(GLUE.length)];
            text.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
            text.append(w % 15 == 14 ? ". " : " ");
        }
        return text.toString().strip();
    }

    private static float[] mix(float[] a, float[] b, Random random) {
        float[] mixed = new float[a.length];
        double norm = 0;
        for (int d = 0; d < a.length; d++) {
            mixed[d] = (float) (a[d] + 0.5 * b[d] + 0.05 * random.nextGaussian());
            norm += mixed[d] * mixed[d];
        }
        for (int d = 0; d < a.length; d++) {
            mixed[d] /= (float) Math.sqrt(norm);
        }
        return mixed;
    }

    private static int[] exactTop(float[][] vectors, float[] query, int top) {
        int[] best = new int[top];
        double[] scores = new double[top];
        Arrays.fill(scores, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < vectors.length; i++) {
            double dot = 0;
            float[] vector = vectors[i];
            for (int d = 0; d < vector.length; d++) {
                dot += vector[d] * query[d];
            }
            if (dot > scores[top - 1]) {
                int at = top - 1;
                while (at > 0 && scores[at - 1] < dot) {
                    scores[at] = scores[at - 1];
                    best[at] = best[at - 1];
                    at--;
                }
                scores[at] = dot;
                best[at] = i;
            }
        }
        return best;
    }

    private static double percentile(long[] nanos, int percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int at = Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, at)] / 1e6;
    }
}
