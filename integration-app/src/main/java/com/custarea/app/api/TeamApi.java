package com.custarea.app.api;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.security.Caller;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.teams.TeamService;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** The handlers of /api/teams: everyone reads the tenant's teams; admins change them. */
@Component
public class TeamApi {

    private final TeamService teams;

    public TeamApi(TeamService teams) {
        this.teams = teams;
    }

    public void list(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        request.ok(Map.of("items", teams.list(request.caller().tenantId())));
    }

    public void create(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        JsonNode body = request.json("team-create");
        request.created(teams.create(caller.tenantId(), ApiRequest.text(body, "name"), ids(body)));
    }

    public void get(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        UUID id = request.pathId("id");
        request.ok(teams.find(request.caller().tenantId(), id).orElseThrow(() -> notFound(id)));
    }

    public void update(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        JsonNode body = request.json("team-update");
        request.ok(teams.update(caller.tenantId(), id, ApiRequest.text(body, "name"),
                body.has("memberIds") ? ids(body) : null).orElseThrow(() -> notFound(id)));
    }

    public void delete(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        if (!teams.delete(caller.tenantId(), id)) {
            throw notFound(id);
        }
        request.noContent();
    }

    private static List<UUID> ids(JsonNode body) {
        return ApiRequest.texts(body, "memberIds").stream().map(UUID::fromString).toList();
    }

    private static ProblemException notFound(UUID id) {
        return ProblemException.notFound("No team " + id);
    }
}
