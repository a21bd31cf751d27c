package com.custarea.routes.support;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail: what went wrong with a request, for a machine and a person.
 *
 * @param type     a URI naming the kind of problem
 * @param title    a short summary of the kind
 * @param status   the HTTP status
 * @param detail   what went wrong with this request
 * @param instance the request path
 * @param errors   field-level problems, each naming its field by JSON Pointer
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    /** The base of every problem type URI. */
    public static final String TYPE_BASE = "https://custarea.dev/problems/";

    /** One invalid field: its JSON Pointer and what is wrong with it. */
    public record FieldError(String pointer, String detail) {
    }
}
