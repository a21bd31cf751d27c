package com.custarea.app.api;

import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.PayloadJson;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers a ProblemException thrown by a Spring MVC controller (the demo page, the widget's and the voice bridge's
 * endpoints) as the Camel REST routes answer theirs: an RFC 9457 problem, with Retry-After when it has one.
 */
@RestControllerAdvice
public class ProblemExceptionAdvice {

    @ExceptionHandler(ProblemException.class)
    public ResponseEntity<String> problem(ProblemException refused, HttpServletRequest request) {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(refused.status())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (refused.retryAfter() != null) {
            answer.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, refused.retryAfter().toSeconds())));
        }
        return answer.body(PayloadJson.write(refused.toProblem(request.getRequestURI())));
    }
}
