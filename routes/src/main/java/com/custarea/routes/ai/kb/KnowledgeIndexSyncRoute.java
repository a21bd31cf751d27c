package com.custarea.routes.ai.kb;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** At start and then every sync interval: load into this instance's index what changed in the knowledge base. */
@Component
public class KnowledgeIndexSyncRoute extends RouteBuilder {

    public static final String ROUTE_ID = "kb-index-sync";

    private final KnowledgeIndexSync sync;

    public KnowledgeIndexSyncRoute(KnowledgeIndexSync sync) {
        this.sync = sync;
    }

    @Override
    public void configure() {
        from("timer:" + ROUTE_ID + "?period={{custarea.ai.kb.sync-interval-ms:5000}}&delay=0")
                .routeId(ROUTE_ID)
                .process(exchange -> sync.sync());
    }
}
