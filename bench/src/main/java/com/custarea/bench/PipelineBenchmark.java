package com.custarea.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.custarea.app.CustAreaApplication;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import com.custarea.routes.api.ApiCallbackRequestBuilder;
import com.custarea.routes.api.ApiChannelRateLimits;
import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.conversations.MessageStore;
import com.custarea.routes.tenants.TenantRepository;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.InboundMessage;
import com.custarea.schemas.PayloadJson;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The pipeline benchmark: starts CustArea on its embedded services, offers API-channel messages at a set of rates
 * (open loop), and prints for each the sustained rate at which echo replies reached the tenant's callback, the
 * webhook acknowledgement latency and the end-to-end latency (inbound POST to callback received); then this
 * machine's raw Kafka and PostgreSQL limits from the same run, and the ratio.
 *
 * <p>Arguments: {@code --rates 500,1000,2000,3000 --seconds 20 --warmup-seconds 60 --warmup-rate 300
 * --ack-rate 1000 --senders 64 --raw-records 50000}.
 */
public final class PipelineBenchmark {

    private PipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int[] rates = Arrays.stream(options.getOrDefault("rates", "500,1000,2000,3000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
        int senders = Integer.parseInt(options.getOrDefault("senders", "64"));
        int rawRecords = Integer.parseInt(options.getOrDefault("raw-records", "50000"));
        int warmupSeconds = Integer.parseInt(options.getOrDefault("warmup-seconds", "60"));
        int warmupRate = Integer.parseInt(options.getOrDefault("warmup-rate", "300"));
        int ackRate = Integer.parseInt(options.getOrDefault("ack-rate", "1000"));
        Path dataDir = Files.createTempDirectory("custarea-bench");

        System.out.printf(Locale.ROOT, "CustArea pipeline benchmark, %s, %d cores, data in %s%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), dataDir);
        try (CallbackReceiver receiver = new CallbackReceiver();
             ConfigurableApplicationContext app = new SpringApplicationBuilder(CustAreaApplication.class)
                     .run("--custarea.data-dir=" + dataDir, "--server.port=0", "--custarea.demo.enabled=false", "--custarea.ai.engine=echo",
                             // the spine's batches, as measured before the AI stage's batches were capped for
                             // model calls (the echo engine answers at once)
                             "--custarea.pipeline.stages.ai.max-batch-size=500",
                             "--logging.level.root=WARN", "--logging.level.com.custarea=WARN")) {
            UUID tenantId = app.getBean(TenantRepository.class).create("Bench");
            String secret = "bench-secret-" + UUID.randomUUID();
            // the benchmark measures the pipeline, not the per-channel rate limit
            ChannelSettings channel = app.getBean(ChannelRegistry.class).create(tenantId, Channel.API, "Bench",
                    Map.of(ApiCallbackRequestBuilder.CALLBACK_URL_SETTING, receiver.url(),
                            ApiChannelRateLimits.SETTING, "1000000"), secret, true);
            String baseUrl = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
            System.out.println("CustArea at " + baseUrl + ", callbacks to " + receiver.url());
            LoadGenerator load = new LoadGenerator(baseUrl, channel.id(), secret, 1);

            // the JIT compiles for minutes on two cores: measure compiled code, not the compiler
            System.out.printf(Locale.ROOT, "warm-up: %d s at %d msg/s%n", warmupSeconds, warmupRate);
            load.run(warmupRate, Duration.ofSeconds(warmupSeconds), senders);
            awaitReplies(receiver, load, 120);

            List<String> rows = new ArrayList<>();
            double bestSustained = 0;
            for (int rate : rates) {
                Step step = step(load, receiver, rate, seconds, senders);
                rows.add(step.row());
                System.out.println(step.row());
                System.out.println(stageReport(app.getBean(MeterRegistry.class)));
                if (step.sustained()) {
                    bestSustained = Math.max(bestSustained, step.deliveredPerSecond());
                }
            }

            // the webhook path alone: a channel whose agent is off, so only the acknowledgement and ingest run
            ChannelSettings quiet = app.getBean(ChannelRegistry.class).create(tenantId, Channel.API, "Bench, agent off",
                    Map.of(ApiCallbackRequestBuilder.CALLBACK_URL_SETTING, receiver.url()), secret, false);
            LoadGenerator acks = new LoadGenerator(baseUrl, quiet.id(), secret, 100_000_000L);
            acks.run(ackRate, Duration.ofSeconds(seconds), senders);
            String ackRow = String.format(Locale.ROOT, "webhook acknowledgement at %d req/s (agent off): p50 %.1f ms, "
                    + "p99 %.1f ms, %d errors", ackRate, acks.ackLatency.percentileMillis(50),
                    acks.ackLatency.percentileMillis(99), acks.failures.get());
            System.out.println(ackRow);

            String sample = PayloadJson.write(new InboundMessage(UUID.randomUUID(), tenantId, Instant.now(), 1,
                    UUID.randomUUID().toString(), Channel.API, channel.id(), "bench-123456",
                    ContactIdentifier.of(IdentifierType.EXTERNAL, "bench-user-123"), null, List.of(), null,
                    "bench-123456 where is my parcel?", null, List.of(), List.of(), null, Instant.now(), Map.of()));
            RawLimits.Result raw = RawLimits.measure(
                    app.getEnvironment().getRequiredProperty("custarea.kafka.bootstrap-servers"),
                    app.getBean(DataSource.class), app.getBean(TransactionTemplate.class),
                    app.getBean(MessageStore.class), sample, rawRecords);

            System.out.println();
            System.out.println("| offered msg/s | delivered msg/s | sustained | ack p50 ms | ack p99 ms | e2e p50 ms "
                    + "| e2e p99 ms | errors | busy cores | CPU ms/msg |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
            System.out.println();
            System.out.println(ackRow);
            System.out.printf(Locale.ROOT, "raw limits (%d records of %d bytes): Kafka produce %.0f/s, Kafka consume "
                            + "%.0f/s, PostgreSQL message inserts %.0f/s (the ingest's insert, 100 rows a transaction)%n",
                    rawRecords, sample.length(), raw.kafkaProducePerSecond(), raw.kafkaConsumePerSecond(),
                    raw.postgresInsertsPerSecond());
            System.out.printf(Locale.ROOT, "best sustained pipeline rate %.0f msg/s = %.1f %% of the raw bottleneck "
                    + "(%.0f/s)%n", bestSustained, 100 * bestSustained / raw.bottleneck(), raw.bottleneck());
        } finally {
            deleteRecursively(dataDir);
        }
    }

    private record Step(int offered, double deliveredPerSecond, boolean sustained, double ackP50, double ackP99,
                        double e2eP50, double e2eP99, long errors, double busyCores, double cpuMsPerMessage) {

        String row() {
            return String.format(Locale.ROOT, "| %d | %.0f | %s | %.1f | %.1f | %.1f | %.1f | %d | %.2f | %.2f |",
                    offered, deliveredPerSecond, sustained ? "yes" : "no", ackP50, ackP99, e2eP50, e2eP99, errors,
                    busyCores, cpuMsPerMessage);
        }
    }

    private static Step step(LoadGenerator load, CallbackReceiver receiver, int rate, int seconds, int senders)
            throws InterruptedException {
        LoadGenerator stepLoad = load;
        LatencyRecorder acksBefore = stepLoad.ackLatency;
        long failuresBefore = stepLoad.failures.get();
        int acksSoFar = acksBefore.count();
        long start = System.nanoTime();
        double cpuBefore = MachineCpu.busySeconds();
        List<Long> ids = stepLoad.run(rate, Duration.ofSeconds(seconds), senders);
        long sendEnd = System.nanoTime();
        double busyCores = (MachineCpu.busySeconds() - cpuBefore) / ((sendEnd - start) / 1e9);
        awaitReplies(receiver, ids, 60);
        LatencyRecorder e2e = new LatencyRecorder();
        long lastArrival = start;
        int delivered = 0;
        for (long id : ids) {
            Long arrival = receiver.arrival(id);
            if (arrival != null) {
                delivered++;
                e2e.record((arrival - load.dueAt.get(id)) / 1000);
                lastArrival = Math.max(lastArrival, arrival);
            }
        }
        double elapsed = (lastArrival - start) / 1e9;
        double deliveredPerSecond = delivered / elapsed;
        // sustained: every reply arrived, and the last within 2 s of the last send (no growing backlog)
        boolean sustained = delivered == ids.size() && lastArrival - sendEnd < 2_000_000_000L;
        LatencyRecorder acks = new LatencyRecorder();
        acksBefore.copyFrom(acksSoFar, acks);
        return new Step(rate, deliveredPerSecond, sustained, acks.percentileMillis(50), acks.percentileMillis(99),
                e2e.percentileMillis(50), e2e.percentileMillis(99), stepLoad.failures.get() - failuresBefore,
                busyCores, 1000 * busyCores / Math.max(1, deliveredPerSecond));
    }

    /** Batches, mean batch size and mean batch time of each stage so far: where the time goes. */
    private static String stageReport(MeterRegistry meters) {
        StringBuilder report = new StringBuilder("   stages:");
        for (Timer timer : meters.find("custarea.stage.batch").timers()) {
            String stage = timer.getId().getTag("stage");
            DistributionSummary sizes = meters.find("custarea.stage.batch.size").tag("stage", stage).summary();
            report.append(String.format(Locale.ROOT, " %s %d batches of %.1f in %.1f ms (max %.0f);", stage,
                    timer.count(), sizes == null ? Double.NaN : sizes.mean(), timer.mean(TimeUnit.MILLISECONDS),
                    timer.max(TimeUnit.MILLISECONDS)));
        }
        return report.toString();
    }

    private static void awaitReplies(CallbackReceiver receiver, LoadGenerator load, int timeoutSeconds)
            throws InterruptedException {
        awaitReplies(receiver, new ArrayList<>(load.dueAt.keySet()), timeoutSeconds);
    }

    private static void awaitReplies(CallbackReceiver receiver, List<Long> ids, int timeoutSeconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (System.nanoTime() < deadline && ids.stream().anyMatch(id -> receiver.arrival(id) == null)) {
            Thread.sleep(200);
        }
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }
}
