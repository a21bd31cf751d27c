package com.custarea.app.api;

import java.util.Map;
import java.util.UUID;

import com.custarea.app.security.Caller;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.workflows.WorkflowService;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** The handlers of /api/workflows: definitions (admins change them), versions and the run log. */
@Component
public class WorkflowApi {

    private final WorkflowService workflows;

    public WorkflowApi(WorkflowService workflows) {
        this.workflows = workflows;
    }

    public void list(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        request.ok(Map.of("items", workflows.list(request.caller().tenantId())));
    }

    public void create(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        JsonNode body = request.json("workflow");
        request.created(workflows.create(caller.tenantId(), body, caller.userId()));
    }

    public void get(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        UUID id = request.pathId("id");
        request.ok(workflows.find(request.caller().tenantId(), id).orElseThrow(() -> notFound(id)));
    }

    public void replace(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        JsonNode body = request.json("workflow");
        request.ok(workflows.update(caller.tenantId(), id, body, caller.userId()).orElseThrow(() -> notFound(id)));
    }

    public void enable(Exchange exchange) {
        setEnabled(exchange, true);
    }

    public void disable(Exchange exchange) {
        setEnabled(exchange, false);
    }

    public void delete(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        if (!workflows.delete(caller.tenantId(), id)) {
            throw notFound(id);
        }
        request.noContent();
    }

    public void versions(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        workflows.find(caller.tenantId(), id).orElseThrow(() -> notFound(id));
        request.ok(Map.of("items", workflows.versions(caller.tenantId(), id)));
    }

    public void runs(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        workflows.find(caller.tenantId(), id).orElseThrow(() -> notFound(id));
        request.ok(workflows.runs(caller.tenantId(), id, request.cursor(), request.limit()));
    }

    private void setEnabled(Exchange exchange, boolean enabled) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        request.ok(workflows.setEnabled(caller.tenantId(), id, enabled).orElseThrow(() -> notFound(id)));
    }

    private static ProblemException notFound(UUID id) {
        return ProblemException.notFound("No workflow " + id);
    }
}
