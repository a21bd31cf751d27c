package com.custarea.app.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.UUID;

import com.custarea.app.security.Caller;
import com.custarea.routes.media.MediaStore;
import com.custarea.routes.support.ProblemException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/** The handler of /api/media/{id}: a file that came with a message, to the users of its tenant only. */
@Component
public class MediaApi {

    /** Types a browser may show inline; anything else is served as a download so it cannot run as a page. */
    private static final List<String> INLINE = List.of("image/", "audio/", "video/");

    private final MediaStore media;

    public MediaApi(MediaStore media) {
        this.media = media;
    }

    public void get(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.caller();
        UUID id = request.pathId("id");
        MediaStore.Opened opened = media.open(caller.tenantId(), id);
        if (opened instanceof MediaStore.Opened.NotFound) {
            throw ProblemException.notFound("No media " + id);
        }
        if (opened instanceof MediaStore.Opened.TooLarge tooLarge) {
            throw new ProblemException(410, "media-not-kept", "Media not kept", "The file was larger than the "
                    + tooLarge.maxBytes() + " bytes CustArea keeps; it is only at the provider", List.of(), null);
        }
        if (opened instanceof MediaStore.Opened.Unavailable unavailable) {
            throw new ProblemException(502, "media-unavailable", "Media unavailable", unavailable.reason(),
                    List.of(), null);
        }
        MediaStore.Content content = ((MediaStore.Opened.Found) opened).content();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(content.file());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Message response = exchange.getMessage();
        response.getHeaders().clear();
        response.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        response.setHeader(Exchange.CONTENT_TYPE, content.contentType());
        response.setHeader("Cache-Control", "private, max-age=3600");
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (INLINE.stream().noneMatch(content.contentType()::startsWith)) {
            response.setHeader("Content-Disposition", "attachment; filename=\"" + id + "\"");
        }
        response.setBody(bytes);
    }
}
