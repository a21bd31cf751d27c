package com.custarea.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A file attached to a message, carried by reference (a URL or a storage key), never inline. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Attachment(String url, String contentType, String filename, Long sizeBytes) {
}
