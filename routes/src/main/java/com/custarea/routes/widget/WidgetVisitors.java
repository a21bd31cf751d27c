package com.custarea.routes.widget;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.AttributeChanges;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** The widget's visitors: who they are (a verified user id, a pre-chat name and e-mail) and where they were seen. */
@Repository
public class WidgetVisitors {

    /**
     * A visitor. As read, {@code userId} is the last user id the visitor proved; in a session it is the user id this
     * session's proof still holds for (null when it lapsed or never was), which is what {@link #verified()} means.
     */
    public record Visitor(UUID id, UUID tenantId, UUID channelId, String userId, String name, String email) {

        public boolean verified() {
            return userId != null;
        }

        /**
         * This visitor as verified for {@code provenUserId} in the current session, or unverified (null). A visitor
         * that once proved a user id and is now unverified keeps no e-mail: that one may have been given while
         * verified, where nothing checks it, and an unverified visitor's e-mail finds a contact.
         */
        public Visitor withUserId(String provenUserId) {
            boolean lapsed = provenUserId == null && userId != null;
            return new Visitor(id, tenantId, channelId, provenUserId, name, lapsed ? null : email);
        }

        /**
         * Whether the contact this visitor's identifiers reach may be someone else's: it gave an e-mail (anyone can
         * type one) or once proved a user id. Only a visitor that did neither is surely alone on its contact.
         */
        public boolean mayShareAContact() {
            return email != null || userId != null;
        }
    }

    /** Where a visitor is: the page, the referrer and the browser. */
    public record Page(String url, String referrer, String userAgent) {
    }

    private final NamedParameterJdbcTemplate jdbc;

    public WidgetVisitors(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Visitor> find(UUID tenantId, UUID channelId, UUID visitorId) {
        return jdbc.query("""
                SELECT id, tenant_id, channel_id, user_id, name, email FROM widget_visitors
                WHERE id = :id AND tenant_id = :t AND channel_id = :c
                """, Map.of("id", visitorId, "t", tenantId, "c", channelId), (row, i) -> visitor(row))
                .stream().findFirst();
    }

    /** A new visitor of the widget. */
    public Visitor create(UUID tenantId, UUID channelId, Page page) {
        UUID id = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO widget_visitors (id, tenant_id, channel_id, page_url, referrer, user_agent)
                VALUES (:id, :t, :c, :url, :referrer, :agent)
                """, params(id, tenantId, channelId, page));
        return new Visitor(id, tenantId, channelId, null, null, null);
    }

    /** Records a visit (page, last seen) and what the visitor told or proved about themselves. */
    public Visitor touch(Visitor visitor, Page page, String verifiedUserId, String name, String email) {
        jdbc.update("""
                UPDATE widget_visitors SET page_url = COALESCE(:url, page_url),
                                           referrer = COALESCE(:referrer, referrer),
                                           user_agent = COALESCE(:agent, user_agent),
                                           user_id = COALESCE(:userId, user_id),
                                           name = COALESCE(:name, name),
                                           email = COALESCE(:email, email),
                                           last_seen = now()
                WHERE id = :id AND tenant_id = :t AND channel_id = :c
                """, params(visitor.id(), visitor.tenantId(), visitor.channelId(), page)
                .addValue("userId", verifiedUserId).addValue("name", name).addValue("email", email));
        return find(visitor.tenantId(), visitor.channelId(), visitor.id()).orElseThrow();
    }

    /**
     * Merges the site's custom attributes into those kept on the visitor (a null value removes a key), unless the
     * visitor would then hold more than {@code maxKeys}: false then, and nothing is changed.
     */
    public boolean mergeAttributes(Visitor visitor, Map<String, Object> attributes, int maxKeys) {
        String merged = AttributeChanges.MERGED;
        return jdbc.update("UPDATE widget_visitors SET attributes = " + merged
                + " WHERE id = :id AND tenant_id = :t AND channel_id = :c"
                + " AND (SELECT count(*) FROM jsonb_object_keys(" + merged + ")) <= :maxKeys",
                AttributeChanges.of("", attributes).addTo(new MapSqlParameterSource()).addValue("maxKeys", maxKeys)
                .addValue("id", visitor.id()).addValue("t", visitor.tenantId())
                .addValue("c", visitor.channelId())) == 1;
    }

    private static MapSqlParameterSource params(UUID id, UUID tenantId, UUID channelId, Page page) {
        return new MapSqlParameterSource().addValue("id", id).addValue("t", tenantId).addValue("c", channelId)
                .addValue("url", page.url()).addValue("referrer", page.referrer())
                .addValue("agent", page.userAgent());
    }

    private static Visitor visitor(ResultSet row) throws SQLException {
        return new Visitor(row.getObject("id", UUID.class), row.getObject("tenant_id", UUID.class),
                row.getObject("channel_id", UUID.class), row.getString("user_id"), row.getString("name"),
                row.getString("email"));
    }
}
