package com.custarea.routes.support;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads a form-encoded POST body once, bounded, and refuses it as a 400, 413 or 415 problem when it is malformed,
 * too large or not UTF-8, before Camel's HTTP binding parses it into headers: that binding throws on a bad escape or
 * a pair without {@code =}, which would otherwise surface as a bare 500. A valid body is handed on re-readable.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class FormBodyGuardFilter extends OncePerRequestFilter {

    private static final String FORM = "application/x-www-form-urlencoded";

    private final int maxBodyBytes;

    public FormBodyGuardFilter(@Value("${custarea.http.max-form-bytes:1048576}") int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String contentType = request.getContentType();
        return !"POST".equals(request.getMethod()) || contentType == null
                || !contentType.toLowerCase(Locale.ROOT).startsWith(FORM);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String charset = request.getCharacterEncoding();
        if (charset != null && !isUtf8(charset)) {
            refuse(request, response, 415, "unsupported-media-type", "Unsupported media type",
                    "Form bodies must be UTF-8, not " + charset);
            return;
        }
        if (request.getContentLengthLong() > maxBodyBytes) {
            refuse(request, response, 413, "payload-too-large", "Payload too large",
                    "The body has " + request.getContentLengthLong() + " bytes; at most " + maxBodyBytes
                            + " are accepted");
            return;
        }
        byte[] body = request.getInputStream().readNBytes(maxBodyBytes + 1);
        if (body.length > maxBodyBytes) {
            refuse(request, response, 413, "payload-too-large", "Payload too large",
                    "The body has more than " + maxBodyBytes + " bytes");
            return;
        }
        try {
            FormEncoding.decode(new String(body, StandardCharsets.UTF_8));
        } catch (ProblemException problem) {
            HttpResponses.problem(response, problem.toProblem(request.getRequestURI()));
            return;
        }
        chain.doFilter(new ReadBodyRequest(request, body), response);
    }

    private static boolean isUtf8(String charset) {
        try {
            return Charset.forName(charset.trim()).equals(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, int status, String slug,
                               String title, String detail) throws IOException {
        HttpResponses.problem(response, new Problem(Problem.TYPE_BASE + slug, title, status, detail,
                request.getRequestURI(), List.of()));
    }

    /** The request with its body already read, served again from memory. */
    private static final class ReadBodyRequest extends HttpServletRequestWrapper {

        private final byte[] body;

        ReadBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream bytes = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return bytes.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("The body is already read");
                }

                @Override
                public int read() {
                    return bytes.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return bytes.read(buffer, offset, length);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
