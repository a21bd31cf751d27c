package com.custarea.routes.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.schemas.Attachment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Keeps the media that arrives with messages: fetched from the provider with the channel's credentials, size-limited,
 * written under the media folder and recorded in the {@code media} table; served to the tenant's users by id. A file
 * the provider could not hand over in time is recorded as pending and fetched on first access, so a slow provider
 * never costs the message.
 */
@Repository
public class MediaStore {

    /** Where stored media is served (the dashboard API, authenticated and tenant-scoped). */
    public static final String URL_PREFIX = "/api/media/";
    private static final Logger LOG = LoggerFactory.getLogger(MediaStore.class);

    private final NamedParameterJdbcTemplate jdbc;
    private final MediaFetcher fetcher;
    private final ChannelRegistry channels;
    private final List<MediaCredentials> credentials;
    private final Path folder;

    public MediaStore(NamedParameterJdbcTemplate jdbc, MediaFetcher fetcher, ChannelRegistry channels,
                      List<MediaCredentials> credentials,
                      @Value("${custarea.media.dir:${custarea.data-dir:./data}/media}") Path folder) {
        this.jdbc = jdbc;
        this.fetcher = fetcher;
        this.channels = channels;
        this.credentials = List.copyOf(credentials);
        this.folder = folder;
    }

    /** A file a provider announced: our id for it, where the provider has it, and its type as announced. */
    public record Source(UUID id, String url, String contentType) {
    }

    /** A kept file as served: its bytes are at {@code file}. */
    public record Content(String contentType, long sizeBytes, Path file) {
    }

    /** What {@link #open} found. */
    public sealed interface Opened {
        record Found(Content content) implements Opened { }
        record NotFound() implements Opened { }
        record TooLarge(long maxBytes) implements Opened { }
        record Unavailable(String reason) implements Opened { }
    }

