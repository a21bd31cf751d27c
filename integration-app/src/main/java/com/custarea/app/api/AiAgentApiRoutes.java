package com.custarea.app.api;

import com.custarea.routes.ai.AiAgents;
import com.custarea.routes.ai.kb.KnowledgeStore;
import com.custarea.routes.support.Problem;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/**
 * /api/ai-agent, /api/ai/queue and /api/ops/kb-index: the tenant's AI agents, their knowledge bases, a search to try
 * them, and the rebuild of the search index.
 */
@Component
public class AiAgentApiRoutes extends DashboardApiRoutes {

    private final AiAgentApi api;

    public AiAgentApiRoutes(AiAgentApi api) {
        this.api = api;
    }

    @Override
    public void configure() {
        rest("/api/ai-agent").tag("AI agent").security(OpenApiRoutes.BEARER)
                .get().id("ai-agents-list").produces("application/json").description("The tenant's AI agents")
                    .to(handler("ai-agents-list"))
                .post().id("ai-agents-create").consumes("application/json").produces("application/json")
                    .description("Create an agent (admins): instructions, model (offline or an OpenAI model), "
                            + "channels, business hours, hand-off words, tools, answer threshold")
                    .type(RequestBodies.AiAgent.class).outType(AiAgents.AiAgent.class)
                    .responseMessage().code(400).message("Invalid agent").responseModel(Problem.class)
                    .endResponseMessage()
                    .to(handler("ai-agents-create"))
                .get("/{id}").id("ai-agents-get").produces("application/json").description("One agent")
                    .outType(AiAgents.AiAgent.class).to(handler("ai-agents-get"))
                .patch("/{id}").id("ai-agents-update").consumes("application/json").produces("application/json")
                    .description("Change the fields sent (admins)").type(RequestBodies.AiAgent.class)
                    .outType(AiAgents.AiAgent.class).to(handler("ai-agents-update"))
                .get("/{id}/documents").id("kb-documents-list").produces("application/json")
                    .description("The agent's knowledge documents with their indexing status")
                    .to(handler("kb-documents-list"))
                .post("/{id}/documents").id("kb-documents-add").consumes("multipart/form-data,application/json")
                    .produces("application/json")
                    .description("Add a document (admins): multipart/form-data with a file part (PDF, HTML, "
                            + "Markdown or plain text) and an optional title, or JSON {url, title} to fetch; "
                            + "answered 202 with the queued document, indexed in the background")
                    .outType(KnowledgeStore.KnowledgeDocument.class)
                    .responseMessage().code(415).message("Unsupported type").responseModel(Problem.class)
                    .endResponseMessage()
                    .to(handler("kb-documents-add"))
                .get("/{id}/documents/{documentId}").id("kb-documents-get").produces("application/json")
                    .description("One document: status (queued, processing, ready, failed), chunks done of "
                            + "total, error").outType(KnowledgeStore.KnowledgeDocument.class)
                    .to(handler("kb-documents-get"))
                .delete("/{id}/documents/{documentId}").id("kb-documents-delete")
                    .description("Delete a document and its chunks from the store and the index (admins)")
                    .to(handler("kb-documents-delete"))
                .post("/{id}/reindex").id("kb-reindex").produces("application/json")
                    .description("Index every document of the agent again (admins)").to(handler("kb-reindex"))
                .get("/{id}/search").id("kb-search").produces("application/json")
                    .description("Hybrid search (vectors and BM25, fused by rank) of the agent's knowledge base")
                    .param().name("q").type(RestParamType.query).required(true).endParam()
                    .param().name("limit").type(RestParamType.query).required(false).endParam()
                    .to(handler("kb-search"));
        rest("/api/ops/kb-index").tag("Ops").security(OpenApiRoutes.BEARER)
                .post("/rebuild").id("kb-index-rebuild").produces("application/json")
                    .description("Rebuild this instance's knowledge-base search index from MongoDB (admins; once a "
                            + "minute at most)").to(handler("kb-index-rebuild"));
        rest("/api/ai/queue").tag("AI agent").security(OpenApiRoutes.BEARER)
                .post("/{messageId}").id("ai-queue").produces("application/json")
                    .description("Ask the agent to answer an inbound message again (409 while the conversation "
                            + "is with the team)").to(handler("ai-queue"));

        handle("ai-agents-list", api::list);
        handle("ai-agents-create", api::create);
        handle("ai-agents-get", api::get);
        handle("ai-agents-update", api::update);
        handle("kb-documents-list", api::listDocuments);
        handle("kb-documents-add", api::addDocument);
        handle("kb-documents-get", api::getDocument);
        handle("kb-documents-delete", api::deleteDocument);
        handle("kb-reindex", api::reindex);
        handle("kb-search", api::search);
        handle("ai-queue", api::queue);
        handle("kb-index-rebuild", api::rebuildIndex);
    }
}
