package com.custarea.routes.widget;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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

        /** This visitor as verified for {@code provenUserId} in the current session, or unverified (null). */
        public Visitor withUserId(String provenUserId) {
            return new Visitor(id, tenantId, channelId, provenUserId, name, email);
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