    /**
     * Fetches and keeps {@code sources} of {@code channel} within {@code budget} in all (what is left over is kept
     * as pending), and returns their attachments in order. A source kept before (a provider retry) is not fetched
     * again.
     */
    public List<Attachment> keepAll(ChannelSettings channel, List<Source> sources, Duration budget) {
        Instant deadline = Instant.now().plus(budget);
        List<Attachment> attachments = new ArrayList<>(sources.size());
        for (Source source : sources) {
            Optional<Row> existing = row(channel.tenantId(), source.id());
            if (existing.isPresent()) {
                attachments.add(existing.get().attachment());
                continue;
            }
            Duration left = Duration.between(Instant.now(), deadline);
            String status = "pending";
            Long size = null;
            String storageKey = null;
            String contentType = source.contentType() == null ? "application/octet-stream" : source.contentType();
            if (left.toMillis() > 200) {
                try {
                    MediaFetcher.Fetched fetched = fetcher.fetch(source.url(), credentialsOf(channel), left);
                    storageKey = write(channel.tenantId(), source.id(), fetched.bytes());
                    size = (long) fetched.bytes().length;
                    status = "stored";
                } catch (MediaFetcher.TooLargeException e) {
                    status = "too_large";
                    LOG.warn("Media {} of channel {} not kept: {}", source.id(), channel.id(), e.getMessage());
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Media {} of channel {} not fetched now ({}); it will be fetched on first access",
                            source.id(), channel.id(), e.toString());
                }
            }
            insert(channel, source, contentType, status, size, storageKey);
            attachments.add(row(channel.tenantId(), source.id()).orElseThrow().attachment());
        }
        return attachments;
    }

    /**
     * Keeps a file that arrived with its message (an e-mail attachment) under {@code id}, and returns its
     * attachment; a file over the size limit is recorded as too large and not written. Keeping the same id again
     * (a provider retry) changes nothing. {@code sourceUrl} says where it came from (no fetch is ever made).
     */
    public Attachment keepBytes(ChannelSettings channel, UUID id, String sourceUrl, String filename,
                                String contentType, byte[] bytes) {
        String type = contentType == null || contentType.isBlank() ? "application/octet-stream" : contentType;
        if (bytes.length > fetcher.maxBytes()) {
            insert(channel, new Source(id, sourceUrl, type), type, "too_large", (long) bytes.length, null);
        } else {
            String storageKey = write(channel.tenantId(), id, bytes);
            insert(channel, new Source(id, sourceUrl, type), type, "stored", (long) bytes.length, storageKey);
        }
        if (filename != null) {
            jdbc.update("UPDATE media SET filename = :filename WHERE id = :id AND filename IS NULL",
                    Map.of("filename", filename, "id", id));
        }
        return new Attachment(URL_PREFIX + id, type, filename, (long) bytes.length);
    }

    /** The file {@code id} of {@code tenantId}, fetched now if it was pending. */
    public Opened open(UUID tenantId, UUID id) {
        Optional<Row> found = row(tenantId, id);
        if (found.isEmpty()) {
            return new Opened.NotFound();
        }
        Row row = found.get();
        switch (row.status()) {
            case "stored" -> {
                return new Opened.Found(new Content(row.contentType(), row.sizeBytes(), folder.resolve(
                        row.storageKey())));
            }
            case "too_large" -> {
                return new Opened.TooLarge(fetcher.maxBytes());
            }
            default -> {
                return fetchPending(row);
            }
        }
    }

    private Opened fetchPending(Row row) {
        Optional<ChannelSettings> channel = channels.find(row.tenantId(), row.channelId());
        if (channel.isEmpty()) {
            return new Opened.Unavailable("The channel the file came from no longer exists");
        }
        try {
            MediaFetcher.Fetched fetched = fetcher.fetch(row.sourceUrl(), credentialsOf(channel.get()),
                    Duration.ofSeconds(30));
            String storageKey = write(row.tenantId(), row.id(), fetched.bytes());
            jdbc.update("""
                    UPDATE media SET status = 'stored', storage_key = :key, size_bytes = :size, updated_at = now()
                    WHERE id = :id AND tenant_id = :tenantId
                    """, new MapSqlParameterSource().addValue("key", storageKey)
                    .addValue("size", (long) fetched.bytes().length).addValue("id", row.id())
                    .addValue("tenantId", row.tenantId()));
            return new Opened.Found(new Content(row.contentType(), fetched.bytes().length,
                    folder.resolve(storageKey)));
        } catch (MediaFetcher.TooLargeException e) {
            jdbc.update("UPDATE media SET status = 'too_large', updated_at = now() WHERE id = :id",
                    Map.of("id", row.id()));
            return new Opened.TooLarge(fetcher.maxBytes());
        } catch (IOException | RuntimeException e) {
            return new Opened.Unavailable("The provider did not hand the file over: " + e.getMessage());
        }
    }

    private Optional<MediaFetcher.Credentials> credentialsOf(ChannelSettings channel) {
        return credentials.stream().filter(provider -> provider.supports(channel)).findFirst()
                .flatMap(provider -> provider.of(channel));
    }

    private String write(UUID tenantId, UUID id, byte[] bytes) {
        String key = tenantId + "/" + id;
        Path target = folder.resolve(key);
        try {
            Files.createDirectories(target.getParent());
            Path temporary = Files.createTempFile(target.getParent(), id.toString(), ".part");
            Files.write(temporary, bytes);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write media " + id + " under " + folder, e);
        }
    }

    private void insert(ChannelSettings channel, Source source, String contentType, String status, Long size,
                        String storageKey) {
        jdbc.update("""
                INSERT INTO media (id, tenant_id, channel_id, status, content_type, size_bytes, storage_key, source_url)
                VALUES (:id, :tenantId, :channelId, :status, :contentType, :size, :storageKey, :sourceUrl)
                ON CONFLICT (id) DO NOTHING
                """, new MapSqlParameterSource()
                .addValue("id", source.id())
                .addValue("tenantId", channel.tenantId())
                .addValue("channelId", channel.id())
                .addValue("status", status)
                .addValue("contentType", contentType)
                .addValue("size", size)
                .addValue("storageKey", storageKey)
                .addValue("sourceUrl", source.url()));
    }

    private Optional<Row> row(UUID tenantId, UUID id) {
        return jdbc.query("""
                SELECT id, tenant_id, channel_id, status, content_type, size_bytes, storage_key, source_url
                FROM media WHERE id = :id AND tenant_id = :tenantId
                """, new MapSqlParameterSource().addValue("id", id).addValue("tenantId", tenantId),
                (rs, i) -> new Row(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                        rs.getObject("channel_id", UUID.class), rs.getString("status"),
                        rs.getString("content_type"), (Long) rs.getObject("size_bytes"),
                        rs.getString("storage_key"), rs.getString("source_url"))).stream().findFirst();
    }

    private record Row(UUID id, UUID tenantId, UUID channelId, String status, String contentType, Long sizeBytes,
                       String storageKey, String sourceUrl) {

        Attachment attachment() {
            return new Attachment(URL_PREFIX + id, contentType, null, sizeBytes);
        }
    }
}
