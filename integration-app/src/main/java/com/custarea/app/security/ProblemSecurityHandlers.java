package com.custarea.app.security;

import java.io.IOException;
import java.util.List;

import com.custarea.routes.support.HttpResponses;
import com.custarea.routes.support.Problem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.stereotype.Component;

/** Answers a missing or bad token with 401, and a role that may not do this with 403, as RFC 9457 problems. */
@Component
public class ProblemSecurityHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response,
                         AuthenticationException failure) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        HttpResponses.problem(response, new Problem(Problem.TYPE_BASE + "unauthenticated", "Not authenticated", 401,
                "A valid bearer access token is required", request.getRequestURI(), List.of()));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response,
                       AccessDeniedException failure) throws IOException {
        HttpResponses.problem(response, new Problem(Problem.TYPE_BASE + "forbidden", "Forbidden", 403,
                "Your role may not do this", request.getRequestURI(), List.of()));
    }
}
