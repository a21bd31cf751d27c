package com.custarea.routes.workflows;

/** An action that cannot be done (no conversation to reply on, no active user to assign): the run fails there. */
class WorkflowActionException extends RuntimeException {

    WorkflowActionException(String message) {
        super(message);
    }
}
