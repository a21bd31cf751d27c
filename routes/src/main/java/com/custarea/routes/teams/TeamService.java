package com.custarea.routes.teams;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** A tenant's teams and their members; every query is scoped by the tenant. */
@Service
public class TeamService {

    private final NamedParameterJdbcTemplate jdbc;

    public TeamService(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public List<TeamView> list(UUID tenantId) {
        return load(tenantId, null);
    }

    public Optional<TeamView> find(UUID tenantId, UUID id) {
        return load(tenantId, id).stream().findFirst();
    }

    /** A new team; 400 for members the tenant does not have, 409 for a name it already uses. */
    @Transactional
    public TeamView create(UUID tenantId, String name, List<UUID> memberIds) {
        UUID id = UUID.randomUUID();
        requireMembers(tenantId, memberIds);
        try {
            jdbc.update("INSERT INTO teams (id, tenant_id, name) VALUES (:id, :t, :name)",
                    Map.of("id", id, "t", tenantId, "name", name));
        } catch (DuplicateKeyException e) {
            throw ProblemException.conflict("A team named " + name + " exists already");
        }
        setMembers(tenantId, id, memberIds);
        return find(tenantId, id).orElseThrow();
    }

    /** Renames the team or replaces its members (null: unchanged); empty when the tenant has no such team. */
    @Transactional
    public Optional<TeamView> update(UUID tenantId, UUID id, String name, List<UUID> memberIds) {
        if (memberIds != null) {
            requireMembers(tenantId, memberIds);
        }
        int updated;
        try {
            updated = jdbc.update("""
                    UPDATE teams SET name = COALESCE(CAST(:name AS text), name), updated_at = now()
                    WHERE id = :id AND tenant_id = :t
                    """, new MapSqlParameterSource().addValue("name", name).addValue("id", id).addValue("t", tenantId));
        } catch (DuplicateKeyException e) {
            throw ProblemException.conflict("A team named " + name + " exists already");
        }
        if (updated == 0) {
            return Optional.empty();
        }
        if (memberIds != null) {
            jdbc.update("DELETE FROM team_members WHERE team_id = :id AND tenant_id = :t",
                    Map.of("id", id, "t", tenantId));
            setMembers(tenantId, id, memberIds);
        }
        return find(tenantId, id);
    }

    @Transactional
    public boolean delete(UUID tenantId, UUID id) {
        return jdbc.update("DELETE FROM teams WHERE id = :id AND tenant_id = :t", Map.of("id", id, "t", tenantId))
                == 1;
    }

    /** The team's members who can take a conversation now (not disabled), in the team's order. */
    public List<UUID> activeMembers(UUID tenantId, UUID teamId) {
        return jdbc.queryForList("""
                SELECT m.user_id FROM team_members m
                JOIN users u ON u.id = m.user_id AND u.tenant_id = m.tenant_id
                WHERE m.team_id = :id AND m.tenant_id = :t AND NOT u.disabled
                ORDER BY m.position
                """, Map.of("id", teamId, "t", tenantId), UUID.class);
    }

    private void requireMembers(UUID tenantId, List<UUID> memberIds) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < memberIds.size(); i++) {
            if (jdbc.queryForList("SELECT 1 FROM users WHERE id = :id AND tenant_id = :t", Map.of("id",
                    memberIds.get(i), "t", tenantId), Integer.class).isEmpty()) {
                errors.add(new Problem.FieldError("/memberIds/" + i, "is not a user here"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("Unknown team members", errors);
        }
    }

    private void setMembers(UUID tenantId, UUID teamId, List<UUID> memberIds) {
        List<UUID> distinct = memberIds.stream().distinct().toList();
        MapSqlParameterSource[] rows = new MapSqlParameterSource[distinct.size()];
        for (int i = 0; i < distinct.size(); i++) {
            rows[i] = new MapSqlParameterSource().addValue("team", teamId).addValue("t", tenantId)
                    .addValue("user", distinct.get(i)).addValue("position", i);
        }
        jdbc.batchUpdate("""
                INSERT INTO team_members (team_id, tenant_id, user_id, position) VALUES (:team, :t, :user, :position)
                """, rows);
    }

    private List<TeamView> load(UUID tenantId, UUID id) {
        Map<UUID, TeamRow> teams = new LinkedHashMap<>();
        jdbc.query("""
                SELECT id, name, created_at, updated_at FROM teams
                WHERE tenant_id = :t AND (CAST(:id AS uuid) IS NULL OR id = :id) ORDER BY lower(name), id
                """, new MapSqlParameterSource().addValue("t", tenantId).addValue("id", id),
                (ResultSet row) -> {
                    teams.put(row.getObject("id", UUID.class), new TeamRow(row, new ArrayList<>()));
                });
        if (teams.isEmpty()) {
            return List.of();
        }
        jdbc.query("""
                SELECT team_id, user_id FROM team_members
                WHERE tenant_id = :t AND (CAST(:id AS uuid) IS NULL OR team_id = :id) ORDER BY team_id, position
                """, new MapSqlParameterSource().addValue("t", tenantId).addValue("id", id), (ResultSet row) -> {
                    TeamRow team = teams.get(row.getObject("team_id", UUID.class));
                    if (team != null) {
                        team.members().add(row.getObject("user_id", UUID.class));
                    }
                });
        return teams.values().stream().map(TeamRow::view).toList();
    }

    /** A team's row while its members are read. */
    private record TeamRow(UUID id, String name, Instant createdAt, Instant updatedAt,
                           List<UUID> members) {

        TeamRow(ResultSet row, List<UUID> members) throws SQLException {
            this(row.getObject("id", UUID.class), row.getString("name"), row.getTimestamp("created_at").toInstant(),
                    row.getTimestamp("updated_at").toInstant(), members);
        }

        TeamView view() {
            return new TeamView(id, name, List.copyOf(members), createdAt, updatedAt);
        }
    }
}
