package com.custarea.app.widget;

import java.io.IOException;
import java.util.UUID;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.widget.WidgetSettings;
import com.custarea.schemas.Channel;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * CORS for /api/widget, exactly to each widget's allowed domains: the widget names itself with {@code ?key=} (a
 * preflight carries no body and no token), and only an Origin that widget allows gets the CORS headers; a preflight
 * from any other is refused with 403.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class WidgetCorsFilter extends OncePerRequestFilter {

    private final ChannelRegistry channels;

    public WidgetCorsFilter(ChannelRegistry channels) {
        this.channels = channels;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/widget/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader("Origin");
        boolean allowed = origin != null && allows(request.getQueryString() == null ? null
                : request.getParameter("key"), origin);
        if (allowed) {
            response.setHeader("Access-Control-Allow-Origin", origin);
            response.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
            response.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
            response.setHeader("Access-Control-Max-Age", "600");
        }
        response.addHeader("Vary", "Origin");
        if ("OPTIONS".equals(request.getMethod()) && request.getHeader("Access-Control-Request-Method") != null) {
            response.setStatus(allowed ? HttpServletResponse.SC_NO_CONTENT : HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean allows(String key, String origin) {
        UUID widget;
        try {
            widget = key == null ? null : UUID.fromString(key);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return widget != null && channels.find(widget).filter(channel -> channel.type() == Channel.WIDGET
                && channel.enabled()).map(channel -> WidgetSettings.of(channel).allows(origin)).orElse(false);
    }
}
