package com.custarea.routes.ai;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/** The recent turns of a conversation, newest kept first within a token budget, for a chat model's memory. */
@Component
public class ConversationTurns {

    /** One turn: the customer's (inbound) or ours (outbound), and its text. */
    public record Turn(boolean fromCustomer, String text) {
    }

    private static final int MOST_TURNS = 40;

    private final NamedParameterJdbcTemplate jdbc;

    public ConversationTurns(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The latest turns, oldest first, that fit {@code tokens} (about four characters a token); never notes. */
    public List<Turn> recent(UUID tenantId, UUID conversationId, int tokens) {
        List<Turn> newestFirst = jdbc.query("""
                SELECT direction, text FROM messages
                WHERE conversation_id = :c AND tenant_id = :t AND NOT private AND text IS NOT NULL
                ORDER BY created_at DESC, id DESC LIMIT :limit
                """, Map.of("c", conversationId, "t", tenantId, "limit", MOST_TURNS),
                (row, i) -> new Turn("inbound".equals(row.getString("direction")), row.getString("text")));
        List<Turn> kept = new ArrayList<>();
        int budget = tokens * 4;
        for (Turn turn : newestFirst) {
            if (turn.text().length() > budget && !kept.isEmpty()) {
                break;
            }
            kept.add(turn);
            budget -= turn.text().length();
        }
        Collections.reverse(kept);
        return kept;
    }
}
