package com.custarea.routes.support;

import java.sql.Types;
import java.util.Collection;
import java.util.UUID;

import org.springframework.jdbc.core.SqlParameterValue;

/**
 * Array parameters for set-based SQL: a batch is written or read with one statement over {@code unnest(...)} of
 * column arrays instead of one statement per row, and the SQL stays a fixed text with bound parameters.
 */
public final class SqlArrays {

    private SqlArrays() {
    }

    /** A {@code uuid[]} parameter. */
    public static SqlParameterValue uuids(Collection<UUID> values) {
        return new SqlParameterValue(Types.ARRAY, values.toArray(UUID[]::new));
    }

    /** A {@code text[]} parameter (cast it in SQL for other types: timestamptz, jsonb, boolean). */
    public static SqlParameterValue texts(Collection<String> values) {
        return new SqlParameterValue(Types.ARRAY, values.toArray(String[]::new));
    }
}
