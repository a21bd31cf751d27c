package com.custarea.app.api;

import com.custarea.routes.support.Problem;
import com.custarea.routes.workflows.WorkflowView;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/** /api/workflows: the tenant's automation rules. */
@Component
public class WorkflowApiRoutes extends DashboardApiRoutes {

    private final WorkflowApi api;

    public WorkflowApiRoutes(WorkflowApi api) {
        this.api = api;
    }

    @Override
    public void configure() {
        rest("/api/workflows").tag("Workflows").security(OpenApiRoutes.BEARER)
                .get().id("workflows-list").produces("application/json").description("The tenant's workflows")
                    .to(handler("workflows-list"))
                .post().id("workflows-create").consumes("application/json").produces("application/json")
                    .description("Create a workflow (admins): a trigger, conditions and ordered actions; a "
                            + "definition that does not make sense is refused with field-level errors")
                    .type(RequestBodies.Workflow.class).outType(WorkflowView.class)
                    .responseMessage().code(400).message("Invalid definition").responseModel(Problem.class)
                    .endResponseMessage()
                    .to(handler("workflows-create"))
                .get("/{id}").id("workflows-get").produces("application/json").description("One workflow")
                    .outType(WorkflowView.class).to(handler("workflows-get"))
                .put("/{id}").id("workflows-replace").consumes("application/json").produces("application/json")
                    .description("Replace the definition (admins); the version goes up, started runs finish on "
                            + "their version").type(RequestBodies.Workflow.class).outType(WorkflowView.class)
                    .to(handler("workflows-replace"))
                .delete("/{id}").id("workflows-delete").description("Delete a workflow and its runs (admins)")
                    .to(handler("workflows-delete"))
                .post("/{id}/enable").id("workflows-enable").produces("application/json")
                    .description("Enable (admins)").outType(WorkflowView.class).to(handler("workflows-enable"))
                .post("/{id}/disable").id("workflows-disable").produces("application/json")
                    .description("Disable (admins)").outType(WorkflowView.class).to(handler("workflows-disable"))
                .get("/{id}/versions").id("workflows-versions").produces("application/json")
                    .description("Every saved version, newest first").to(handler("workflows-versions"))
                .get("/{id}/runs").id("workflows-runs").produces("application/json")
                    .description("The run log: each run with its status and what each action did, newest first")
                    .param().name("cursor").type(RestParamType.query).required(false).endParam()
                    .param().name("limit").type(RestParamType.query).required(false).endParam()
                    .to(handler("workflows-runs"));

        handle("workflows-list", api::list);
        handle("workflows-create", api::create);
        handle("workflows-get", api::get);
        handle("workflows-replace", api::replace);
        handle("workflows-delete", api::delete);
        handle("workflows-enable", api::enable);
        handle("workflows-disable", api::disable);
        handle("workflows-versions", api::versions);
        handle("workflows-runs", api::runs);
    }
}
