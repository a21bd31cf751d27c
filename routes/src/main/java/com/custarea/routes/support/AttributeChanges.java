package com.custarea.routes.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.custarea.schemas.PayloadJson;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;

/** Custom attributes to merge into a jsonb column: the keys set, and the keys a null value removes. */
public record AttributeChanges(Map<String, Object> set, List<String> removed) {

    /**
     * The merged value of an {@code attributes} jsonb column, computed from the row itself (so concurrent merges each
     * see the other's result), with the parameters of {@link #addTo}.
     */
    public static final String MERGED = "((attributes || CAST(:set AS jsonb)) - CAST(:removed AS text[]))";

    /** The changes {@code attributes} asks for, each key given {@code prefix}. */
    public static AttributeChanges of(String prefix, Map<String, Object> attributes) {
        Map<String, Object> set = new LinkedHashMap<>();
        List<String> removed = new ArrayList<>();
        attributes.forEach((key, value) -> {
            if (value == null) {
                removed.add(prefix + key);
            } else {
                set.put(prefix + key, value);
            }
        });
        return new AttributeChanges(set, removed);
    }

    /** Binds the parameters {@link #MERGED} uses. */
    public MapSqlParameterSource addTo(MapSqlParameterSource params) {
        return params.addValue("set", PayloadJson.write(set)).addValue("removed", SqlArrays.texts(removed));
    }
}
