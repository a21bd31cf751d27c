package com.custarea.routes.email;

/** A file attached to an e-mail, with its bytes at hand (inbound: as parsed; outbound: as read from storage). */
public record EmailFile(String filename, String contentType, byte[] content) {
}
