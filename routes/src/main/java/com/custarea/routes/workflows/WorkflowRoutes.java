package com.custarea.routes.workflows;

import com.custarea.routes.support.BatchStageRouteBuilder;
import com.custarea.routes.support.StageSupport;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.WorkflowTrigger;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** The workflow engine's three flows: triggers from events, the runner, and the timers that are due. */
final class WorkflowRoutes {

    private WorkflowRoutes() {
    }

    /** conversation.events ▶ workflow.triggers, for tenants with a workflow the event starts. */
    @Component
    static class TriggerRoute extends BatchStageRouteBuilder<ConversationEvent> {
        TriggerRoute(WorkflowTriggerStage stage, StageSupport support) {
            super(stage, WorkflowTriggerStage.STAGE, "custarea-workflow-triggers", support);
        }
    }

    /** workflow.triggers ▶ runs ▶ what their actions publish (replies, events, AI requests). */
    @Component
    static class RunnerRoute extends BatchStageRouteBuilder<WorkflowTrigger> {
        RunnerRoute(WorkflowRunnerStage stage, StageSupport support) {
            super(stage, WorkflowRunnerStage.STAGE, "custarea-workflows", support);
        }
    }

    /** Every poll interval: fire the waits and no-reply timers that are due. */
    @Component
    static class TimerRoute extends RouteBuilder {
        private final WorkflowEngine engine;

        TimerRoute(WorkflowEngine engine) {
            this.engine = engine;
        }

        @Override
        public void configure() {
            from("timer:" + WorkflowEngine.TIMER_ROUTE_ID + "?period={{custarea.workflows.poll-interval:1000}}&delay=2000")
                    .routeId(WorkflowEngine.TIMER_ROUTE_ID)
                    .process(exchange -> engine.fireDueTimers());
        }
    }
}
