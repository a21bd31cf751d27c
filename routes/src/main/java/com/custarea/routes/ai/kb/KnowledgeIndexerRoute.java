package com.custarea.routes.ai.kb;

import com.custarea.routes.support.BatchStageRouteBuilder;
import com.custarea.routes.support.StageSupport;
import com.custarea.schemas.KnowledgeDocumentJob;
import org.springframework.stereotype.Component;

/** kb.ingest ▶ extract, chunk, embed ▶ chunks in MongoDB (camel-mongodb) and in the search index. */
@Component
public class KnowledgeIndexerRoute extends BatchStageRouteBuilder<KnowledgeDocumentJob> {

    public static final String ROUTE_ID = KnowledgeIndexerStage.STAGE;
    public static final String GROUP_ID = "custarea-kb-indexer";

    public KnowledgeIndexerRoute(KnowledgeIndexerStage stage, StageSupport support) {
        super(stage, ROUTE_ID, GROUP_ID, support);
    }
}
