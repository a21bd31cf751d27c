package com.custarea.app.contacts;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.custarea.routes.contacts.ContactRequest;
import com.custarea.routes.contacts.ContactResolver;
import com.custarea.routes.contacts.InvalidIdentifierException;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import jakarta.annotation.PreDestroy;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Imports contacts from CSV (columns name, email, phone, external_id; a header row) as a job: the upload is checked
 * and stored as a job at once, the rows are resolved in the background (existing contacts are found by any
 * identifier, new ones created), with progress and per-row errors on the job.
 */
@Service
public class ContactImports {

    private static final Logger LOG = LoggerFactory.getLogger(ContactImports.class);
    private static final List<String> COLUMNS = List.of("name", "email", "phone", "external_id");
    private static final int MAX_ROWS = 50_000;
    private static final int PROGRESS_EVERY = 100;
    private static final int MAX_ERRORS_KEPT = 1_000;

    private final NamedParameterJdbcTemplate jdbc;
    private final ContactResolver resolver;
    private final TransactionTemplate transaction;
    private final EventPublisher publisher;
    private final ExecutorService workers = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "contact-import");
        thread.setDaemon(true);
        return thread;
    });

    public ContactImports(NamedParameterJdbcTemplate jdbc, ContactResolver resolver, TransactionTemplate transaction,
                          EventPublisher publisher) {
        this.publisher = publisher;
        this.jdbc = jdbc;
        this.resolver = resolver;
        this.transaction = transaction;
    }

    /** Checks the CSV, creates the job and starts it; returns the queued job. */
    public ImportJob start(UUID tenantId, UUID userId, String csv) {
        List<CSVRecord> rows = parse(csv);
        UUID id = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO import_jobs (id, tenant_id, kind, status, total_rows, created_by)
                VALUES (:id, :tenantId, 'contacts', 'queued', :total, :userId)
                """, new MapSqlParameterSource().addValue("id", id).addValue("tenantId", tenantId)
                .addValue("total", rows.size()).addValue("userId", userId));
        workers.submit(() -> run(tenantId, id, rows));
        return find(tenantId, id).orElseThrow();
    }

    public Optional<ImportJob> find(UUID tenantId, UUID id) {
        return jdbc.query("""
                SELECT id, status, total_rows, processed, succeeded, failed, errors::text AS errors, created_at,
                       finished_at FROM import_jobs WHERE id = :id AND tenant_id = :tenantId
                """, Map.of("id", id, "tenantId", tenantId), (row, i) -> new ImportJob(row.getObject("id", UUID.class),
                row.getString("status"), row.getInt("total_rows"), row.getInt("processed"), row.getInt("succeeded"),
                row.getInt("failed"), row.getString("errors"), row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("finished_at") == null ? null : row.getTimestamp("finished_at").toInstant()))
                .stream().findFirst();
    }

    private void run(UUID tenantId, UUID jobId, List<CSVRecord> rows) {
        progress(jobId, "running", 0, 0, 0, List.of(), false);
        List<RowError> errors = new ArrayList<>();
        int succeeded = 0;
        int processed = 0;
        Set<UUID> created = new LinkedHashSet<>();
        try {
            for (CSVRecord row : rows) {
                try {
                    List<ContactIdentifier> identifiers = identifiers(row);
                    if (identifiers.isEmpty()) {
                        throw new InvalidIdentifierException("the row has no email, phone or external_id");
                    }
                    String name = value(row, "name");
                    transaction.executeWithoutResult(tx -> resolver.resolveAll(List.of(new ContactRequest(tenantId,
                            identifiers, name)), created));
                    succeeded++;
                } catch (InvalidIdentifierException e) {
                    if (errors.size() < MAX_ERRORS_KEPT) {
                        errors.add(new RowError(row.getRecordNumber() + 1, e.getMessage()));
                    }
                }
                processed++;
                if (processed % PROGRESS_EVERY == 0) {
                    announceCreated(tenantId, jobId, created);
                    progress(jobId, "running", processed, succeeded, processed - succeeded, errors, false);
                }
            }
            announceCreated(tenantId, jobId, created);
            progress(jobId, "done", processed, succeeded, processed - succeeded, errors, true);
        } catch (RuntimeException e) {
            LOG.error("Contact import {} failed at row {}", jobId, processed + 1, e);
            errors.add(new RowError(processed + 2, "import stopped: " + e.getMessage()));
            progress(jobId, "failed", processed, succeeded, processed - succeeded, errors, true);
        }
    }

    /** contact.created for the contacts the import made since the last call, for workflows and webhooks. */
    private void announceCreated(UUID tenantId, UUID jobId, Set<UUID> created) {
        if (created.isEmpty()) {
            return;
        }
        publisher.publish(created.stream().map(contactId -> OutgoingRecord.of(Topics.CONVERSATION_EVENTS,
                ConversationEvent.ofContact(UUID.randomUUID(), tenantId, "import-" + jobId,
                        ConversationEventType.CONTACT_CREATED, contactId, null))).toList());
        created.clear();
    }

    private void progress(UUID jobId, String status, int processed, int succeeded, int failed, List<RowError> errors,
                          boolean finished) {
        jdbc.update("""
                UPDATE import_jobs SET status = :status, processed = :processed, succeeded = :succeeded,
                       failed = :failed, errors = CAST(:errors AS jsonb),
                       finished_at = CASE WHEN :finished THEN now() ELSE finished_at END
                WHERE id = :id
                """, new MapSqlParameterSource().addValue("status", status).addValue("processed", processed)
                .addValue("succeeded", succeeded).addValue("failed", failed)
                .addValue("errors", PayloadJson.write(errors)).addValue("finished", finished).addValue("id", jobId));
    }

    private static List<CSVRecord> parse(String csv) {
        try (CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(true).setTrim(true).get().parse(new StringReader(csv))) {
            List<String> header = parser.getHeaderNames().stream().map(name -> name.toLowerCase(Locale.ROOT)).toList();
            if (header.stream().noneMatch(COLUMNS::contains)) {
                throw ProblemException.badRequest("The CSV header names none of " + COLUMNS,
                        List.of(new Problem.FieldError("/header", "expected columns " + COLUMNS)));
            }
            List<CSVRecord> rows = parser.getRecords();
            if (rows.size() > MAX_ROWS) {
                throw ProblemException.payloadTooLarge("At most " + MAX_ROWS + " rows per import");
            }
            return rows;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ProblemException problem) {
                throw problem;
            }
            throw ProblemException.badRequest("Not a CSV file: " + e.getMessage(), List.of());
        }
    }

    private static List<ContactIdentifier> identifiers(CSVRecord row) {
        List<ContactIdentifier> identifiers = new ArrayList<>();
        String external = value(row, "external_id");
        String email = value(row, "email");
        String phone = value(row, "phone");
        if (external != null) {
            identifiers.add(ContactIdentifier.of(IdentifierType.EXTERNAL, external));
        }
        if (email != null) {
            identifiers.add(ContactIdentifier.of(IdentifierType.EMAIL, email));
        }
        if (phone != null) {
            identifiers.add(ContactIdentifier.of(IdentifierType.PHONE, phone));
        }
        return identifiers;
    }

    private static String value(CSVRecord row, String column) {
        for (Map.Entry<String, String> cell : row.toMap().entrySet()) {
            if (cell.getKey().equalsIgnoreCase(column)) {
                String value = cell.getValue();
                return value == null || value.isBlank() ? null : value;
            }
        }
        return null;
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }

    /** A row that could not be imported: its line number in the file, and why. */
    record RowError(long line, String error) {
    }
}
