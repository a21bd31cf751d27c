package com.custarea.routes.support;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list: its items, and the cursor of the next page (null on the last).
 */
public record Page<T>(List<T> items, String nextCursor) {

    /**
     * The page of {@code rows}, fetched with one row more than {@code limit} to know whether a next page exists.
     */
    public static <T> Page<T> of(List<T> rows, int limit, Function<T, Cursor> cursorOf) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, limit);
        return new Page<>(List.copyOf(items), cursorOf.apply(items.get(items.size() - 1)).encode());
    }
}
